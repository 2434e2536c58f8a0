/**
 * In-context-learning experiments in the results panel (headless Chromium), fed RunEvents: the card's settings and
 * live progress, the per-repeat table, the mean ± std row and the charts showing the server's summary rows as they
 * come (never the panel's own average), the η grid-edge flag, Cancel, cancelled and failed runs, experiments beside
 * solves, and the report's replay. The event sequences are built here: three repeats with checkpoints every 100 of
 * 400 Adam steps, at the magnitudes the experiment produces (losses 1e-3…1e-2). Expected texts are written out,
 * not produced by the panel's formatter. Screenshots go to test-artifacts/.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { IclCheckpoint, IclRepeat, IclRepeatStart, IclResult, IclStopReason, IclSummaryPoint } from '../../protocol/experiment';
import type { RunEvent } from '../../protocol/runs';
import { ARTIFACTS } from '../paths';
import { chromiumForTests } from './browser';
import { failed, finished, iclSettings, progress, started, uriOf } from './events';
import { details, NARROW, overflows, visibleHeaders } from './narrow';
import { countColoredPixels, openPanel, openReport, useDarkTheme, type PanelPage } from './panel-page';

// webview/src/theme.ts: the trained layer's loss is Okabe–Ito blue, its band the same blue at 25 % opacity.
const BLUE: [number, number, number] = [0, 114, 178];
// On a dark background the main line is Okabe–Ito's sky blue instead (webview/src/theme.ts).
const SKY: [number, number, number] = [86, 180, 233];
// The baselines: one GD step orange, linearised GD reddish purple, the uniform prediction grey.
const ORANGE: [number, number, number] = [230, 159, 0];
const PURPLE: [number, number, number] = [204, 121, 167];
const GREY: [number, number, number] = [153, 153, 153];
const ERROR = 'rgb(207, 34, 46)';

const FILE = 'icl.regress';
const SETTINGS = iclSettings({
  n: 20,
  d: 10,
  seed: 5,
  words: { kind: 'normal', scale: 1 / Math.sqrt(10), mean: 0 },
  k: 11,
  batch: 64,
  steps: 400,
  every: 100,
  tasks: 500,
  etatasks: 200,
  etacount: 25,
  repeats: 3,
});
const STEPS = [0, 100, 200, 300, 400];

/** A repeat's start with its linearised-GD baseline and ratios derived from the three numbers that matter here. */
function repeatStart(repeat: number, seed: number, eta: number, etaAtEdge: boolean, gdLoss: number, zeroLoss: number): IclRepeatStart {
  const linGdLoss = 1.2 * gdLoss;
  return {
    repeat,
    seed,
    eta,
    etaAtEdge,
    gdLoss,
    zeroLoss,
    linEta: eta,
    linGdLoss,
    gdRatio: gdLoss / zeroLoss,
    linGdRatio: linGdLoss / zeroLoss,
    zeroPredsDiff: 0.05,
    zeroModelDiff: 0.3,
  };
}

/** Repeat 2 (index 1) chose the grid's largest η. */
const STARTS: IclRepeatStart[] = [
  repeatStart(0, 5, 1.778, false, 2.1e-3, 8.4e-3),
  repeatStart(1, 6, 100, true, 2.6e-3, 9.1e-3),
  repeatStart(2, 7, 3.162, false, 1.9e-3, 7.7e-3),
];

/** Distinct per repeat: the loss falls from the uniform prediction's towards 12 % of it, the cosine rises. */
function checkpoint(r: number, step: number): IclCheckpoint {
  const tfLoss = STARTS[r].zeroLoss * (0.12 + 0.88 * Math.exp(-step / (110 + 40 * r)));
  return {
    step,
    tfLoss,
    tfRatio: tfLoss / STARTS[r].zeroLoss,
    predsDiff: 0.004 + 0.05 * (1 + 0.1 * r) * Math.exp(-step / 200),
    modelDiff: 0.02 + 0.3 * (1 + 0.05 * r) * Math.exp(-step / 150),
    modelCos: 0.2 + 0.75 * (1 - Math.exp(-step / 100)) - 0.03 * r,
    ...(step > 0 ? { trainLoss: 1.1 * tfLoss + 1e-4 * r } : {}),
  };
}

/**
 * The server's mean ± std row at `step` over `count` repeats. Made up, on purpose not the mean of the checkpoints and
 * starts above: the panel must show these numbers as they come. E.g. step 400 over 3 repeats: TF loss 0.0043 ± 4.0e-4,
 * GD loss 0.0024 ± 2.0e-4, lin GD loss 0.003 ± 3.0e-4, uniform loss 0.0093 ± 6.0e-4, η 43 ± 40, Preds Diff 0.01 ±
 * 0.002, Model Diff 0.1 ± 0.02, Model Cos 0.6 ± 0.05, ratios 0.75 ± 0.03 (layer), 0.29 ± 0.02 (GD), 0.36 ± 0.02 (lin
 * GD), the uniform prediction's Preds Diff 0.06 ± 0.004 and Model Diff 0.35 ± 0.01, train loss 0.005 ± 3.0e-4 (none at
 * step 0). The starts would average to uniform loss 0.0084, GD loss 0.0022, lin GD loss 0.00264, η 35.
 */
