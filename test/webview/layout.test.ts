/**
 * The panel as a pane kept open all day at about 500 px beside the editor: the solve summary keeps its essential
 * columns and lists the rest in a details row, a run started while the user reads further down comes into view,
 * and older finished cards fold to their header, toggled from the keyboard. Expected texts are written out here.
 * Screenshots go to test-artifacts/webview/.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { BlockResult, BlockSpec, IterationPoint, SolveResult } from '../../protocol/results';
import type { RunEvent } from '../../protocol/runs';
import { ARTIFACTS } from '../paths';
import { chromiumForTests } from './browser';
import { finished, progress, started, uriOf } from './events';
import { details, NARROW, overflows, visibleHeaders } from './narrow';
import { openPanel, type PanelPage } from './panel-page';

const SHOTS = join(ARTIFACTS, 'webview');
const FILE = 'quickstart.regress';
const problem = { kind: 'attention', variant: 'normalized', n: 8, d: 4, reg: 0 } as const;
const specs: BlockSpec[] = [
  { index: 0, method: 'gd', options: { lr: 5, steps: 199 }, line: 15, label: 'gd lr=5' },
  { index: 1, method: 'lbfgs', options: { memory: 8, steps: 199 }, line: 16, label: 'lbfgs memory=8' },
];

/** loss 0.5/(1 + k), ‖∇L‖ = √(2·loss), k = 0…199. */
const POINTS: IterationPoint[] = Array.from({ length: 200 }, (_, k) => {
  const loss = 0.5 / (1 + k);
  return { k, loss, gradNorm: Math.sqrt(2 * loss), stepNorm: 0 };
});

function block(s: BlockSpec): BlockResult {
  const final = { loss: 0.0025, X: [[0]], stopReason: 'steps' as const, iterations: 199, elapsedMs: 1234 };
  return { index: s.index, method: s.method, options: s.options, label: s.label, iterations: POINTS, final };
}

const result = (runId: string): SolveResult => ({ runId, source: uriOf(FILE), problem, runs: specs.map(block) });
const start = (runId: string): RunEvent => started('solve', runId, FILE, { problem, blocks: specs });
const card = (runId: string) => `section.run[data-run-id="${runId}"]`;

async function finishedRun(p: PanelPage, runId: string) {
  await p.send(start(runId));
  for (const b of [0, 1]) await p.send(progress('solve', runId, { block: b, points: POINTS, maxSteps: 199, stop: { reason: 'steps' } }));
  await p.send(finished('solve', runId, result(runId)));
  await p.page.waitForSelector(`${card(runId)}[data-status="finished"]`);
}

/** Whether the card's header lies inside the viewport. */
const headerInView = (p: PanelPage, runId: string) =>
  p.page.$eval(`${card(runId)} header`, (h) => {
    const r = h.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight;
  });

describe('the panel at its real width (Chromium)', () => {
  const browser = chromiumForTests(SHOTS);

  test('the solve summary keeps its essential columns at 480 px and lists the others per row', async () => {
    const p = await openPanel(browser(), { width: NARROW });
    await finishedRun(p, 's1');
    const table = `${card('s1')} table.summary`;
    assert.deepEqual(await visibleHeaders(p.page, table), ['#', 'method', 'status', 'k', 'final loss']);
    assert.deepEqual(await overflows(p.page, card('s1')), []);
    assert.deepEqual(await details(p.page, `${table} tr[data-run-index="1"]`), [
      ['initial loss', '0.5'],
      ['final ‖∇L‖', '0.07071'],
      ['time', '1.23 s'],
    ]);
    await p.page.screenshot({ path: join(SHOTS, 'layout-solve-480.png'), fullPage: true });
    await p.page.close();
  });

  test('a run started while the user reads further down comes into view', async () => {
    const p = await openPanel(browser(), { width: NARROW });
    for (const id of ['a', 'b', 'c']) await finishedRun(p, id);
    await p.page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await p.page.waitForFunction(() => window.scrollY > 0);
    assert.equal(await headerInView(p, 'c'), false, 'the newest card is above the viewport');
    await p.send(start('new'));
    await p.page.waitForSelector(`${card('new')}[data-status="running"]`);
    await p.page.waitForFunction((sel) => {
      const r = document.querySelector(`${sel} header`)!.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight;
    }, card('new'));
    await p.page.close();
  });

  test('finished cards beyond the newest three fold to their header; the keyboard toggles them and the choice stays', async () => {
    const p = await openPanel(browser(), { width: NARROW });
    for (const id of ['r1', 'r2', 'r3', 'r4', 'r5']) await finishedRun(p, id);
    const collapsed = () =>
      p.page.$$eval('section.run', (cards) =>
        cards.map((c) => `${(c as HTMLElement).dataset.runId}:${(c as HTMLElement).dataset.collapsed}`),
      );
    assert.deepEqual(await collapsed(), ['r5:false', 'r4:false', 'r3:false', 'r2:true', 'r1:true']);
    assert.equal(await p.page.isVisible(`${card('r1')} .chart`), false);
    assert.equal(await p.page.isVisible(`${card('r1')} h2`), true, 'the header stays');

    await p.page.focus(`${card('r1')} button.collapse`);
    await p.page.keyboard.press('Enter');
    await p.page.waitForSelector(`${card('r1')}[data-collapsed="false"] .chart`, { state: 'visible' });
    assert.equal(await p.page.getAttribute(`${card('r1')} button.collapse`, 'aria-expanded'), 'true');
    await p.page.keyboard.press('Space');
    await p.page.waitForSelector(`${card('r1')}[data-collapsed="true"]`);
    await p.page.keyboard.press('Space');
    await p.page.waitForSelector(`${card('r1')}[data-collapsed="false"]`);

    // A newer run pushes r3 out of the newest three; r1 stays open as the user chose.
    await finishedRun(p, 'r6');
    assert.deepEqual(await collapsed(), ['r6:false', 'r5:false', 'r4:false', 'r3:true', 'r2:true', 'r1:false']);
    await p.page.screenshot({ path: join(SHOTS, 'layout-collapsed-480.png'), fullPage: true });
    await p.page.close();
  });
});
