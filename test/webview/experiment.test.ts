/**
 * In-context-learning experiments in the results panel (headless Chromium): the card's settings and live progress,
 * the per-repeat table with its mean ± std row checked against this file's own computation, the η grid-edge flag,
 * the two charts, Cancel, cancelled and failed runs, experiments beside solves, and the report's replay. The
 * message sequences are built here: three repeats with checkpoints every 100 of 400 Adam steps, at the magnitudes
 * the experiment produces (losses 1e-3…1e-2). Screenshots go to test-artifacts/.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { IclCheckpoint, IclRepeat, IclRepeatStart, IclResult, IclSettings, IclStopReason, MeanStd } from '../../protocol/experiment';
import type { ToPanel } from '../../protocol/webview';
import { num } from '../../webview/src/format';
import { ARTIFACTS } from '../paths';
import { chromiumForTests } from './browser';
import { countColoredPixels, openPanel, openReport, useDarkTheme, type PanelPage } from './panel-page';

// webview/src/theme.ts: the trained layer's loss is Okabe–Ito blue, its band the same blue at 25 % opacity.
const BLUE: [number, number, number] = [0, 114, 178];

const SETTINGS: IclSettings = {
  n: 20,
  d: 10,
  seed: 5,
  words: { kind: 'normal', scale: 1 / Math.sqrt(10), mean: 0 },
  xstar: { kind: 'normal', scale: 1, mean: 0 },
  heads: 1,
  k: 11,
  lr: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  batch: 64,
  steps: 400,
  every: 100,
  tasks: 500,
  etatasks: 200,
  etamin: 0.01,
  etamax: 100,
  etacount: 25,
  repeats: 3,
};
const STEPS = [0, 100, 200, 300, 400];

/** Repeat 2 (index 1) chose the grid's largest η. */
const STARTS: IclRepeatStart[] = [
  { repeat: 0, seed: 5, eta: 1.778, etaAtEdge: false, gdLoss: 2.1e-3, zeroLoss: 8.4e-3 },
  { repeat: 1, seed: 6, eta: 100, etaAtEdge: true, gdLoss: 2.6e-3, zeroLoss: 9.1e-3 },
  { repeat: 2, seed: 7, eta: 3.162, etaAtEdge: false, gdLoss: 1.9e-3, zeroLoss: 7.7e-3 },
];

/** Distinct per repeat: the loss falls from the uniform prediction's towards 12 % of it, the cosine rises. */
function checkpoint(r: number, step: number): IclCheckpoint {
  const tfLoss = STARTS[r].zeroLoss * (0.12 + 0.88 * Math.exp(-step / (110 + 40 * r)));
  return {
    step,
    tfLoss,
    predsDiff: 0.004 + 0.05 * (1 + 0.1 * r) * Math.exp(-step / 200),
    modelDiff: 0.02 + 0.3 * (1 + 0.05 * r) * Math.exp(-step / 150),
    modelCos: 0.2 + 0.75 * (1 - Math.exp(-step / 100)) - 0.03 * r,
    ...(step > 0 ? { trainLoss: 1.1 * tfLoss + 1e-4 * r } : {}),
  };
}

/** Population mean and std by E[x²] − E[x]², a different route from the panel's two passes. */
function expected(xs: number[]): MeanStd {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const meanSquare = xs.reduce((s, x) => s + x * x, 0) / xs.length;
  return { mean, std: Math.sqrt(Math.max(0, meanSquare - mean * mean)) };
}

const started = (runId: string): ToPanel => ({ type: 'experimentStarted', runId, title: 'icl.regress', source: 'file:///w/icl.regress', settings: SETTINGS, startedAt: 0 });

function progress(runId: string, r: number, steps: number[], withStart = false): ToPanel {
  return { type: 'experimentProgress', runId, repeat: r, ...(withStart ? { start: STARTS[r] } : {}), checkpoints: steps.map((s) => checkpoint(r, s)) };
}