function summaryRow(step: number, count: number): IclSummaryPoint {
  return {
    step,
    count,
    tfLoss: { mean: 0.008 - step * 1e-5 + count * 1e-4, std: (count - 1) * 2e-4 },
    gdLoss: { mean: 0.0021 + count * 1e-4, std: (count - 1) * 1e-4 },
    predsDiff: { mean: 0.05 - step * 1e-4, std: 0.002 },
    modelDiff: { mean: 0.3 - step * 5e-4, std: (count - 1) * 0.01 },
    modelCos: { mean: 0.2 + step * 1e-3, std: 0.05 },
    zeroLoss: { mean: 0.009 + count * 1e-4, std: (count - 1) * 3e-4 },
    eta: { mean: 40 + count, std: (count - 1) * 20 },
    linGdLoss: { mean: 0.0027 + count * 1e-4, std: (count - 1) * 1.5e-4 },
    zeroPredsDiff: { mean: 0.06, std: 0.004 },
    zeroModelDiff: { mean: 0.35, std: 0.01 },
    tfRatio: { mean: 0.95 - step * 5e-4, std: count * 0.01 },
    gdRatio: { mean: 0.26 + count * 0.01, std: (count - 1) * 0.01 },
    linGdRatio: { mean: 0.33 + count * 0.01, std: (count - 1) * 0.01 },
    ...(step > 0 ? { trainLoss: { mean: 0.009 - step * 1e-5, std: 3e-4 } } : {}),
  };
}

/**
 * The events of one experiment as the server would send them: each progress event carries the rows of the steps its
 * checkpoints reached, over every repeat that has reached them so far.
 */
class Experiment {
  /** Step → repeats with a checkpoint there. */
  private readonly reached = new Map<number, Set<number>>();

  constructor(readonly runId: string) {}

  started(): RunEvent {
    this.reached.clear();
    return started('experiment', this.runId, FILE, { settings: SETTINGS });
  }

  progress(r: number, steps: number[], withStart = false): RunEvent {
    for (const s of steps) this.reached.set(s, (this.reached.get(s) ?? new Set()).add(r));
    const summary = steps.map((s) => summaryRow(s, this.reached.get(s)!.size));
    return progress('experiment', this.runId, {
      repeat: r,
      ...(withStart ? { start: STARTS[r] } : {}),
      checkpoints: steps.map((s) => checkpoint(r, s)),
      summary,
    });
  }

  /** The result after each repeat reached `reached[r]` checkpoints. */
  finished(stopReason: IclStopReason, reached: number[], extra: Partial<IclResult> = {}): RunEvent {
    return finished('experiment', this.runId, result(this.runId, stopReason, reached, extra));
  }
}

function result(runId: string, stopReason: IclStopReason, reached: number[], extra: Partial<IclResult> = {}): IclResult {
  const repeats: IclRepeat[] = reached.map((count, r) => ({
    ...STARTS[r],
    checkpoints: STEPS.slice(0, count).map((s) => checkpoint(r, s)),
  }));
  const summary = STEPS.filter((_, i) => reached.some((c) => c > i)).map((step, i) =>
    summaryRow(step, reached.filter((c) => c > i).length),
  );
  return { runId, source: uriOf(FILE), settings: SETTINGS, repeats, summary, stopReason, elapsedMs: 12340, ...extra };
}

/** A whole experiment as the host sends it; repeat 3's last checkpoints arrive only with the result. */
function fullRun(runId: string): RunEvent[] {
  const x = new Experiment(runId);
  return [
    x.started(),
    x.progress(0, [0, 100], true),
    x.progress(0, [200, 300, 400]),
    x.progress(1, [0, 100, 200], true),
    x.progress(1, [300, 400]),
    x.progress(2, [0, 100], true),
    x.finished('done', [5, 5, 5]),
  ];
}

/** Canvas pixels of a band's colour: `rgb` left translucent on the canvas (which the page's background shows through). */
function countBandPixels(page: Page, selector: string, rgb: [number, number, number]): Promise<number> {
  return page.evaluate(
    ({ selector, rgb }) => {
      const canvas = document.querySelector(`${selector} canvas`) as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4)
        if (data[i + 3] >= 30 && data[i + 3] <= 90 && rgb.every((c, j) => Math.abs(data[i + j] - c) <= 40)) n++;
      return n;
    },
    { selector, rgb },
  );
}

const card = (runId: string) => `section.run.experiment[data-run-id="${runId}"]`;

/** Every row of the repeats table (header, repeats, summary) as cell texts. */
function tableText(page: Page, runId: string): Promise<string[][]> {
  return page.$$eval(`${card(runId)} table.icl-repeats tr:not(.details)`, (rows) =>
    rows.map((r) => [...(r as HTMLTableRowElement).cells].map((c) => c.textContent ?? '')),
  );
}

/** Moves the mouse over a chart's plot area at `fraction` of its width (the x of that fraction of the steps). */
async function hoverStep(page: Page, chart: string, fraction: number) {
  const box = (await page.locator(`${chart} .u-over`).boundingBox())!;
  await page.mouse.move(box.x + fraction * box.width, box.y + box.height / 2);
}

/** The border style of each shown legend row's marker (the x row's first): solid, dashed or dotted, like its line. */
function legendMarkerStyles(page: Page, chart: string): Promise<string[]> {
  return page.$$eval(`${chart} .u-legend tr`, (trs) =>
    trs
      .filter((tr) => getComputedStyle(tr).display !== 'none')
      .map((tr) => (tr.querySelector('.u-marker') as HTMLElement | null)?.style.borderStyle || 'solid'),
  );
}

