/**
 * The results panel in headless Chromium, fed solve runs as RunEvents: live trajectories drawn by the chart, the
 * summary table, the header (title, time, status in its colour), Cancel, failures, stops that must be looked at,
 * the charts of several quantities side by side, a theme switch, and the Content-Security-Policy actually enforced. Expected texts are written
 * out here, not produced by the panel's formatter. Screenshots go to test-artifacts/webview/.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { IterationPoint, BlockResult, BlockSpec, SolveResult, StopReason } from '../../protocol/results';
import type { RunEvent } from '../../protocol/runs';
import { ARTIFACTS } from '../paths';
import { chromiumForTests } from './browser';
import { failed, finished, progress, started, uriOf } from './events';
import { countColoredPixels, openPanel, useDarkTheme, type PanelPage } from './panel-page';

const SHOTS = join(ARTIFACTS, 'webview');
// The first two series colours of webview/src/theme.ts (Okabe–Ito blue and orange).
const BLUE: [number, number, number] = [0, 114, 178];
// On a dark background the main line is Okabe–Ito's sky blue instead (webview/src/theme.ts).
const SKY: [number, number, number] = [86, 180, 233];
const ORANGE: [number, number, number] = [230, 159, 0];
// panel.css's fallbacks (the light report theme): error, ok (green), warning.
const ERROR = 'rgb(207, 34, 46)';
const GREEN = 'rgb(26, 127, 55)';

const FILE = 'quickstart.regress';
const problem = { kind: 'attention', variant: 'normalized', n: 8, d: 4, reg: 0 } as const;
const specs: BlockSpec[] = [
  { index: 0, method: 'gd', options: { lr: 5, steps: 199, gradtol: 1e-10, losstol: 0 }, line: 15, label: 'gd lr=5' },
  { index: 1, method: 'lbfgs', options: { memory: 8, steps: 199, gradtol: 1e-10, losstol: 0 }, line: 16, label: 'lbfgs memory=8' },
];

/** Two distinct decreasing trajectories of 200 points (k = 0…199). */
function trajectory(block: number): IterationPoint[] {
  return Array.from({ length: 200 }, (_, k) => {
    const loss = block === 0 ? 0.5 * Math.exp(-k / 40) : 0.5 / (1 + k);
    return { k, loss, gradNorm: Math.sqrt(2 * loss), stepNorm: k === 0 ? 0 : 0.1 * loss };
  });
}

function block(s: BlockSpec, points: IterationPoint[], stopReason: StopReason, message?: string): BlockResult {
  const final = {
    loss: points[points.length - 1].loss,
    X: [[0]],
    stopReason,
    ...(message ? { message } : {}),
    iterations: points.length - 1,
    elapsedMs: 1234,
  };
  return { index: s.index, method: s.method, options: s.options, label: s.label, iterations: points, final };
}

function result(runId: string, runs: BlockResult[], cancelled?: boolean): SolveResult {
  return { runId, source: uriOf(FILE), problem, runs, ...(cancelled ? { cancelled } : {}) };
}

const start = (runId: string, blocks = specs): RunEvent => started('solve', runId, FILE, { problem, blocks });
const points = (runId: string, b: number, pts: IterationPoint[], stop?: { reason: StopReason; message?: string }): RunEvent =>
  progress('solve', runId, { block: b, points: pts, maxSteps: 199, ...(stop ? { stop } : {}) });
const card = (runId: string) => `section.run[data-run-id="${runId}"]`;
const text = (p: PanelPage, selector: string) => p.page.textContent(selector);
const color = (p: PanelPage, selector: string) => p.page.$eval(selector, (e) => getComputedStyle(e).color);