/** The result after each repeat reached `reached[r]` checkpoints, with the summary computed here. */
function result(runId: string, stopReason: IclStopReason, reached: number[], extra: Partial<IclResult> = {}): IclResult {
  const repeats: IclRepeat[] = reached.map((count, r) => ({ ...STARTS[r], checkpoints: STEPS.slice(0, count).map((s) => checkpoint(r, s)) }));
  const summary = STEPS.filter((_, i) => reached.some((c) => c > i)).map((step) => {
    const at = repeats.filter((r) => r.checkpoints.some((c) => c.step === step));
    const of = (key: 'tfLoss' | 'predsDiff' | 'modelDiff' | 'modelCos') => expected(at.map((r) => r.checkpoints.find((c) => c.step === step)![key]));
    return { step, count: at.length, tfLoss: of('tfLoss'), gdLoss: expected(at.map((r) => r.gdLoss)), predsDiff: of('predsDiff'), modelDiff: of('modelDiff'), modelCos: of('modelCos') };
  });
  return { runId, source: 'file:///w/icl.regress', settings: SETTINGS, repeats, summary, stopReason, elapsedMs: 12340, ...extra };
}

/** A whole experiment as the host sends it; repeat 3's last checkpoints arrive only with the result. */
function fullRun(runId: string): ToPanel[] {
  return [
    started(runId),
    progress(runId, 0, [0, 100], true),
    progress(runId, 0, [200, 300, 400]),
    progress(runId, 1, [0, 100, 200], true),
    progress(runId, 1, [300, 400]),
    progress(runId, 2, [0, 100], true),
    { type: 'experimentFinished', runId, result: result(runId, 'done', [5, 5, 5]) },
  ];
}

/** Canvas pixels of a band's colour: `rgb` left translucent on the canvas (which the page's background shows through). */
function countBandPixels(page: Page, selector: string, rgb: [number, number, number]): Promise<number> {
  return page.evaluate(
    ({ selector, rgb }) => {
      const canvas = document.querySelector(`${selector} canvas`) as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i + 3] >= 30 && data[i + 3] <= 90 && rgb.every((c, j) => Math.abs(data[i + j] - c) <= 40)) n++;
      return n;
    },
    { selector, rgb },
  );
}

const card = (runId: string) => `section.run.experiment[data-run-id="${runId}"]`;

/** Every row of the repeats table (header, repeats, summary) as cell texts. */
function tableText(page: Page, runId: string): Promise<string[][]> {
  return page.$$eval(`${card(runId)} table.icl-repeats tr`, (rows) => rows.map((r) => [...(r as HTMLTableRowElement).cells].map((c) => c.textContent ?? '')));
}

/** The summary row's value of one quantity: the cell's full-precision data and its text. */
async function summaryCell(page: Page, runId: string, quantity: string): Promise<{ mean: number; std: number; text: string }> {
  return page.$eval(`${card(runId)} tr.icl-summary td[data-quantity="${quantity}"]`, (td) => {
    const e = td as HTMLElement;
    return { mean: Number(e.dataset.mean), std: Number(e.dataset.std), text: e.textContent ?? '' };
  });
}

function close(actual: number, want: number, what: string) {
  assert.ok(Math.abs(actual - want) <= 1e-9 * Math.max(Math.abs(want), 1e-12), `${what}: ${actual} against ${want}`);
}

/** The summary row against this file's mean ± std over `repeats` at `step`. */
async function assertSummary(page: Page, runId: string, step: number, repeats: number[]) {
  const row = `${card(runId)} tr.icl-summary`;
  await page.waitForSelector(`${row}[data-step="${step}"][data-count="${repeats.length}"]`);
  const at = repeats.map((r) => checkpoint(r, step));
  const want: Record<string, MeanStd> = {
    eta: expected(repeats.map((r) => STARTS[r].eta)),
    zeroLoss: expected(repeats.map((r) => STARTS[r].zeroLoss)),
    gdLoss: expected(repeats.map((r) => STARTS[r].gdLoss)),
    tfLoss: expected(at.map((c) => c.tfLoss)),
    predsDiff: expected(at.map((c) => c.predsDiff)),
    modelDiff: expected(at.map((c) => c.modelDiff)),
    modelCos: expected(at.map((c) => c.modelCos)),
    ...(step > 0 ? { trainLoss: expected(at.map((c) => c.trainLoss!)) } : {}),
  };
  for (const [quantity, w] of Object.entries(want)) {
    const got = await summaryCell(page, runId, quantity);
    close(got.mean, w.mean, `${quantity} mean at step ${step}`);
    if (repeats.length === 1) assert.equal(got.std, 0, `${quantity}: one repeat has no spread`);
    else close(got.std, w.std, `${quantity} std at step ${step}`);
    assert.equal(got.text, `${num(w.mean)} ± ${num(w.std, 2)}`, quantity);
  }
}

