/**
 * The bound checks in the results panel (headless Chromium): per-block bound tables with violations flagged, the
 * chart of ‖b̃ − b‖ against its bounds with the block switch, the papers' bound as a power of ten (beyond doubles
 * for R = 9, drawn at the chart's top edge), and the self-attention data move with its closeness table. The payloads are built here with the shapes
 * and magnitudes the checker produces (quickstart: R ≈ 4, M ≈ 10^72). Screenshots go to test-artifacts/webview/.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { BoundName, BoundStep, BoundSummary, BoundValue, DataMoveReport, PaperAssumptions, BlockBounds } from '../../protocol/bounds';
import type { IterationPoint, BlockResult, BlockSpec, SolveResult, TensorCheckResult, TensorComparison } from '../../protocol/results';
import { ARTIFACTS } from '../paths';
import { chromiumForTests } from './browser';
import { finished, progress, started, uriOf } from './events';
import { details, NARROW, overflows, visibleHeaders } from './narrow';
import { countColoredPixels, openPanel, useDarkTheme, type PanelPage } from './panel-page';
import { BOUND_LABEL, BoundTable } from '../../server/src/bounds/summary';

const SHOTS = join(ARTIFACTS, 'webview');
// webview/src/theme.ts: the observed shift is drawn in Okabe–Ito blue, (S1) in orange.
const BLUE: [number, number, number] = [0, 114, 178];
// On a dark background the main line is Okabe–Ito's sky blue instead (webview/src/theme.ts).
const SKY: [number, number, number] = [86, 180, 233];
const ORANGE: [number, number, number] = [230, 159, 0];
const STEPS = 200;

const problem = { kind: 'attention', variant: 'normalized', n: 8, d: 4, reg: 0 } as const;
const specs: BlockSpec[] = [
  { index: 0, method: 'gd', options: { lr: 3, steps: STEPS }, line: 14, label: 'gd lr=3' },
  { index: 1, method: 'armijo', options: { steps: STEPS }, line: 15, label: 'armijo' },
];

const LABEL = BOUND_LABEL;

function sharp(name: BoundName, observed: number, value: number): BoundValue {
  return { name, observed, value, ratio: observed / value, holds: observed <= value * (1 + 1e-12), assumptionsMet: null };
}

function paper(observed: number, log10: number, assumptionsMet: boolean): BoundValue {
  const ratio = 10 ** (Math.log10(observed) - log10);
  return { name: 'paper', observed, log10, ratio, holds: ratio <= 1, assumptionsMet };
}

function assumptions(R: number, stepInf: number): PaperAssumptions {
  return {
    R,
    rAtLeast4: R >= 4,
    stepInf,
    stepInfOk: stepInf < 0.01,
    logAlphaMin: 2,
    alphaOk: true,
    log10M: 1.5 * Math.log10(8) + (10 * R * R) / Math.LN10,
  };
}

/** Folds per-step values into summary rows with the checker's own table (server/src/bounds/summary.ts). */
function summarize(steps: { k: number; bounds: BoundValue[] }[]): BoundSummary[] {
  const table = new BoundTable();
  for (const { k, bounds } of steps) table.add(k, bounds);
  return table.summary();
}

interface Plan {
  observed(k: number): number;
  /** observed / (S1) at step k. */
  s1Ratio(k: number): number;
  R: number;
  /** ‖A·Δx‖∞ at step k: the papers' bound needs it below 0.01. */
  stepInf(k: number): number;
}

/** Block 0 (gd): every bound holds, (S1) at 0.4 of its value, the papers' assumptions met from k = 150 on. */
const HOLDS: Plan = {
  observed: (k) => 0.3 * Math.exp(-k / 30),
  s1Ratio: (k) => 0.4 * (1 - k / 1000),
  R: 4.1,
  stepInf: (k) => (k >= 150 ? 0.005 : 0.2),
};
/** Block 1 (armijo): (S1) fails at k = 5 and 7 (ratio 1.25); R = 9, so M ≈ 10^353 overflows doubles. */
const BROKEN: Plan = { observed: (k) => 0.2 / (1 + k), s1Ratio: (k) => (k === 5 || k === 7 ? 1.25 : 0.5), R: 9, stepInf: () => 0.05 };