describe('results panel (Chromium)', () => {
  const browser = chromiumForTests(SHOTS);

  test('draws streamed trajectories live, then the finished summary', async () => {
    const p = await openPanel(browser());
    assert.equal(await p.page.getAttribute('body', 'data-panel-state'), 'empty');
    await p.send(start('run-1'));
    await p.page.waitForSelector(`${card('run-1')}[data-status="running"][data-kind="solve"]`);
    assert.equal(await p.page.getAttribute('body', 'data-panel-state'), 'running');
    assert.equal(await text(p, `${card('run-1')} h2`), 'quickstart.regress');
    assert.equal(await p.page.getAttribute(`${card('run-1')} h2`, 'title'), 'file:///w/quickstart.regress');
    assert.equal(await p.page.getAttribute(`${card('run-1')} time`, 'datetime'), '2025-01-02T03:04:05.000Z');
    assert.equal(await text(p, `${card('run-1')} .problem`), 'attention normalized · n = 8 · d = 4');
    assert.equal(await text(p, `${card('run-1')} .status`), 'running');
    assert.equal(await countColoredPixels(p.page, '.run .chart', BLUE), 0, 'no line before any point');

    // Stream in batches, as the server does (throttled), interleaving the two blocks; the last carries the stop.
    for (let from = 0; from < 200; from += 50) {
      for (const b of [0, 1])
        await p.send(points('run-1', b, trajectory(b).slice(from, from + 50), from === 150 ? { reason: 'steps' } : undefined));
      await p.page.waitForSelector(`tr[data-run-index="0"][data-points="${from + 50}"]`);
    }
    await p.page.waitForSelector('tr[data-run-index="1"][data-points="200"]');
    assert.equal(await p.page.getAttribute('.run .chart', 'data-points'), '400');
    assert.equal(await p.page.getAttribute(card('run-1'), 'data-points'), '400');
    // The block's stop arrived with its last points, before the run answered.
    assert.equal(await p.page.getAttribute('tr[data-run-index="0"]', 'data-stop-reason'), 'steps');
    assert.equal(await text(p, 'tr[data-run-index="0"] td:nth-child(3)'), 'step limit');
    const blue = await countColoredPixels(p.page, '.run .chart', BLUE);
    const orange = await countColoredPixels(p.page, '.run .chart', ORANGE);
    assert.ok(blue > 100, `the gd line is drawn (${blue} blue pixels)`);
    assert.ok(orange > 100, `the lbfgs line is drawn (${orange} orange pixels)`);
    assert.equal(await text(p, 'tr[data-run-index="0"] td:nth-child(4)'), '199 / 199');
    await p.page.screenshot({ path: join(SHOTS, 'live-running.png'), fullPage: true });

    await p.send(
      finished(
        'solve',
        'run-1',
        result(
          'run-1',
          specs.map((s) => block(s, trajectory(s.index), 'steps')),
        ),
      ),
    );
    await p.page.waitForSelector('body[data-panel-state="finished"]');
    assert.equal(await text(p, `${card('run-1')} .status`), 'finished');
    assert.equal(await color(p, `${card('run-1')} .status`), GREEN);
    // 0.5·e^(−199/40) = 0.0034542…: fixed notation in [1e-3, 1e5), four significant digits.
    assert.equal(await text(p, 'tr[data-run-index="0"] td:nth-child(6)'), '0.003454');
    assert.equal(await text(p, 'tr[data-run-index="1"] td:nth-child(5)'), '0.5');
    assert.equal(await text(p, 'tr[data-run-index="1"] td:nth-child(8)'), '1.23 s');
    assert.equal(await p.page.isVisible('button.cancel'), false, 'no Cancel on a finished run');
    assert.deepEqual(await p.snapshot(), [{ runId: 'run-1', kind: 'solve', status: 'finished', points: 400 }]);
    assert.deepEqual(await p.cspViolations(), []);
    await p.page.screenshot({ path: join(SHOTS, 'live-finished.png'), fullPage: true });
    await p.page.close();
  });

  test('the final result repairs a trajectory whose batches were lost', async () => {
    const p = await openPanel(browser());
    await p.send(start('run-2'));
    await p.send(points('run-2', 0, trajectory(0).slice(0, 10)));
    await p.page.waitForSelector('tr[data-run-index="0"][data-points="10"]');
    await p.send(
      finished(
        'solve',
        'run-2',
        result(
          'run-2',
          specs.map((s) => block(s, trajectory(s.index), 'steps')),
        ),
      ),
    );
    await p.page.waitForSelector('tr[data-run-index="0"][data-points="200"]');
    await p.page.waitForSelector('tr[data-run-index="1"][data-points="200"]');
    assert.equal(await p.page.getAttribute(card('run-2'), 'data-points'), '400');
    await p.page.close();
  });

  test('Cancel posts the run id; the cancelled run says at which k', async () => {
    const p = await openPanel(browser());
    await p.send(start('run-3'));
    await p.send(points('run-3', 0, trajectory(0).slice(0, 58)));
    await p.page.click(`${card('run-3')} button.cancel`);
    assert.deepEqual(
      (await p.posted()).filter((m) => m.type === 'cancel'),
      [{ type: 'cancel', runId: 'run-3' }],
    );
    assert.equal(await text(p, `${card('run-3')} .status`), 'cancelling…');
    assert.equal(await p.page.isDisabled(`${card('run-3')} button.cancel`), true);
    // The first block stopped at k = 57; the second never ran.
    await p.send(finished('solve', 'run-3', result('run-3', [block(specs[0], trajectory(0).slice(0, 58), 'cancelled')], true)));
    await p.page.waitForSelector(`${card('run-3')}[data-status="cancelled"]`);
    assert.equal(await p.page.getAttribute('body', 'data-panel-state'), 'cancelled');
    assert.equal(await text(p, `${card('run-3')} .status`), 'cancelled at k = 57 (#1 gd lr=5)');
    assert.equal(await text(p, `${card('run-3')} tr[data-run-index="0"] td:nth-child(3)`), 'cancelled at k = 57');
    assert.equal(await text(p, `${card('run-3')} tr[data-run-index="1"] td:nth-child(3)`), 'cancelled');
    await p.page.close();
  });

  test('a run that failed before it started names its file and says why', async () => {
    const p = await openPanel(browser());
    await p.send(failed('solve', 'bad', 'broken.regress', 'The problem has 1 error:\n3:5: unknown setting'));
    await p.page.waitForSelector(`body[data-panel-state="failed"] ${card('bad')}[data-status="failed"]`);
    assert.equal(await text(p, `${card('bad')} h2`), 'broken.regress');
    assert.equal(await p.page.getAttribute(`${card('bad')} h2`, 'title'), 'file:///w/broken.regress');
    assert.equal(await text(p, `${card('bad')} .status`), 'failed');
    assert.equal(await color(p, `${card('bad')} .status`), ERROR);
    assert.equal(await text(p, `${card('bad')} .error`), 'The problem has 1 error:\n3:5: unknown setting');
    assert.equal(await p.page.$(`${card('bad')} time`), null, 'it never started');
    assert.deepEqual(await p.snapshot(), [{ runId: 'bad', kind: 'solve', status: 'failed', points: 0 }]);
    await p.page.close();
  });

  test('a run whose block stopped on an overflow says so in the error colour, not "finished"', async () => {
    const p = await openPanel(browser());
    const message = 'iteration 12: entry (3, 5) of A1·X·A2ᵀ reached 731.2';
    const lbfgs = trajectory(1).slice(0, 13);
    await p.send(start('ovf'));
    await p.send(points('ovf', 1, lbfgs, { reason: 'overflow', message }));
    // The block's row says it at once, while the run goes on.
    await p.page.waitForSelector(`${card('ovf')} tr[data-run-index="1"][data-stop-reason="overflow"] td.bad`);
    assert.equal(await text(p, `${card('ovf')} tr[data-run-index="1"] td:nth-child(3)`), 'exp overflow');
    assert.equal(await text(p, `${card('ovf')} .status`), 'running');
    await p.send(
      finished('solve', 'ovf', result('ovf', [block(specs[0], trajectory(0), 'steps'), block(specs[1], lbfgs, 'overflow', message)])),
    );
    await p.page.waitForSelector(`${card('ovf')}[data-status="finished"]`);
    assert.equal(await text(p, `${card('ovf')} .status`), 'stopped: exp overflow at k = 12 (#2 lbfgs memory=8)');
    assert.equal(await color(p, `${card('ovf')} .status`), ERROR);
    assert.equal(await text(p, `${card('ovf')} .error`), '#2 lbfgs memory=8: iteration 12: entry (3, 5) of A1·X·A2ᵀ reached 731.2');

    // One block: no block name; a non-finite value reads the same way.
    const one = trajectory(0).slice(0, 4);
    await p.send(start('nan', [specs[0]]));
    await p.send(finished('solve', 'nan', result('nan', [block(specs[0], one, 'nonFinite', 'iteration 3: the loss is NaN')])));
    await p.page.waitForSelector(`${card('nan')}[data-status="finished"]`);
    assert.equal(await text(p, `${card('nan')} .status`), 'stopped: non-finite value at k = 3');
    assert.equal(await color(p, `${card('nan')} .status`), ERROR);
    await p.page.screenshot({ path: join(SHOTS, 'stopped-overflow.png'), fullPage: true });
    await p.page.close();
  });

  test('a block with a single point draws it as a marker', async () => {
    const p = await openPanel(browser());
    await p.send(start('one', [specs[0]]));
    await p.send(points('one', 0, trajectory(0).slice(0, 1), { reason: 'overflow', message: 'iteration 0: exp overflow' }));
    await p.page.waitForSelector(`${card('one')} tr[data-run-index="0"][data-points="1"]`);
    const blue = await countColoredPixels(p.page, `${card('one')} .chart`, BLUE);
    assert.ok(blue > 10, `the lone point is drawn (${blue} blue pixels)`);
    await p.page.close();
  });

  test('loss, ‖∇L‖ and ‖step‖ side by side, the step size once a block has one; the chosen charts are remembered', async () => {
    const p = await openPanel(browser(), { width: 1400 });
    await p.send(start('m'));
    await p.send(points('m', 0, trajectory(0)));
    await p.page.waitForSelector('tr[data-run-index="0"][data-points="200"]');
    const metrics = () => p.page.$$eval(`${card('m')} .metric-charts .chart`, (els) => els.map((e) => (e as HTMLElement).dataset.metric));
    // No block has a step size: its chart and its box wait for one.
    assert.deepEqual(await metrics(), ['loss', 'gradNorm', 'stepNorm']);
    assert.equal(await p.page.isVisible(`${card('m')} input[value="stepSize"]`), false);
    for (const [metric, label] of [
      ['loss', /^loss 0\.5·‖·‖² against iteration k, log scale$/],
      ['gradNorm', /^‖∇L‖₂ against iteration k/],
      ['stepNorm', /^‖step‖₂ against iteration k/],
    ] as const) {
      const chart = `${card('m')} .chart[data-metric="${metric}"]`;
      assert.match((await p.page.getAttribute(chart, 'aria-label')) ?? '', label);
      assert.equal(await p.page.getAttribute(chart, 'data-points'), '200');
      assert.ok((await countColoredPixels(p.page, chart, BLUE)) > 100, `${metric}: the line is drawn`);
    }
    // Wide: the three side by side, one row.
    const tops = await p.page.$$eval(`${card('m')} .metric-charts .chart`, (els) =>
      els.map((e) => Math.round(e.getBoundingClientRect().top)),
    );
    assert.equal(new Set(tops).size, 1, `one row: ${tops.join(', ')}`);
    // Each chart draws its own quantity: the canvases differ.
    const canvases = await p.page.$$eval(`${card('m')} .metric-charts canvas`, (cs) => cs.map((c) => (c as HTMLCanvasElement).toDataURL()));
    assert.equal(new Set(canvases).size, 3);

    await p.page.uncheck(`${card('m')} input[value="gradNorm"]`);
    await p.page.waitForFunction((sel) => document.querySelectorAll(`${sel} .metric-charts .chart`).length === 2, card('m'));
    assert.deepEqual(await metrics(), ['loss', 'stepNorm']);
    assert.deepEqual(await p.page.evaluate(() => window.__state), { metrics: ['loss', 'stepNorm', 'stepSize'] });
    // Points with a step size bring its chart.
    await p.send(
      points(
        'm',
        1,
        trajectory(1).map((pt) => ({ ...pt, stepSize: 0.5 })),
      ),
    );
    await p.page.waitForFunction((sel) => document.querySelectorAll(`${sel} .metric-charts .chart`).length === 3, card('m'));
    assert.deepEqual(await metrics(), ['loss', 'stepNorm', 'stepSize']);
    assert.equal(await p.page.isVisible(`${card('m')} input[value="stepSize"]`), true);
    await p.page.close();

    // A reloaded panel restores the choice from the webview state; narrow, the charts stack.
    const q = await openPanel(browser(), { state: { metrics: ['gradNorm', 'stepNorm'] }, width: 500 });
    await q.send(start('m2'));
    await q.send(points('m2', 0, trajectory(0)));
    await q.page.waitForSelector(`${card('m2')} tr[data-run-index="0"][data-points="200"]`);
    assert.equal(await q.page.isChecked(`${card('m2')} input[value="loss"]`), false);
    assert.equal(await q.page.isChecked(`${card('m2')} input[value="gradNorm"]`), true);
    assert.deepEqual(
      await q.page.$$eval(`${card('m2')} .metric-charts .chart`, (els) => els.map((e) => (e as HTMLElement).dataset.metric)),
      ['gradNorm', 'stepNorm'],
    );
    const stacked = await q.page.$$eval(`${card('m2')} .metric-charts .chart`, (els) => els.map((e) => e.getBoundingClientRect().top));
    assert.ok(stacked[1] > stacked[0] + 100, `stacked: ${stacked.join(', ')}`);
    await q.page.close();
  });

  test('a theme switch redraws the chart in the new colours', async () => {
    const p = await openPanel(browser());
    await p.send(start('t'));
    await p.send(points('t', 0, trajectory(0)));
    await p.page.waitForSelector('tr[data-run-index="0"][data-points="200"]');
    // The axis labels are drawn on the canvas in the theme's foreground: Dark Modern's #cccccc.
    const grey = () => countColoredPixels(p.page, '.run .chart', [204, 204, 204], 8);
    assert.equal(await grey(), 0, 'nothing light grey in the light theme');
    await useDarkTheme(p.page);
    await p.page.waitForFunction(() => {
      const canvas = document.querySelector('.run .chart canvas') as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 0; i < data.length; i += 4)
        if (data[i + 3] > 128 && [204, 204, 204].every((c, j) => Math.abs(data[i + j] - c) <= 8)) return true;
      return false;
    });
    assert.ok((await countColoredPixels(p.page, '.run .chart', SKY)) > 100, 'the line is drawn again, in the dark theme’s blue');
    assert.equal(await countColoredPixels(p.page, '.run .chart', BLUE), 0, 'the light theme’s blue is gone');
    assert.equal(await p.page.getAttribute('.run .chart', 'data-points'), '200');
    await p.page.close();
  });

  test('the Content-Security-Policy blocks scripts without the nonce', async () => {
    const p = await openPanel(browser());
    await p.page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__injected = true';
      document.body.append(s);
    });
    await p.page.waitForFunction(() => window.__csp.length > 0);
    assert.equal(await p.page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected), undefined);
    assert.match((await p.cspViolations())[0], /script-src/);
    await p.page.close();
  });
});