/** A chart's legend as shown: label → value, in legend order (a band's edge rows are hidden). */
function legendValues(page: Page, chart: string): Promise<Record<string, string>> {
  return page.$$eval(`${chart} .u-legend tr`, (trs) =>
    Object.fromEntries(
      trs
        .filter((tr) => getComputedStyle(tr).display !== 'none')
        .map((tr) => [tr.querySelector('.u-label')?.textContent ?? '', tr.querySelector('.u-value')?.textContent ?? '']),
    ),
  );
}

interface SummaryCell {
  text: string;
  mean: number;
  std: number;
}

/** The summary row's cells, quantity → its text and full-precision data. */
function summary(page: Page, runId: string): Promise<Record<string, SummaryCell>> {
  return page.$$eval(`${card(runId)} tr.icl-summary td[data-quantity]`, (tds) =>
    Object.fromEntries(
      tds.map((td) => [
        (td as HTMLElement).dataset.quantity!,
        { text: td.textContent ?? '', mean: Number((td as HTMLElement).dataset.mean), std: Number((td as HTMLElement).dataset.std) },
      ]),
    ),
  );
}

/** The summary row's step, count and visibility, and per quantity "mean ± std". */
async function summaryTexts(page: Page, runId: string): Promise<Record<string, string>> {
  const row = await page.$eval(`${card(runId)} tr.icl-summary`, (tr) => ({
    step: (tr as HTMLElement).dataset.step,
    count: (tr as HTMLElement).dataset.count,
    hidden: (tr as HTMLElement).hidden,
  }));
  const cells = Object.entries(await summary(page, runId)).map(([q, c]) => [q, c.text]);
  return { step: String(row.step), count: String(row.count), hidden: String(row.hidden), ...Object.fromEntries(cells) };
}

async function sendAll(p: PanelPage, messages: RunEvent[]) {
  for (const m of messages) await p.send(m);
}