function runBounds(plan: Plan): BlockBounds {
  const steps: BoundStep[] = [];
  for (let k = 0; k < STEPS; k++) {
    const observed = plan.observed(k);
    const stepNorm = 2 * Math.exp(-k / 60);
    const a = assumptions(plan.R, plan.stepInf(k));
    const met = a.rAtLeast4 && a.stepInfOk && a.alphaOk;
    const bounds = [
      sharp('S1', observed, observed / plan.s1Ratio(k)),
      sharp('S1norm', observed, observed / 0.3),
      sharp('S3', observed, observed / (0.04 * (1 + k / 1000))),
      { ...sharp('cap', 0.6 * observed, Math.SQRT2), row: 3 },
      paper(observed, a.log10M + Math.log10(stepNorm), met),
    ];
    steps.push({
      k,
      stepNorm,
      stepSize: 3,
      observedShift: observed,
      observedRowMax: 0.6 * observed,
      exactnessError: 1e-17 * (1 + (k % 3)),
      lossNext: 0.1 * observed,
      bounds,
      assumptions: a,
    });
  }
  const summary = summarize(steps);
  const sharpViolations = summary.filter((s) => s.kind !== 'paper').reduce((n, s) => n + s.violations, 0);
  const messages = summary
    .filter((s) => s.kind !== 'paper' && s.violations)
    .map(
      (s) =>
        `${s.label} failed on ${s.violations} of ${s.stepsChecked} steps (worst at k = ${s.worstK}, observed/bound = ${s.tightness.toPrecision(4)}). A sharp bound cannot fail on finite input: this is a bug in the checker or the solver.`,
    );
  return {
    norms: { A1: 2.121, A2: 1.922, rows: 8, n: 8 },
    steps,
    summary,
    maxExactnessError: 3e-17,
    sharpViolations,
    messages,
    stepLimit: 20_000,
  };
}

/** Two layers: the first within the papers' assumptions, the second moving the scores too far (‖ΔS‖∞ = 0.02). */
function dataMove(): DataMoveReport {
  const layer = (n: number, observed: number, s2: number, stepInf: number) => {
    const a = assumptions(4.1, stepInf);
    const bounds = [
      sharp('S2', observed, s2),
      sharp('S2norm', observed, 2 * s2),
      { ...sharp('cap', 0.7 * observed, Math.SQRT2), row: 2 },
      paper(observed, a.log10M + Math.log10(0.05), a.stepInfOk),
    ];
    return {
      layer: n,
      moveNorm: 0.05 * n,
      moveA1: 0.03 * n,
      moveA2: 0.02 * n,
      observedShift: observed,
      observedRowMax: 0.7 * observed,
      exactnessError: 2e-17,
      bounds,
      assumptions: a,
    };
  };
  const steps = [layer(1, 0.004, 0.01, 0.004), layer(2, 0.006, 0.0125, 0.02)];
  return {
    layers: 2,
    headDim: 2,
    steps,
    summary: summarize(steps.map((s) => ({ k: s.layer, bounds: s.bounds }))),
    closeness: [
      { runIndex: 0, label: 'gd lr=3', distance: 0.2962, cosine: 0.8731, gdShift: 0.3, saShift: 0.004 },
      { runIndex: 1, label: 'armijo', distance: 0.004, cosine: null, gdShift: 0, saShift: 0.004 },
    ],
    messages: [],
  };
}

function iterations(block: number): IterationPoint[] {
  return Array.from({ length: STEPS + 1 }, (_, k) => {
    const loss = block === 0 ? 0.5 * Math.exp(-k / 40) : 0.5 / (1 + k);
    return { k, loss, gradNorm: Math.sqrt(2 * loss), stepNorm: k === 0 ? 0 : 0.1 * loss, stepSize: 3 };
  });
}

function result(runId: string): SolveResult {
  const runs: BlockResult[] = specs.map((s) => {
    const it = iterations(s.index);
    const final = { loss: it[STEPS].loss, X: [[0]], stopReason: 'steps' as const, iterations: STEPS, elapsedMs: 812 };
    return {
      index: s.index,
      method: s.method,
      options: s.options,
      label: s.label,
      iterations: it,
      final,
      bounds: runBounds(s.index === 0 ? HOLDS : BROKEN),
    };
  });
  return { runId, source: uriOf('bounds.regress'), problem, runs, dataMove: dataMove() };
}