async function sendAll(p: PanelPage, messages: ToPanel[]) {
  for (const m of messages) await p.send(m);
}

describe('experiments in the results panel (Chromium)', () => {
  const browser = chromiumForTests(ARTIFACTS);

  test('streams repeats live: settings, progress, table, mean ± std, charts', async () => {
    const p = await openPanel(browser());
    const page = p.page;
    const id = 'e1';
    await p.send(started(id));
    await page.waitForSelector(`${card(id)}[data-status="running"]`);
    assert.equal(await page.getAttribute('body', 'data-panel-state'), 'running');
    assert.equal(await page.textContent(`${card(id)} h2`), 'icl.regress');
    assert.equal(await page.textContent(`${card(id)} .settings`), 'n = 20 · d = 10 · heads = 1 · k = 11 · batch = 64 · steps = 400 · lr = 0.001 · repeats = 3 · η grid 0.01…100 × 25 · tasks = 500');
    assert.match((await page.getAttribute(`${card(id)} .settings`, 'title')) ?? '', /β1 = 0\.9, β2 = 0\.999[\s\S]*every 100 steps on 500 held-out tasks/);
    assert.equal(await page.textContent(`${card(id)} .progress`), 'repeat 1/3 · step 0/400');
    assert.equal(await page.isVisible(`${card(id)} button.cancel`), true);
    assert.equal(await page.isVisible(`${card(id)} tr.icl-summary`), false, 'no summary before a checkpoint');

    await p.send(progress(id, 0, [0, 100], true));
    await page.waitForSelector(`${card(id)} tr[data-repeat="1"][data-step="100"]`);
    assert.equal(await page.textContent(`${card(id)} .progress`), 'repeat 1/3 · step 100/400');
    await assertSummary(page, id, 100, [0]);

    await p.send(progress(id, 0, [200, 300, 400]));
    await p.send(progress(id, 1, [0, 100, 200], true));
    await page.waitForSelector(`${card(id)} tr[data-repeat="2"][data-step="200"]`);
    assert.equal(await page.textContent(`${card(id)} .progress`), 'repeat 2/3 · step 200/400');
    // Repeat 1 is at step 400 but repeat 2 only at 200: the row compares them where both are.
    await assertSummary(page, id, 200, [0, 1]);
    await page.waitForSelector(`${card(id)} .icl-chart[data-chart="loss"][data-points="5"]`);

    await p.send(progress(id, 1, [300, 400]));
    await p.send(progress(id, 2, [0, 100], true));
    await page.waitForSelector(`${card(id)} tr[data-repeat="3"][data-step="100"]`);
    assert.equal(await page.textContent(`${card(id)} .progress`), 'repeat 3/3 · step 100/400');
    await assertSummary(page, id, 100, [0, 1, 2]);

    // The result also brings repeat 3's checkpoints 200…400, which no progress message carried.
    await p.send({ type: 'experimentFinished', runId: id, result: result(id, 'done', [5, 5, 5]) });
    await page.waitForSelector(`${card(id)}[data-status="finished"][data-stop-reason="done"]`);
    assert.equal(await page.getAttribute('body', 'data-panel-state'), 'finished');
    assert.equal(await page.textContent(`${card(id)} .stop`), 'Done: 3 repeats × 400 Adam steps in 12.34 s.');
    assert.equal(await page.isVisible(`${card(id)} .progress`), false);
    assert.equal(await page.isVisible(`${card(id)} button.cancel`), false, 'nothing to cancel');
    await page.waitForSelector(`${card(id)} tr[data-repeat="3"][data-step="400"]`);
    await assertSummary(page, id, 400, [0, 1, 2]);

    const rows = await tableText(page, id);
    assert.deepEqual(rows[0], ['#', 'seed', 'η', 'zero loss', 'GD loss', 'step', 'TF loss', 'Preds Diff', 'Model Diff', 'Model Cos', 'train loss']);
    const last = checkpoint(2, 400);
    assert.deepEqual(rows[3], ['3', '7', '3.162', '0.0077', '0.0019', '400 / 400', num(last.tfLoss), num(last.predsDiff), num(last.modelDiff), num(last.modelCos), num(last.trainLoss)]);
    assert.equal(rows[4][0], 'mean ± std 3 repeats');
    assert.equal(rows[4][4], '400 / 400');

    // Only repeat 2 chose an η at the grid's edge, and the flag says which edge and what to do.
    assert.deepEqual(await page.$$eval(`${card(id)} tr[data-repeat]`, (trs) => trs.map((tr) => (tr as HTMLElement).dataset.etaAtEdge)), ['false', 'true', 'false']);
    assert.equal(await page.$$eval(`${card(id)} .edge-flag`, (flags) => flags.length), 1);
    assert.equal(await page.textContent(`${card(id)} tr[data-repeat="2"] td:nth-child(3)`), '100 ⚠ edge');
    assert.match((await page.getAttribute(`${card(id)} tr[data-repeat="2"] td:nth-child(3)`, 'title')) ?? '', /largest value of the grid 0\.01…100.*etamax/);

    // The charts: their lines in legend order, one band per shaded line, and the edges kept out of the legend.
    const loss = `${card(id)} .icl-chart[data-chart="loss"]`;
    const alignment = `${card(id)} .icl-chart[data-chart="alignment"]`;
    assert.equal(await page.getAttribute(loss, 'data-series'), 'tfLoss gdLoss zeroLoss');
    assert.equal(await page.getAttribute(loss, 'data-bands'), '2');
    assert.equal(await page.getAttribute(alignment, 'data-series'), 'predsDiff modelDiff modelCos');
    assert.equal(await page.getAttribute(alignment, 'data-bands'), '3');
    await page.waitForSelector(`${alignment}[data-points="5"]`);
    const legend = (selector: string) => page.$$eval(`${selector} .u-legend tr`, (trs) => trs.filter((tr) => getComputedStyle(tr).display !== 'none').map((tr) => tr.querySelector('.u-label')?.textContent));
    assert.deepEqual(await legend(loss), ['step', 'trained layer', 'one GD step', 'uniform prediction']);
    assert.deepEqual(await legend(alignment), ['step', 'Preds Diff', 'Model Diff', 'Model Cos']);
    // Away from the cursor the legend gives the latest mean ± std: at step 400, over all three repeats.
    const tf = expected([0, 1, 2].map((r) => checkpoint(r, 400).tfLoss));
    assert.equal(await page.textContent(`${loss} .u-legend tr:nth-child(2) .u-value`), `${num(tf.mean)} ± ${num(tf.std, 2)}`);
    await page.locator(card(id)).screenshot({ path: join(ARTIFACTS, 'experiment-card.png') });
    const line = await countColoredPixels(page, loss, BLUE);
    const band = await countBandPixels(page, loss, BLUE);
    assert.ok(line > 100, `the trained layer's loss is drawn (${line} blue pixels)`);
    assert.ok(band > 300, `its ±std band is shaded (${band} pale blue pixels)`);
    assert.deepEqual(await p.cspViolations(), []);
    await page.close();
  });

  test('hiding a line from the legend hides its band too', async () => {
    const p = await openPanel(browser());
    await sendAll(p, fullRun('h1'));
    const loss = `${card('h1')} .icl-chart[data-chart="loss"]`;
    await p.page.waitForSelector(`${loss}[data-points="5"]`);
    const band = () => countBandPixels(p.page, loss, BLUE);
    assert.ok((await band()) > 300);
    await p.page.click(`${loss} .u-legend tr:nth-child(2) .u-label`);
    assert.equal(await band(), 0, 'the trained layer and its band are hidden');
    await p.page.click(`${loss} .u-legend tr:nth-child(2) .u-label`);
    assert.ok((await band()) > 300, 'and shown again');
    await p.page.close();
  });

  test('Cancel posts the run id; a cancelled experiment keeps what ran', async () => {
    const p = await openPanel(browser());
    const page = p.page;
    const id = 'c1';
    await sendAll(p, [started(id), progress(id, 0, STEPS, true), progress(id, 1, [0, 100], true)]);
    await page.waitForSelector(`${card(id)} tr[data-repeat="2"][data-step="100"]`);
    await page.locator(`${card(id)} header`).screenshot({ path: join(ARTIFACTS, 'experiment-running-header.png') });
    await page.click(`${card(id)} button.cancel`);
    assert.deepEqual((await p.posted()).filter((m) => m.type === 'cancel'), [{ type: 'cancel', runId: id }]);
    assert.equal(await page.textContent(`${card(id)} .status`), 'cancelling…');
    assert.equal(await page.isDisabled(`${card(id)} button.cancel`), true);

    await p.send({ type: 'experimentFinished', runId: id, result: result(id, 'cancelled', [5, 2], { elapsedMs: 2000 }) });
    await page.waitForSelector(`${card(id)}[data-status="cancelled"][data-stop-reason="cancelled"]`);
    assert.equal(await page.getAttribute('body', 'data-panel-state'), 'cancelled');
    assert.equal(await page.textContent(`${card(id)} .status`), 'cancelled');
    assert.equal(await page.textContent(`${card(id)} .stop`), 'Cancelled at repeat 2/3, step 100/400 after 2.00 s; every checkpoint that ran is kept.');
    assert.deepEqual(await page.$$eval(`${card(id)} tr[data-repeat]`, (trs) => trs.map((tr) => (tr as HTMLElement).dataset.step)), ['400', '100']);
    await assertSummary(page, id, 100, [0, 1]);
    await page.waitForSelector(`${card(id)} .icl-chart[data-chart="loss"][data-points="5"]`);
    await page.close();
  });

  test('failed experiments say why and keep their checkpoints', async () => {
    const p = await openPanel(browser());
    const page = p.page;
    // Failed while running (the worker died): the checkpoints so far stay.
    await sendAll(p, [started('f1'), progress('f1', 0, [0, 100], true)]);
    await page.waitForSelector(`${card('f1')} tr[data-repeat="1"][data-step="100"]`);
    await p.send({ type: 'runFailed', runId: 'f1', message: 'The solver worker stopped: out of memory' });
    await page.waitForSelector(`${card('f1')}[data-status="failed"]`);
    assert.equal(await page.getAttribute('body', 'data-panel-state'), 'failed');
    assert.equal(await page.textContent(`${card('f1')} .error`), 'The solver worker stopped: out of memory');
    assert.equal(await page.getAttribute(`${card('f1')} tr[data-repeat="1"]`, 'data-step'), '100');
    assert.equal(await page.isVisible(`${card('f1')} button.cancel`), false);

    // Stopped by the experiment itself on a non-finite value.
    const message = 'repeat 2, step 200: the training loss is NaN';
    await sendAll(p, [started('f2'), progress('f2', 0, STEPS, true), progress('f2', 1, [0, 100], true)]);
    await p.send({ type: 'experimentFinished', runId: 'f2', result: result('f2', 'nonFinite', [5, 2], { message, elapsedMs: 900 }) });
    await page.waitForSelector(`${card('f2')}[data-status="failed"][data-stop-reason="nonFinite"]`);
    assert.equal(await page.textContent(`${card('f2')} .stop`), `Stopped on a non-finite value after 900 ms: ${message}`);
    assert.equal(await page.isVisible(`${card('f2')} .error`), false);
    assert.deepEqual(await page.$$eval(`${card('f2')} tr[data-repeat]`, (trs) => trs.map((tr) => (tr as HTMLElement).dataset.step)), ['400', '100']);

    // Failed before it started: still shown, with the reason.
    await p.send({ type: 'runFailed', runId: 'f3', message: 'The problem has 1 error:\n4:1: unknown setting' });
    await page.waitForSelector('section.run[data-run-id="f3"][data-status="failed"]');
    assert.match((await page.textContent('section.run[data-run-id="f3"] .error')) ?? '', /4:1: unknown setting/);
    await page.close();
  });

  test('experiments and solves share the panel: order, state, replacement and the run cap', async () => {
    const p = await openPanel(browser());
    const page = p.page;
    const problem = { kind: 'attention', variant: 'normalized', n: 8, d: 4, reg: 0 } as const;
    const spec = { index: 0, method: 'gd', options: { lr: 1, steps: 10 }, line: 9, label: 'gd lr=1' } as const;
    const points = Array.from({ length: 11 }, (_, k) => ({ k, loss: 0.5 / (1 + k), gradNorm: 1 / (1 + k), stepNorm: k ? 0.1 : 0 }));
    await p.send({ type: 'runStarted', runId: 's1', title: 'quickstart.regress', source: 'file:///w/quickstart.regress', problem, runs: [spec], startedAt: 0 });
    await p.send({ type: 'points', runId: 's1', runIndex: 0, points, maxSteps: 10 });
    const final = { loss: points[10].loss, X: [[0]], stopReason: 'steps' as const, iterations: 10, elapsedMs: 5 };
    await p.send({ type: 'runFinished', runId: 's1', result: { runId: 's1', source: 'file:///w/quickstart.regress', problem, runs: [{ ...spec, options: { ...spec.options }, iterations: points, final }] } });
    await page.waitForSelector('body[data-panel-state="finished"]');

    await sendAll(p, [started('x'), progress('x', 0, [0, 100], true)]);
    await page.waitForSelector(`${card('x')} tr[data-repeat="1"][data-step="100"]`);
    assert.equal(await page.getAttribute('body', 'data-panel-state'), 'running', 'the running experiment counts');
    assert.deepEqual(await page.$$eval('section.run', (s) => s.map((e) => (e as HTMLElement).dataset.runId)), ['x', 's1'], 'newest first');
    assert.equal(await page.getAttribute('section.run[data-run-id="s1"] tr[data-run-index="0"]', 'data-stop-reason'), 'steps', 'the solve card is intact');

    // The same runId started again replaces the run: one card, empty again.
    await p.send(started('x'));
    await page.waitForFunction(() => document.querySelectorAll('section.run.experiment tr[data-repeat]').length === 0);
    assert.equal(await page.$$eval(`${card('x')}`, (s) => s.length), 1);
    await p.send({ type: 'experimentFinished', runId: 'x', result: result('x', 'done', [5, 5, 5]) });
    await page.waitForSelector('body[data-panel-state="finished"]');
    assert.equal(await page.getAttribute(card('x'), 'data-status'), 'finished');

    // 19 more runs make 21: the oldest (the solve) leaves, the experiment stays.
    for (let i = 0; i < 19; i++) await p.send(started(`cap${i}`));
    await page.waitForSelector(card('cap18'));
    assert.equal(await page.$$eval('section.run', (s) => s.length), 20);
    assert.equal(await page.$('section.run[data-run-id="s1"]'), null);
    assert.notEqual(await page.$(card('x')), null);
    await page.close();
  });

  test('the report replays an experiment into the same table, without Cancel', async () => {
    const messages = fullRun('r1');
    const live = await openPanel(browser());
    await sendAll(live, messages);
    await live.page.waitForSelector(`${card('r1')} tr[data-repeat="3"][data-step="400"]`);
    const want = await tableText(live.page, 'r1');
    await live.page.close();

    const page = await openReport(browser(), messages);
    await page.waitForSelector('body[data-mode="report"][data-panel-state="finished"]');
    assert.deepEqual(await tableText(page, 'r1'), want);
    await assertSummary(page, 'r1', 400, [0, 1, 2]);
    assert.equal(await page.$('button.cancel'), null, 'a report has nothing to cancel');
    assert.equal(await page.textContent(`${card('r1')} .stop`), 'Done: 3 repeats × 400 Adam steps in 12.34 s.');
    await page.waitForSelector(`${card('r1')} .icl-chart[data-chart="alignment"][data-points="5"]`);
    assert.deepEqual(await page.evaluate(() => window.__csp), []);
    await page.close();

    // The same card in a dark VS Code theme.
    const dark = await openPanel(browser());
    await useDarkTheme(dark.page);
    await sendAll(dark, messages);
    await dark.page.waitForSelector(`${card('r1')} .icl-chart[data-chart="loss"][data-points="5"]`);
    assert.equal(await dark.page.$eval(`${card('r1')} .settings`, (e) => getComputedStyle(e).color), 'rgb(157, 157, 157)');
    assert.ok((await countColoredPixels(dark.page, `${card('r1')} .icl-chart[data-chart="loss"]`, BLUE)) > 100);
    await dark.page.locator(card('r1')).screenshot({ path: join(ARTIFACTS, 'experiment-card-dark.png') });
    await dark.page.close();
  });
});