describe('experiments in the results panel (Chromium)', () => {
  const browser = chromiumForTests(ARTIFACTS);

  test('streams repeats live: settings, progress, table, the server’s mean ± std, charts', async () => {
    const p = await openPanel(browser());
    const page = p.page;
    const id = 'e1';
    const x = new Experiment(id);
    await p.send(x.started());
    await page.waitForSelector(`${card(id)}[data-status="running"]`);
    assert.equal(await page.getAttribute('body', 'data-panel-state'), 'running');
    assert.equal(await page.textContent(`${card(id)} h2`), 'icl.regress');
    assert.equal(await page.textContent(`${card(id)} .problem`), 'in-context learning experiment');
    assert.equal(
      await page.textContent(`${card(id)} .settings`),
      'n = 20 · d = 10 · heads = 1 · k = 11 · batch = 64 · steps = 400 · lr = 0.001 · repeats = 3 · η grid 0.01…100 × 25 · tasks = 500',
    );
    assert.match(
      (await page.getAttribute(`${card(id)} .settings`, 'title')) ?? '',
      /β1 = 0\.9, β2 = 0\.999[\s\S]*every 100 steps on 500 held-out tasks/,
    );
    assert.equal(await page.textContent(`${card(id)} .progress`), 'repeat 1/3 · step 0/400');
    assert.equal(await page.isVisible(`${card(id)} button.cancel`), true);
    assert.equal(await page.isVisible(`${card(id)} tr.icl-summary`), false, 'no summary before a checkpoint');

    await p.send(x.progress(0, [0, 100], true));
    await page.waitForSelector(`${card(id)} tr[data-repeat="1"][data-step="100"]`);
    assert.equal(await page.textContent(`${card(id)} .progress`), 'repeat 1/3 · step 100/400');
    assert.deepEqual(await summaryTexts(page, id), {
      step: '100',
      count: '1',
      hidden: 'false',
      eta: '41 ± 0',
      zeroLoss: '0.0091 ± 0',
      gdLoss: '0.0022 ± 0',
      linGdLoss: '0.0028 ± 0',
      tfLoss: '0.0071 ± 0',
      predsDiff: '0.04 ± 0.002',
      modelDiff: '0.25 ± 0',
      modelCos: '0.3 ± 0.05',
      trainLoss: '0.008 ± 3.0e-4',
    });

    await p.send(x.progress(0, [200, 300, 400]));
    await p.send(x.progress(1, [0, 100, 200], true));
    await page.waitForSelector(`${card(id)} tr[data-repeat="2"][data-step="200"]`);
    assert.equal(await page.textContent(`${card(id)} .progress`), 'repeat 2/3 · step 200/400');
    // Repeat 1 is at step 400 but repeat 2 only at 200: the row is the server's at the last step both reached.
    await page.waitForSelector(`${card(id)} tr.icl-summary[data-step="200"][data-count="2"]`);
    assert.equal((await summaryTexts(page, id)).tfLoss, '0.0062 ± 2.0e-4');
    await page.waitForSelector(`${card(id)} .icl-chart[data-chart="loss"][data-points="5"]`);

    await p.send(x.progress(1, [300, 400]));
    await p.send(x.progress(2, [0, 100], true));
    await page.waitForSelector(`${card(id)} tr[data-repeat="3"][data-step="100"]`);
    assert.equal(await page.textContent(`${card(id)} .progress`), 'repeat 3/3 · step 100/400');
    await page.waitForSelector(`${card(id)} tr.icl-summary[data-step="100"][data-count="3"]`);
    assert.equal((await summaryTexts(page, id)).tfLoss, '0.0073 ± 4.0e-4');
    assert.equal(await page.getAttribute(card(id), 'data-points'), '12');

    // The result also brings repeat 3's checkpoints 200…400, which no progress event carried, and the final rows.
    await p.send(x.finished('done', [5, 5, 5]));
    await page.waitForSelector(`${card(id)}[data-status="finished"][data-stop-reason="done"]`);
    assert.equal(await page.getAttribute('body', 'data-panel-state'), 'finished');
    assert.equal(await page.textContent(`${card(id)} .status`), 'finished');
    assert.equal(await page.textContent(`${card(id)} .stop`), 'Done: 3 repeats × 400 Adam steps in 12.34 s.');
    assert.equal(await page.isVisible(`${card(id)} .progress`), false);
    assert.equal(await page.isVisible(`${card(id)} button.cancel`), false, 'nothing to cancel');
    await page.waitForSelector(`${card(id)} tr[data-repeat="3"][data-step="400"]`);
    assert.equal(await page.getAttribute(card(id), 'data-points'), '15');

    const rows = await tableText(page, id);
    assert.deepEqual(rows[0], [
      '#',
      'seed',
      'η',
      'uniform loss',
      'GD loss',
      'lin GD loss',
      'step',
      'TF loss',
      'Preds Diff',
      'Model Diff',
      'Model Cos',
      'train loss',
    ]);
    // Repeat 3 at step 400: lin GD loss 1.2 × 0.0019, tfLoss 0.0077·(0.12 + 0.88·e^(−400/190)) = 0.0017494…, and so on
    // (see repeatStart() and checkpoint()).
    assert.deepEqual(rows[3], [
      '3',
      '7',
      '3.162',
      '0.0077',
      '0.0019',
      '0.00228',
      '400 / 400',
      '0.001749',
      '0.01212',
      '0.04293',
      '0.8763',
      '0.002124',
    ]);
    // Every column of the summary row is the server's (the starts would average to η 35, uniform loss 0.0084).
    assert.deepEqual(rows[4], [
      'mean ± std 3 repeats',
      '',
      '43 ± 40',
      '0.0093 ± 6.0e-4',
      '0.0024 ± 2.0e-4',
      '0.003 ± 3.0e-4',
      '400 / 400',
      '0.0043 ± 4.0e-4',
      '0.01 ± 0.002',
      '0.1 ± 0.02',
      '0.6 ± 0.05',
      '0.005 ± 3.0e-4',
    ]);
    const full = await summary(page, id);
    const sent = summaryRow(400, 3);
    assert.deepEqual(
      full.tfLoss,
      { text: '0.0043 ± 4.0e-4', mean: sent.tfLoss.mean, std: sent.tfLoss.std },
      'full precision in data-mean, data-std',
    );

    // Only repeat 2 chose an η at the grid's edge, and the flag says which edge and what to do.
    assert.deepEqual(await page.$$eval(`${card(id)} tr[data-repeat]`, (trs) => trs.map((tr) => (tr as HTMLElement).dataset.etaAtEdge)), [
      'false',
      'true',
      'false',
    ]);
    assert.equal(await page.$$eval(`${card(id)} tr[data-repeat] .edge-flag`, (flags) => flags.length), 1);
    assert.equal(await page.textContent(`${card(id)} tr[data-repeat="2"] td:nth-child(3)`), '100 ⚠ edge');
    assert.match(
      (await page.getAttribute(`${card(id)} tr[data-repeat="2"] td:nth-child(3)`, 'title')) ?? '',
      /largest value of the grid 0\.01…100.*etamax/,
    );

    // The charts: their lines in legend order, one band per shaded line, and the edges kept out of the legend.
    const loss = `${card(id)} .icl-chart[data-chart="loss"]`;
    const ratio = `${card(id)} .icl-chart[data-chart="ratio"]`;
    const alignment = `${card(id)} .icl-chart[data-chart="alignment"]`;
    assert.equal(await page.getAttribute(loss, 'data-series'), 'tfLoss gdLoss linGdLoss zeroLoss');
    assert.equal(await page.getAttribute(loss, 'data-bands'), '4');
    assert.equal(await page.getAttribute(ratio, 'data-series'), 'tfRatio gdRatio linGdRatio');
    assert.equal(await page.getAttribute(ratio, 'data-bands'), '3');
    assert.equal(await page.getAttribute(alignment, 'data-series'), 'predsDiff modelDiff modelCos zeroPredsDiff zeroModelDiff');
    assert.equal(await page.getAttribute(alignment, 'data-bands'), '3');
    await page.waitForSelector(`${alignment}[data-points="5"]`);
    // Away from the cursor the legend gives the latest row: the server's at step 400 (the baselines' tests below).
    assert.deepEqual(Object.keys(await legendValues(page, loss)), [
      'step',
      'trained layer',
      'one GD step',
      'linearised GD',
      'uniform prediction',
    ]);
    assert.equal((await legendValues(page, loss))['trained layer'], '0.0043 ± 4.0e-4');
    assert.equal((await legendValues(page, alignment))['Model Cos'], '0.6 ± 0.05');
    await page.locator(card(id)).screenshot({ path: join(ARTIFACTS, 'experiment-card.png') });
    const line = await countColoredPixels(page, loss, BLUE);
    const band = await countBandPixels(page, loss, BLUE);
    assert.ok(line > 100, `the trained layer's loss is drawn (${line} blue pixels)`);
    assert.ok(band > 300, `its ±std band is shaded (${band} pale blue pixels)`);
    assert.deepEqual(await p.cspViolations(), []);
    await page.close();
  });

  test('the table and charts show the server’s rows, not an average of the repeats', async () => {
    const p = await openPanel(browser());
    const page = p.page;
    const id = 'srv';
    const row = (mean: number, std: number): IclSummaryPoint => ({ ...summaryRow(100, 2), tfLoss: { mean, std } });
    const at = (r: number, steps: number[], rows: IclSummaryPoint[]) =>
      progress('experiment', id, { repeat: r, start: STARTS[r], checkpoints: steps.map((s) => checkpoint(r, s)), summary: rows });
    // Averaging the two repeats' TF loss at step 100 would give about 0.0064; the server says 0.5 ± 0.25.
    await sendAll(p, [
      started('experiment', id, FILE, { settings: SETTINGS }),
      at(0, [0, 100], []),
      at(1, [0, 100], [{ ...row(0.5, 0.25), step: 0 }, row(0.5, 0.25)]),
    ]);
    await page.waitForSelector(`${card(id)} tr.icl-summary[data-step="100"][data-count="2"]`);
    assert.equal((await summaryTexts(page, id)).tfLoss, '0.5 ± 0.25');
    assert.equal((await summary(page, id)).tfLoss.mean, 0.5);
    const loss = `${card(id)} .icl-chart[data-chart="loss"]`;
    await page.waitForFunction(
      (sel) => document.querySelector(`${sel} .u-legend tr:nth-child(2) .u-value`)?.textContent === '0.5 ± 0.25',
      loss,
    );

    // A later event's row for the same step replaces it.
    await p.send(progress('experiment', id, { repeat: 1, checkpoints: [], summary: [row(0.4, 0.2)] }));
    await page.waitForFunction(
      (sel) => document.querySelector(`${sel} tr.icl-summary td[data-quantity="tfLoss"]`)?.textContent === '0.4 ± 0.2',
      card(id),
    );
    await page.waitForFunction(
      (sel) => document.querySelector(`${sel} .u-legend tr:nth-child(2) .u-value`)?.textContent === '0.4 ± 0.2',
      loss,
    );

    // The result's rows replace them all.
    const r = result(id, 'cancelled', [2, 2]);
    r.summary = [{ ...row(0.3, 0.1), step: 0 }, row(0.3, 0.1)];
    await p.send(finished('experiment', id, r));
    await page.waitForSelector(`${card(id)}[data-status="cancelled"]`);
    assert.equal((await summaryTexts(page, id)).tfLoss, '0.3 ± 0.1');
    await page.waitForFunction(
      (sel) => document.querySelector(`${sel} .u-legend tr:nth-child(2) .u-value`)?.textContent === '0.3 ± 0.1',
      loss,
    );
    await page.close();
  });

  test('the baselines are the server’s numbers: lines on the loss chart, the ratio view, the alignment references', async () => {
    const p = await openPanel(browser());
    const page = p.page;
    await sendAll(p, fullRun('b1'));
    const loss = `${card('b1')} .icl-chart[data-chart="loss"]`;
    const ratio = `${card('b1')} .icl-chart[data-chart="ratio"]`;
    const alignment = `${card('b1')} .icl-chart[data-chart="alignment"]`;
    for (const chart of [loss, ratio, alignment]) await page.waitForSelector(`${chart}[data-points="5"]`);
    // The rows at step 400 (summaryRow); the starts would average to GD loss 0.0022, lin GD 0.00264, uniform 0.0084.
    assert.deepEqual(await legendValues(page, loss), {
      step: 'latest',
      'trained layer': '0.0043 ± 4.0e-4',
      'one GD step': '0.0024 ± 2.0e-4',
      'linearised GD': '0.003 ± 3.0e-4',
      'uniform prediction': '0.0093 ± 6.0e-4',
    });
    assert.deepEqual(await legendValues(page, ratio), {
      step: 'latest',
      'trained layer': '0.75 ± 0.03',
      'one GD step': '0.29 ± 0.02',
      'linearised GD': '0.36 ± 0.02',
    });
    assert.deepEqual(await legendValues(page, alignment), {
      step: 'latest',
      'Preds Diff': '0.01 ± 0.002',
      'Model Diff': '0.1 ± 0.02',
      'Model Cos': '0.6 ± 0.05',
      'Preds Diff of uniform': '0.06 ± 0.004',
      'Model Diff of uniform': '0.35 ± 0.01',
    });
    // Under the cursor, the rows of that step: at step 100 the layer's ratio is 0.9 ± 0.03 and its loss 0.0073.
    await hoverStep(page, ratio, 100 / 400);
    await page.waitForFunction(
      (sel) => document.querySelector(`${sel} .u-legend tr:nth-child(2) .u-value`)?.textContent === '0.9 ± 0.03',
      ratio,
    );
    assert.deepEqual(await legendValues(page, ratio), {
      step: '100',
      'trained layer': '0.9 ± 0.03',
      'one GD step': '0.29 ± 0.02',
      'linearised GD': '0.36 ± 0.02',
    });
    await hoverStep(page, loss, 100 / 400);
    await page.waitForFunction(
      (sel) => document.querySelector(`${sel} .u-legend tr:nth-child(2) .u-value`)?.textContent === '0.0073 ± 4.0e-4',
      loss,
    );
    assert.equal((await legendValues(page, loss))['uniform prediction'], '0.0093 ± 6.0e-4');
    // Each baseline is drawn in its own colour, and its legend marker has its line's dash.
    for (const [name, rgb] of [
      ['one GD step', ORANGE],
      ['linearised GD', PURPLE],
      ['uniform prediction', GREY],
    ] as const) {
      const n = await countColoredPixels(page, loss, rgb, 30);
      assert.ok(n > 60, `${name} is drawn (${n} pixels)`);
    }
    assert.deepEqual(await legendMarkerStyles(page, loss), ['solid', 'solid', 'dashed', 'dashed', 'dotted']);
    assert.deepEqual(await legendMarkerStyles(page, alignment), ['solid', 'solid', 'solid', 'solid', 'dotted', 'dotted']);
    await page.close();
  });

  test('the verdict sentence is computed from the repeats’ ratios and follows them, live and at the end', async () => {
    const p = await openPanel(browser());
    const page = p.page;
    const id = 'v1';
    const verdict = `${card(id)} .verdict`;
    const startOf = (repeat: number, gdRatio: number, linGdRatio: number): IclRepeatStart => ({
      ...repeatStart(repeat, 5 + repeat, 1, false, 0.002, 0.01),
      gdRatio,
      linGdRatio,
    });
    const at = (step: number, tfRatio: number): IclCheckpoint => ({ ...checkpoint(0, step), tfRatio });
    const starts = [startOf(0, 0.7, 0.8), startOf(1, 0.74, 0.78)];
    await p.send(started('experiment', id, FILE, { settings: SETTINGS }));
    await p.send(progress('experiment', id, { repeat: 0, start: starts[0], checkpoints: [], summary: [] }));
    await page.waitForSelector(`${card(id)} tr[data-repeat="1"]`);
    assert.equal(await page.isVisible(verdict), false, 'no verdict before a checkpoint');

    await p.send(
      progress('experiment', id, { repeat: 0, checkpoints: [at(0, 1), at(100, 0.81)], summary: [summaryRow(0, 1), summaryRow(100, 1)] }),
    );
    const oneRepeat =
      "At step 100 (1 repeat) the layer's held-out loss is 0.810 × the uniform prediction's; one GD step reaches 0.700, linearised GD 0.800. " +
      'The layer matches linearised GD (+0.010, within 0.05 of the uniform loss) but not one GD step (+0.110): it learned the first-order expansion of the GD step in η, not the step itself.';
    await page.waitForFunction(([sel, text]) => document.querySelector(sel)?.textContent === text, [verdict, oneRepeat]);

    await p.send(
      progress('experiment', id, {
        repeat: 1,
        start: starts[1],
        checkpoints: [at(0, 1), at(100, 0.79)],
        summary: [summaryRow(0, 2), summaryRow(100, 2)],
      }),
    );
    const twoRepeats =
      "At step 100 (2 repeats) the layer's held-out loss is 0.800 ± 0.010 × the uniform prediction's; one GD step reaches 0.720 ± 0.020, linearised GD 0.790 ± 0.010. " +
      'The layer matches linearised GD (+0.010, within 0.05 of the uniform loss) but not one GD step (+0.080): it learned the first-order expansion of the GD step in η, not the step itself.';
    await page.waitForFunction(([sel, text]) => document.querySelector(sel)?.textContent === text, [verdict, twoRepeats]);

    // Repeat 1 reaches step 200 first: the verdict stays at the last step both reached.
    await p.send(progress('experiment', id, { repeat: 0, checkpoints: [at(200, 0.73)], summary: [summaryRow(200, 1)] }));
    await page.waitForSelector(`${card(id)} tr[data-repeat="1"][data-step="200"]`);
    assert.equal(await page.textContent(verdict), twoRepeats);

    // The result: both at step 200, where the layer has moved onto one GD step and away from linearised GD.
    const repeats: IclRepeat[] = [
      { ...starts[0], checkpoints: [at(0, 1), at(100, 0.81), at(200, 0.73)] },
      { ...starts[1], checkpoints: [at(0, 1), at(100, 0.79), at(200, 0.71)] },
    ];
    await p.send(
      finished('experiment', id, {
        runId: id,
        source: uriOf(FILE),
        settings: { ...SETTINGS, steps: 200, repeats: 2 },
        repeats,
        summary: [0, 100, 200].map((s) => summaryRow(s, 2)),
        stopReason: 'done',
        elapsedMs: 500,
      }),
    );
    await page.waitForSelector(`${card(id)}[data-status="finished"]`);
    assert.equal(
      await page.textContent(verdict),
      "At step 200 (2 repeats) the layer's held-out loss is 0.720 ± 0.010 × the uniform prediction's; one GD step reaches 0.720 ± 0.020, linearised GD 0.790 ± 0.010. " +
        'The layer matches one GD step (0.000, within 0.05 of the uniform loss) but not linearised GD (−0.070).',
    );
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

  test('a single checkpoint is drawn as a marker', async () => {
    const p = await openPanel(browser());
    const x = new Experiment('one');
    await sendAll(p, [x.started(), x.progress(0, [0], true)]);
    const loss = `${card('one')} .icl-chart[data-chart="loss"]`;
    await p.page.waitForSelector(`${loss}[data-points="1"]`);
    const blue = await countColoredPixels(p.page, loss, BLUE);
    assert.ok(blue > 10, `the lone mean is drawn (${blue} blue pixels)`);
    await p.page.close();
  });

  test('Cancel posts the run id; a cancelled experiment keeps what ran and says where it stopped', async () => {
    const p = await openPanel(browser());
    const page = p.page;
    const id = 'c1';
    const x = new Experiment(id);
    await sendAll(p, [x.started(), x.progress(0, STEPS, true), x.progress(1, [0, 100], true)]);
    await page.waitForSelector(`${card(id)} tr[data-repeat="2"][data-step="100"]`);
    await page.locator(`${card(id)} header`).screenshot({ path: join(ARTIFACTS, 'experiment-running-header.png') });
    await page.click(`${card(id)} button.cancel`);
    assert.deepEqual(
      (await p.posted()).filter((m) => m.type === 'cancel'),
      [{ type: 'cancel', runId: id }],
    );
    assert.equal(await page.textContent(`${card(id)} .status`), 'cancelling…');
    assert.equal(await page.isDisabled(`${card(id)} button.cancel`), true);

    await p.send(x.finished('cancelled', [5, 2], { elapsedMs: 2000 }));
    await page.waitForSelector(`${card(id)}[data-status="cancelled"][data-stop-reason="cancelled"]`);
    assert.equal(await page.getAttribute('body', 'data-panel-state'), 'cancelled');
    assert.equal(await page.textContent(`${card(id)} .status`), 'cancelled at repeat 2/3, step 100/400');
    assert.equal(
      await page.textContent(`${card(id)} .stop`),
      'Cancelled at repeat 2/3, step 100/400 after 2.00 s; every checkpoint that ran is kept.',
    );
    assert.deepEqual(await page.$$eval(`${card(id)} tr[data-repeat]`, (trs) => trs.map((tr) => (tr as HTMLElement).dataset.step)), [
      '400',
      '100',
    ]);
    await page.waitForSelector(`${card(id)} tr.icl-summary[data-step="100"][data-count="2"]`);
    assert.equal((await summaryTexts(page, id)).tfLoss, '0.0072 ± 2.0e-4');
    await page.waitForSelector(`${card(id)} .icl-chart[data-chart="loss"][data-points="5"]`);
    await page.close();
  });

  test('failed experiments say why and keep their checkpoints', async () => {
    const p = await openPanel(browser());
    const page = p.page;
    // Failed while running (the worker died): the checkpoints so far stay.
    const f1 = new Experiment('f1');
    await sendAll(p, [f1.started(), f1.progress(0, [0, 100], true)]);
    await page.waitForSelector(`${card('f1')} tr[data-repeat="1"][data-step="100"]`);
    await p.send(failed('experiment', 'f1', FILE, 'The solver worker stopped: out of memory'));
    await page.waitForSelector(`${card('f1')}[data-status="failed"]`);
    assert.equal(await page.getAttribute('body', 'data-panel-state'), 'failed');
    assert.equal(await page.textContent(`${card('f1')} .status`), 'failed');
    assert.equal(await page.textContent(`${card('f1')} .error`), 'The solver worker stopped: out of memory');
    assert.equal(await page.getAttribute(`${card('f1')} tr[data-repeat="1"]`, 'data-step'), '100');
    assert.equal(await page.isVisible(`${card('f1')} button.cancel`), false);

    // Stopped by the experiment itself on a non-finite value: it answered, and the status says how it stopped.
    const message = 'repeat 2, step 200: the training loss is NaN';
    const f2 = new Experiment('f2');
    await sendAll(p, [f2.started(), f2.progress(0, STEPS, true), f2.progress(1, [0, 100], true)]);
    await p.send(f2.finished('nonFinite', [5, 2], { message, elapsedMs: 900 }));
    await page.waitForSelector(`${card('f2')}[data-status="finished"][data-stop-reason="nonFinite"]`);
    assert.equal(await page.textContent(`${card('f2')} .status`), 'stopped: non-finite value at repeat 2/3, step 100/400');
    assert.equal(await page.$eval(`${card('f2')} .status`, (e) => getComputedStyle(e).color), ERROR);
    assert.equal(await page.textContent(`${card('f2')} .stop`), `Stopped on a non-finite value after 900 ms: ${message}`);
    assert.equal(await page.isVisible(`${card('f2')} .error`), false);
    assert.deepEqual(await page.$$eval(`${card('f2')} tr[data-repeat]`, (trs) => trs.map((tr) => (tr as HTMLElement).dataset.step)), [
      '400',
      '100',
    ]);

    // Failed before it started: still shown, named by its file, with the reason.
    await p.send(failed('experiment', 'f3', 'other.regress', 'The problem has 1 error:\n4:1: unknown setting'));
    await page.waitForSelector(`${card('f3')}[data-status="failed"]`);
    assert.equal(await page.textContent(`${card('f3')} h2`), 'other.regress');
    assert.equal(await page.textContent(`${card('f3')} .error`), 'The problem has 1 error:\n4:1: unknown setting');
    await page.close();
  });

  test('experiments and solves share the panel: order, state, replacement and the run cap', async () => {
    const p = await openPanel(browser());
    const page = p.page;
    const problem = { kind: 'attention', variant: 'normalized', n: 8, d: 4, reg: 0 } as const;
    const spec = { index: 0, method: 'gd', options: { lr: 1, steps: 10 }, line: 9, label: 'gd lr=1' } as const;
    const points = Array.from({ length: 11 }, (_, k) => ({ k, loss: 0.5 / (1 + k), gradNorm: 1 / (1 + k), stepNorm: k ? 0.1 : 0 }));
    await p.send(started('solve', 's1', 'quickstart.regress', { problem, blocks: [spec] }));
    await p.send(progress('solve', 's1', { block: 0, points, maxSteps: 10, stop: { reason: 'steps' } }));
    const final = { loss: points[10].loss, X: [[0]], stopReason: 'steps' as const, iterations: 10, elapsedMs: 5 };
    await p.send(
      finished('solve', 's1', {
        runId: 's1',
        source: uriOf('quickstart.regress'),
        problem,
        runs: [{ ...spec, options: { ...spec.options }, iterations: points, final }],
      }),
    );
    await page.waitForSelector('body[data-panel-state="finished"]');

    const x = new Experiment('x');
    await sendAll(p, [x.started(), x.progress(0, [0, 100], true)]);
    await page.waitForSelector(`${card('x')} tr[data-repeat="1"][data-step="100"]`);
    assert.equal(await page.getAttribute('body', 'data-panel-state'), 'running', 'the running experiment counts');
    assert.deepEqual(await page.$$eval('section.run', (s) => s.map((e) => (e as HTMLElement).dataset.runId)), ['x', 's1'], 'newest first');
    assert.equal(
      await page.getAttribute('section.run[data-run-id="s1"] tr[data-run-index="0"]', 'data-stop-reason'),
      'steps',
      'the solve card is intact',
    );

    // The same runId started again replaces the run: one card, empty again.
    await p.send(x.started());
    await page.waitForFunction(() => document.querySelectorAll('section.run.experiment tr[data-repeat]').length === 0);
    assert.equal(await page.$$eval(`${card('x')}`, (s) => s.length), 1);
    await p.send(x.finished('done', [5, 5, 5]));
    await page.waitForSelector('body[data-panel-state="finished"]');
    assert.equal(await page.getAttribute(card('x'), 'data-status'), 'finished');

    // 19 more runs make 21: the oldest (the solve) leaves, the experiment stays.
    for (let i = 0; i < 19; i++) await p.send(new Experiment(`cap${i}`).started());
    await page.waitForSelector(card('cap18'));
    assert.equal(await page.$$eval('section.run', (s) => s.length), 20);
    assert.equal(await page.$('section.run[data-run-id="s1"]'), null);
    assert.notEqual(await page.$(card('x')), null);
    assert.equal((await p.snapshot()).length, 20);
    await page.close();
  });

  test('the report replays an experiment into the same table, without Cancel', async () => {
    const messages = fullRun('r1');
    const live = await openPanel(browser());
    await sendAll(live, messages);
    await live.page.waitForSelector(`${card('r1')} tr[data-repeat="3"][data-step="400"]`);
    const want = await tableText(live.page, 'r1');
    const verdict = await live.page.textContent(`${card('r1')} .verdict`);
    await live.page.close();

    const page = await openReport(browser(), messages);
    await page.waitForSelector('body[data-mode="report"][data-panel-state="finished"]');
    assert.deepEqual(await tableText(page, 'r1'), want);
    assert.match(verdict ?? '', /^At step 400 \(3 repeats\) /);
    assert.equal(await page.textContent(`${card('r1')} .verdict`), verdict);
    assert.equal(want[4][7], '0.0043 ± 4.0e-4');
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
    assert.ok((await countColoredPixels(dark.page, `${card('r1')} .icl-chart[data-chart="loss"]`, SKY)) > 100);
    await dark.page.locator(card('r1')).screenshot({ path: join(ARTIFACTS, 'experiment-card-dark.png') });
    await dark.page.close();
  });

  test('at 480 px the table keeps its essential columns and lists the others per row', async () => {
    const p = await openPanel(browser(), { width: NARROW });
    await sendAll(p, fullRun('n1'));
    await p.page.waitForSelector(`${card('n1')}[data-status="finished"]`);
    const table = `${card('n1')} table.icl-repeats`;
    assert.deepEqual(await visibleHeaders(p.page, table), ['#', 'GD loss', 'step', 'TF loss', 'Model Cos']);
    assert.deepEqual(await overflows(p.page, card('n1')), []);
    assert.deepEqual(await details(p.page, `${table} tr[data-repeat="2"]`), [
      ['seed', '6'],
      ['η', '100 ⚠ edge'],
      ['uniform loss', '0.0091'],
      ['lin GD loss', '0.00312'],
      ['Preds Diff', '0.01144'],
      ['Model Diff', '0.04189'],
      ['train loss', '0.001913'],
    ]);
    await p.page.locator(card('n1')).screenshot({ path: join(ARTIFACTS, 'experiment-480.png') });
    await p.page.close();
  });
});
