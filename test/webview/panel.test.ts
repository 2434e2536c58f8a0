/**
 * The results panel in headless Chromium: live trajectories drawn by the chart, the summary table, Cancel,
 * failures, the metric switch, and the Content-Security-Policy actually enforced. Screenshots go to
 * test-artifacts/webview/.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { IterationPoint, RunResult, RunSpec, SolveResult } from '../../protocol/results';
import type { ToPanel } from '../../protocol/webview';
import { ARTIFACTS } from '../paths';
import { chromiumForTests } from './browser';
import { countColoredPixels, openPanel } from './panel-page';

const SHOTS = join(ARTIFACTS, 'webview');
// The first two series colours of webview/src/theme.ts (Okabe–Ito blue and orange).
const BLUE: [number, number, number] = [0, 114, 178];
const ORANGE: [number, number, number] = [230, 159, 0];

const problem = { kind: 'attention', variant: 'normalized', n: 8, d: 4, reg: 0 } as const;
const specs: RunSpec[] = [
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

function result(runId: string, stopReason: 'steps' | 'cancelled' = 'steps'): SolveResult {
  const runs: RunResult[] = specs.map((s) => {
    const it = trajectory(s.index);
    return { index: s.index, method: s.method, options: s.options, label: s.label, iterations: it, final: { loss: it[it.length - 1].loss, X: [[0]], stopReason, iterations: it.length - 1, elapsedMs: 1234 } };
  });
  return { runId, source: 'file:///w/quickstart.regress', problem, runs };
}

const started = (runId: string): ToPanel => ({ type: 'runStarted', runId, title: 'quickstart.regress', source: 'file:///w/quickstart.regress', problem, runs: specs, startedAt: Date.now() });

describe('results panel (Chromium)', () => {
  const browser = chromiumForTests(SHOTS);

  test('draws streamed trajectories live, then the finished summary', async () => {
    const p = await openPanel(browser());
    assert.equal(await p.page.getAttribute('body', 'data-panel-state'), 'empty');
    await p.send(started('run-1'));
    await p.page.waitForSelector('section.run[data-run-id="run-1"][data-status="running"]');
    assert.equal(await p.page.getAttribute('body', 'data-panel-state'), 'running');
    assert.equal(await countColoredPixels(p.page, '.run .chart', BLUE), 0, 'no line before any point');

    // Stream in batches, as the server does (throttled), interleaving the two blocks.
    for (let start = 0; start < 200; start += 50) {
      for (const b of [0, 1]) await p.send({ type: 'points', runId: 'run-1', runIndex: b, points: trajectory(b).slice(start, start + 50), maxSteps: 199 });
      await p.page.waitForSelector(`tr[data-run-index="0"][data-points="${start + 50}"]`);
    }
    await p.page.waitForSelector('tr[data-run-index="1"][data-points="200"]');
    const blue = await countColoredPixels(p.page, '.run .chart', BLUE);
    const orange = await countColoredPixels(p.page, '.run .chart', ORANGE);
    assert.ok(blue > 100, `the gd line is drawn (${blue} blue pixels)`);
    assert.ok(orange > 100, `the lbfgs line is drawn (${orange} orange pixels)`);
    assert.match(await p.page.textContent('tr[data-run-index="0"] td:nth-child(4)') ?? '', /^199 \/ 199$/);
    await p.page.screenshot({ path: join(SHOTS, 'live-running.png'), fullPage: true });

    await p.send({ type: 'runFinished', runId: 'run-1', result: result('run-1') });
    await p.page.waitForSelector('body[data-panel-state="finished"]');
    assert.equal(await p.page.getAttribute('tr[data-run-index="0"]', 'data-stop-reason'), 'steps');
    const finalLoss = 0.5 * Math.exp(-199 / 40);
    assert.equal(await p.page.textContent('tr[data-run-index="0"] td:nth-child(6)'), finalLoss.toPrecision(4)); // 3.454e-3 lies in [1e-3, 1e5): fixed notation
    assert.equal(await p.page.textContent('tr[data-run-index="1"] td:nth-child(5)'), '0.5');
    assert.equal(await p.page.isVisible('button.cancel'), false, 'no Cancel on a finished run');
    assert.deepEqual(await p.cspViolations(), []);
    await p.page.screenshot({ path: join(SHOTS, 'live-finished.png'), fullPage: true });
    await p.page.close();
  });

  test('the final result repairs a trajectory whose batches were lost', async () => {
    const p = await openPanel(browser());
    await p.send(started('run-2'));
    await p.send({ type: 'points', runId: 'run-2', runIndex: 0, points: trajectory(0).slice(0, 10), maxSteps: 199 });
    await p.page.waitForSelector('tr[data-run-index="0"][data-points="10"]');
    await p.send({ type: 'runFinished', runId: 'run-2', result: result('run-2') });
    await p.page.waitForSelector('tr[data-run-index="0"][data-points="200"]');
    await p.page.waitForSelector('tr[data-run-index="1"][data-points="200"]');
    await p.page.close();
  });

  test('Cancel posts the run id to the host and the run ends as cancelled', async () => {
    const p = await openPanel(browser());
    await p.send(started('run-3'));
    await p.page.click('section[data-run-id="run-3"] button.cancel');
    assert.deepEqual((await p.posted()).filter((m) => m.type === 'cancel'), [{ type: 'cancel', runId: 'run-3' }]);
    assert.equal(await p.page.textContent('section[data-run-id="run-3"] .status'), 'cancelling…');
    assert.equal(await p.page.isDisabled('section[data-run-id="run-3"] button.cancel'), true);
    await p.send({ type: 'runFinished', runId: 'run-3', result: result('run-3', 'cancelled') });
    await p.page.waitForSelector('section[data-run-id="run-3"][data-status="cancelled"]');
    assert.equal(await p.page.getAttribute('body', 'data-panel-state'), 'cancelled');
    await p.page.close();
  });

  test('a failed run shows its message; bad stops are flagged', async () => {
    const p = await openPanel(browser());
    await p.send({ type: 'runFailed', runId: 'bad', message: 'The problem has 1 error:\n3:5: unknown setting' });
    await p.page.waitForSelector('body[data-panel-state="failed"]');
    assert.match((await p.page.textContent('section[data-run-id="bad"] .error')) ?? '', /3:5: unknown setting/);

    await p.send(started('ovf'));
    const r = result('ovf');
    r.runs[1].final = { ...r.runs[1].final, stopReason: 'overflow', message: 'iteration 12: entry (3, 5) of A1·X·A2ᵀ reached 731.2' };
    await p.send({ type: 'runFinished', runId: 'ovf', result: r });
    await p.page.waitForSelector('section[data-run-id="ovf"] tr[data-stop-reason="overflow"] td.bad');
    assert.match((await p.page.textContent('section[data-run-id="ovf"] .error')) ?? '', /#2 lbfgs memory=8: iteration 12: entry \(3, 5\)/);
    await p.page.close();
  });

  test('the metric switch redraws on the chosen quantity and is remembered', async () => {
    const p = await openPanel(browser());
    await p.send(started('m'));
    await p.send({ type: 'points', runId: 'm', runIndex: 0, points: trajectory(0), maxSteps: 199 });
    await p.page.waitForSelector('tr[data-run-index="0"][data-points="200"]');
    assert.match((await p.page.textContent('.run .chart .u-legend')) ?? '', /#1 gd lr=5/);
    const canvas = () => p.page.evaluate(() => (document.querySelector('.run .chart canvas') as HTMLCanvasElement).toDataURL());
    const before = await canvas();
    await p.page.check('input[value="gradNorm"]');
    await p.page.waitForSelector('.run .chart[data-metric="gradNorm"]');
    assert.match((await p.page.getAttribute('.run .chart', 'aria-label')) ?? '', /‖∇L‖₂/);
    assert.notEqual(await canvas(), before, 'the canvas shows different values after the switch');
    assert.deepEqual(await p.page.evaluate(() => window.__state), { metric: 'gradNorm' });
    assert.ok((await countColoredPixels(p.page, '.run .chart', BLUE)) > 100, 'redrawn after the switch');
    await p.page.close();

    // A reloaded panel restores the choice from the webview state.
    const q = await openPanel(browser(), { state: { metric: 'stepNorm' } });
    await q.send(started('m2'));
    assert.equal(await q.page.isChecked('input[value="stepNorm"]'), true);
    await q.page.close();
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