function comparison(max: number, diff: number, scale = max): TensorComparison {
  return { matrixMax: max, vectorizedMax: max, maxAbsDiff: diff, relDiff: diff / max, scale, scaledDiff: diff / scale };
}

/** n = 8, d = 4: 𝖠 is 64×16. At X0 = 0 the gradient cancels to rounding noise, which only scaledDiff accepts. */
function tensorCheck(): TensorCheckResult {
  const at = (gradient: TensorComparison) => ({
    predictions: comparison(1, 2.2e-16),
    loss: { ...comparison(0.41, 5.6e-17), matrix: 0.41, vectorized: 0.41 },
    gradient,
  });
  return {
    problem,
    sizes: { n: 8, d: 4, rows: 64, cols: 16, bytes: 8192, limitBytes: 256e6 },
    ...at(comparison(3e-17, 1e-17, 0.8)),
    probe: { ...at(comparison(0.52, 4.4e-16)), scale: 0.37 },
    timing: { matrixGradMs: 0.0123, kroneckerGradMs: 0.0871, buildMs: 0.05, matrixRepeats: 200, kroneckerRepeats: 200 },
    tolerance: 1e-10,
    pass: true,
  };
}

/** The live sequence: started, streamed points, then the result with the checks. */
async function finishedRun(p: PanelPage, runId: string, extra: Partial<SolveResult> = {}): Promise<void> {
  await p.send(started('solve', runId, 'bounds.regress', { problem, blocks: specs }));
  for (const s of specs)
    await p.send(progress('solve', runId, { block: s.index, points: iterations(s.index), maxSteps: STEPS, stop: { reason: 'steps' } }));
  await p.page.waitForSelector(`tr[data-run-index="1"][data-points="${STEPS + 1}"]`);
  assert.equal(await p.page.$('table.bounds'), null, 'no bounds before the result');
  await p.send(finished('solve', runId, { ...result(runId), ...extra }));
  await p.page.waitForSelector(`.bounds-chart[data-points="${STEPS}"]`);
}

/** The cells of one bound's row, as text. */
function cells(page: Page, block: number, bound: BoundName): Promise<string[]> {
  return page.$$eval(`table.bounds[data-run-index="${block}"] tr[data-bound="${bound}"] td`, (tds) =>
    tds.map((td) => td.textContent ?? ''),
  );
}

const color = (page: Page, selector: string) => page.$eval(selector, (e) => getComputedStyle(e).color);
const canvas = (page: Page) => page.$eval('.bounds-chart canvas', (c) => (c as HTMLCanvasElement).toDataURL());

describe('bound checks in the results panel (Chromium)', () => {
  const browser = chromiumForTests(SHOTS);

  test('a table per block: each bound’s worst case, tightness, assumptions and violations', async () => {
    const p = await openPanel(browser());
    await finishedRun(p, 'b1');
    const page = p.page;
    assert.deepEqual(
      await page.$$eval('table.bounds[data-run-index="0"] tr[data-bound]', (rows) => rows.map((r) => (r as HTMLElement).dataset.bound)),
      ['S1', 'S1norm', 'S3', 'cap', 'paper'],
    );

    // Block 0: the worst (S1) ratio is at k = 0, observed 0.3 against 0.3 / 0.4.
    assert.deepEqual(await cells(page, 0, 'S1'), [LABEL.S1, '✓ holds', 'sharp', '0.3', '0.75', '0.4', 'k = 0', '—']);
    assert.deepEqual((await cells(page, 0, 'cap')).slice(2, 6), ['cap', '0.18', '1.414', '0.127']);
    // The papers' bound at k = 0: log10 M·‖step‖ = 1.5·log10 8 + 10·4.1²/ln 10 + log10 2 ≈ 74.65; observed 0.3.
    const log10Bound = 1.5 * Math.log10(8) + (10 * 4.1 * 4.1) / Math.LN10 + Math.log10(2);
    assert.deepEqual(await cells(page, 0, 'paper'), [
      // Scripts are <sup> elements: n^1.5 reads "n" then a raised "1.5".
      LABEL.paper.replace(/\^\{?([^}·]*)\}?/g, '$1'),
      '✓ holds',
      'paper',
      '0.3',
      `10${log10Bound.toFixed(1)}`,
      `10−${(log10Bound - Math.log10(0.3)).toFixed(1)}`,
      'k = 0',
      '50 / 200 steps',
    ]);
    assert.equal(await page.getAttribute('table.bounds[data-run-index="0"] tr[data-bound="paper"]', 'data-holds'), 'true');
    // Powers of ten print with their exponent raised, not as "10^74.7".
    const paperCells = 'table.bounds[data-run-index="0"] tr[data-bound="paper"] td';
    assert.equal(await page.$eval(`${paperCells}:nth-child(5) sup`, (e) => e.textContent), log10Bound.toFixed(1));
    assert.equal(await page.$eval(`${paperCells}:nth-child(6) sup`, (e) => e.textContent), `−${(log10Bound - Math.log10(0.3)).toFixed(1)}`);
    assert.equal(await page.$eval(`${paperCells}:nth-child(1) sup`, (e) => e.textContent), '1.5', 'n^1.5 in the label');
    const meta = (await page.textContent('.bounds-block[data-run-index="0"] .meta')) ?? '';
    assert.match(
      meta,
      // Subscripts are <sub> elements: x_{k+1} reads "x" then a lowered "k+1".
      /^200 steps checked · b̃ exactness: max \|L\(xk; b̃\) − L\(xk\+1; b\)\| = 3\.00e-17 · ‖A1‖ = 2\.121, ‖A2‖ = 1\.922/,
    );
    assert.equal(await page.isVisible('.bounds-block[data-run-index="0"] .messages'), false, 'no messages when everything holds');

    // Block 1: (S1) fails twice, worst at k = 5, and says what that means.
    const s1 = 'table.bounds[data-run-index="1"] tr[data-bound="S1"]';
    assert.equal(await page.getAttribute(s1, 'data-holds'), 'false');
    assert.equal(await page.getAttribute(s1, 'data-violations'), '2');
    assert.deepEqual(await cells(page, 1, 'S1'), [
      LABEL.S1,
      '✗ fails on 2 / 200 steps',
      'sharp',
      '0.03333',
      '0.02667',
      '1.25',
      'k = 5',
      '—',
    ]);
    const normal = await color(page, 'body');
    assert.notEqual(await color(page, `${s1} td:nth-child(2)`), normal, 'the violation is coloured');
    assert.equal(await color(page, `${s1} td:nth-child(2)`), 'rgb(207, 34, 46)', 'in the error colour');
    assert.equal(
      await color(page, 'table.bounds[data-run-index="1"] tr[data-bound="S1norm"] td:nth-child(2)'),
      'rgb(26, 127, 55)',
      'a bound that holds is green',
    );
    const messages = '.bounds-block[data-run-index="1"] .messages';
    assert.match(
      (await page.textContent(messages)) ?? '',
      /\(S1\) ½‖ΔS‖, sharp Lipschitz with the data failed on 2 of 200 steps \(worst at k = 5, observed\/bound = 1\.250\)\. .*this is a bug/,
    );
    assert.equal(await color(page, messages), 'rgb(207, 34, 46)');
    // R = 9: M·‖step‖ ≈ 10^353, far beyond doubles, still shown from its log10; assumptions never met.
    const paperRow = await cells(page, 1, 'paper');
    assert.match(paperRow[4], /^1035\d\.\d$/);
    assert.match(paperRow[5], /^10−35\d\.\d$/);
    assert.equal(paperRow[7], '0 / 200 steps');
    assert.deepEqual(await p.cspViolations(), []);
    await page.screenshot({ path: join(SHOTS, 'bounds-wide.png'), fullPage: true });
    await page.close();
  });

  test('the chart draws the shift and its bounds; the block switch redraws and is remembered', async () => {
    const p = await openPanel(browser());
    await finishedRun(p, 'b2');
    const page = p.page;
    assert.equal(await page.getAttribute('.bounds-chart', 'data-run-index'), '0');
    assert.equal(await page.getAttribute('.bounds-chart', 'data-clipped'), 'true');
    const blue = await countColoredPixels(page, '.bounds-chart', BLUE);
    assert.ok(blue > 300, `the observed shift is drawn, thick (${blue} blue pixels)`);
    assert.ok((await countColoredPixels(page, '.bounds-chart', ORANGE)) > 100, '(S1) is drawn');
    const legend = (await page.textContent('.bounds-chart .u-legend')) ?? '';
    for (const name of ['observed ‖b̃ − b‖', 'observed, worst row', '(S1) ½‖ΔS‖', '(S3) ½‖A‖·η·‖∇L‖', '√2 per row', 'papers’ M·‖move‖'])
      assert.ok(legend.includes(name), `legend names ${name}`);
    // M ≈ 10^74.7 lies far above the sharp bounds: drawn at the top edge, so they keep the plot's height.
    assert.match(legend, /papers’ M·‖move‖ \(off the top\)/);
    assert.match(
      (await page.textContent('.bounds .chart-note')) ?? '',
      /^The papers’ bound lies far above the others: it runs along the top edge/,
    );
    const before = await canvas(page);

    await page.check('.bounds input[value="1"]');
    await page.waitForSelector('.bounds-chart[data-run-index="1"]');
    assert.notEqual(await canvas(page), before, 'redrawn with block 2');
    assert.ok((await countColoredPixels(page, '.bounds-chart', BLUE)) > 300, 'block 2 is drawn');
    assert.match((await page.getAttribute('.bounds-chart', 'aria-label')) ?? '', /papers’ bound lies above the plot/);
    assert.equal(await page.getAttribute('.bounds-chart', 'data-clipped'), 'true');
    assert.deepEqual(await page.evaluate(() => window.__state), { boundsBlock: 1 });
    await page.screenshot({ path: join(SHOTS, 'bounds-block2.png'), fullPage: true });
    await page.close();

    // A reloaded panel charts the remembered block.
    const q = await openPanel(browser(), { state: { boundsBlock: 1 } });
    await finishedRun(q, 'b3');
    assert.equal(await q.page.getAttribute('.bounds-chart', 'data-run-index'), '1');
    assert.equal(await q.page.isChecked('.bounds input[value="1"]'), true);
    await q.page.close();
  });

  test('the data move per layer and the closeness of the two shifts', async () => {
    const p = await openPanel(browser());
    await finishedRun(p, 'b4');
    const page = p.page;
    const layer = (n: number) => page.$$eval(`table.move tr[data-layer="${n}"] td`, (tds) => tds.map((td) => td.textContent ?? ''));
    assert.deepEqual(await page.$$eval('table.move th', (ths) => ths.map((th) => th.textContent)), [
      'layer',
      '‖ΔA1‖, ‖ΔA2‖',
      'move norm',
      '‖b̃ − b‖',
      'worst row',
      'exactness',
      '(S2) ½‖ΔS‖',
      '(S2) ½‖ΔA‖‖x‖',
      '√2 per row',
      'papers’ M·‖move‖',
      'papers’ assumptions',
    ]);
    const one = await layer(1);
    assert.deepEqual(one.slice(0, 9), ['1', '0.03, 0.02', '0.05', '0.004', '0.0028', '2.00e-17', '0.01 ✓', '0.02 ✓', '1.414 ✓']);
    assert.match(one[9], /^107\d\.\d ✓$/);
    assert.equal(one[10], 'met (R = 4.1)');
    const two = await layer(2);
    assert.equal(two[10], 'not met: ‖ΔS‖∞ = 0.02 ≥ 0.01');
    assert.equal(await page.getAttribute('table.move tr[data-layer="2"]', 'data-holds'), 'true');
    // The move's own summary: (S2) worst at layer 2, the papers' assumptions held on one layer of two.
    assert.deepEqual(
      await page.$$eval('table.bounds[data-source="move"] tr[data-bound="S2"] td', (tds) => tds.map((td) => td.textContent)),
      [LABEL.S2, '✓ holds', 'sharp', '0.006', '0.0125', '0.48', 'layer 2', '—'],
    );
    assert.equal(
      await page.$$eval('table.bounds[data-source="move"] tr[data-bound="paper"] td', (tds) => tds[7].textContent),
      '1 / 2 layers',
    );

    const closeness = (i: number) =>
      page.$$eval(`table.closeness tr[data-block-index="${i}"] td`, (tds) => tds.map((td) => td.textContent));
    assert.deepEqual(await closeness(0), ['#1 gd lr=3', '0.2962', '0.8731', '0.3', '0.004']);
    assert.deepEqual(await closeness(1), ['#2 armijo', '0.004', '—', '0', '0.004']);
    await page.locator('section.data-move').screenshot({ path: join(SHOTS, 'bounds-data-move.png') });
    await page.close();
  });

  test('the tensor check as a small table, or why it did not run', async () => {
    const p = await openPanel(browser());
    await finishedRun(p, 't1', { tensor: tensorCheck() });
    const page = p.page;
    assert.equal(await page.getAttribute('section.tensor', 'data-pass'), 'true');
    const row = (q: string, point: string) =>
      page.$$eval(`table.tensor tr[data-quantity="${q}"][data-point="${point}"] td`, (tds) => tds.map((td) => td.textContent));
    assert.deepEqual(await row('predictions', 'X0'), ['predictions', 'X0', '1', '2.20e-16', '2.20e-16', '2.20e-16', '✓']);
    // The gradient at X0 = 0 is itself rounding noise: relDiff 0.33, accepted through scaledDiff.
    assert.deepEqual(await row('gradient', 'X0'), ['gradient', 'X0', '3.000e-17', '1.00e-17', '0.333', '1.25e-17', '✓']);
    assert.deepEqual(await row('loss', 'probe'), ['loss', 'probe', '0.41', '5.60e-17', '1.37e-16', '1.37e-16', '✓']);
    assert.match(
      (await page.textContent('section.tensor .meta')) ?? '',
      /^✓ pass · tolerance 1\.000e-10 · A is 64×16 \(8\.0 KiB\) · gradient in 0\.0123 ms \(matrix form\) against 0\.0871 ms \(through A\)$/,
    );
    await page.locator('section.tensor').screenshot({ path: join(SHOTS, 'bounds-tensor.png') });
    await page.close();

    const q = await openPanel(browser());
    await finishedRun(q, 't2', { tensor: { error: '𝖠 would take 2.1 GB (n = 96, d = 64), above the 256 MB limit' } });
    assert.match((await q.page.textContent('section.tensor')) ?? '', /Not checked: A would take 2\.1 GB/);
    assert.equal(await q.page.$('table.tensor'), null);
    await q.page.close();
  });

  test('a narrow, dark panel keeps the page width and uses the theme’s colours', async () => {
    const p = await openPanel(browser(), { width: NARROW });
    await useDarkTheme(p.page);
    await finishedRun(p, 'b5', { tensor: tensorCheck() });
    const page = p.page;
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= NARROW, 'nothing widens the page');
    assert.ok((await page.$eval('.bounds-chart canvas', (c) => c.getBoundingClientRect().right)) <= NARROW, 'the chart fits');
    // Every table fits without scrolling sideways: the essential columns stay, the others go to a details row.
    assert.deepEqual(await overflows(page, 'section.run'), []);
    assert.deepEqual(await visibleHeaders(page, 'table.bounds[data-run-index="0"]'), ['bound', 'result', 'tightness']);
    assert.deepEqual(await visibleHeaders(page, 'table.move'), ['layer', 'move norm', '‖b̃ − b‖']);
    assert.deepEqual(await visibleHeaders(page, 'table.tensor'), ['quantity', 'at', 'scaled diff', 'pass']);
    assert.deepEqual(await details(page, 'table.bounds[data-run-index="0"] tr[data-bound="S1"]'), [
      ['kind', 'sharp'],
      ['observed', '0.3'],
      ['bound', '0.75'],
      ['at', 'k = 0'],
      ['assumptions met', '—'],
    ]);
    assert.deepEqual(await details(page, 'table.tensor tr[data-quantity="gradient"][data-point="X0"]'), [
      ['max |value|', '3.000e-17'],
      ['max abs diff', '1.00e-17'],
      ['rel diff', '0.333'],
    ]);
    assert.equal(await color(page, 'body'), 'rgb(204, 204, 204)');
    assert.equal(await color(page, 'table.bounds[data-run-index="1"] tr[data-bound="S1"] td:nth-child(2)'), 'rgb(248, 81, 73)');
    assert.ok((await countColoredPixels(page, '.bounds-chart', SKY)) > 200, 'drawn at the narrow width');
    await page.screenshot({ path: join(SHOTS, 'bounds-narrow-dark.png'), fullPage: true });
    await page.close();
  });
});
