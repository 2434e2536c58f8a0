/**
 * The Matrices section of a solve card in the results panel (headless Chromium): heatmaps of the target, the
 * prediction, their difference and X at the picked point, values on hover and by keyboard, the diverging scale's
 * neutral colour at 0 and its ends at ±max |·|, the pooled view and worst rows of a large problem, and the card's
 * exports. The small matrices are written out here; the large one is the server's own (server/src/solver/matrices.ts)
 * on a target with one row planted off. Screenshots go to test-artifacts/webview/.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { MatrixSummarizer } from '../../common/matrixSummary';
import { HISTORY_LIMITS } from '../../extension/src/history';
import { thinSolve } from '../../extension/src/historyThin';
import type { BlockResult, BlockSpec, MatrixData, PointMatrices, SolveResult } from '../../protocol/results';
import type { RunEvent } from '../../protocol/runs';
import type { AttentionProblem } from '../../server/src/problem';
import { pointMatrices, runMatrices } from '../../server/src/solver/matrices';
import { ARTIFACTS } from '../paths';
import { chromiumForTests } from './browser';
import { finished, progress, started } from './events';
import { openPanel, useDarkTheme, type PanelPage } from './panel-page';

const SHOTS = join(ARTIFACTS, 'webview');
/** webview/src/heatmapScale.ts: RdBu's ends and its neutral. */
const BLUE_END: [number, number, number] = [0x21, 0x66, 0xac];
const RED_END: [number, number, number] = [0xb2, 0x18, 0x2b];
const NEUTRAL: [number, number, number] = [0xf7, 0xf7, 0xf7];

function matrix(rows: number, cols: number, values: number[]): MatrixData {
  const s = new MatrixSummarizer(rows, cols);
  for (let i = 0; i < rows; i++) s.add(values.slice(i * cols, (i + 1) * cols));
  return s.finish()!;
}

const spec: BlockSpec = { index: 0, method: 'gd', options: { steps: 2 }, line: 3, label: 'gd lr=1' };

function block(matrices: PointMatrices): BlockResult {
  return {
    index: 0,
    method: 'gd',
    options: { steps: 2 },
    label: 'gd lr=1',
    iterations: [0, 1, 2].map((k) => ({ k, loss: 1 / (k + 1), gradNorm: 1, stepNorm: k && 0.1 })),
    final: { loss: 1 / 3, stopReason: 'steps', iterations: 2, elapsedMs: 3 },
    matrices,
  };
}

/**
 * A 4×4 problem written out. The final difference is not the prediction's (it holds −2, 0 and 2, its max |·|, at known
 * cells): the panel draws what it is sent, never derives it.
 */
const DIFF = [0.125, -2, 0.5, 0, 2, -0.25, 1 / 3, 0, 0, 0.1, -0.1, 0, 0, 0, 0, 0];
const TARGET = [0.5, 0.25, 0.25, 0, 0.1, 0.8, 0.1, 0, 0.25, 0.25, 0.25, 0.25, 0.4, 0.3, 0.2, 0.1];
const small = {
  problem: { kind: 'attention', variant: 'normalized', n: 4, d: 2, reg: 0 } as const,
  target: matrix(4, 4, TARGET),
  initial: {
    X: matrix(2, 2, [0, 0, 0, 0]),
    prediction: matrix(4, 4, Array(16).fill(0.25)),
    difference: matrix(
      4,
      4,
      TARGET.map((b) => 0.25 - b),
    ),
  },
  final: {
    X: matrix(2, 2, [1.5, -0.5, 0.25, -3]),
    prediction: matrix(4, 4, [0.4, 0.3, 0.2, 0.1, 0.7, 0.1, 0.1, 0.1, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25]),
    difference: matrix(4, 4, DIFF),
  },
};

async function smallRun(p: PanelPage, runId: string) {
  const result: SolveResult = {
    runId,
    source: 'm.regress',
    problem: small.problem,
    runs: [block(small.final)],
    matrices: { target: small.target, initial: small.initial },
  };
  await p.send(started('solve', runId, 'm.regress', { problem: small.problem, blocks: [spec] }));
  await p.send(progress('solve', runId, { block: 0, points: result.runs[0].iterations, maxSteps: 2, stop: { reason: 'steps' } }));
  await p.send(finished('solve', runId, result));
  await p.page.waitForSelector(`section.run[data-run-id="${runId}"] details.matrices`, { state: 'attached' });
  await p.page.click(`section.run[data-run-id="${runId}"] details.matrices > summary`);
}

const heatmap = (slot: string) => `.matrix-slot[data-slot="${slot}"] figure.heatmap`;

/** The viewport coordinates of cell (i, j)'s centre (0-based), from the canvas' data-plot, scrolled into view. */
async function cellCentre(page: Page, slot: string, i: number, j: number): Promise<{ x: number; y: number }> {
  return page.$eval(
    `${heatmap(slot)} canvas`,
    (c, [i, j]) => {
      const [left, top, w, h] = (c as HTMLElement).dataset.plot!.split(' ').map(Number);
      c.scrollIntoView({ block: 'center' });
      const r = c.getBoundingClientRect();
      return { x: r.left + left + (j + 0.5) * w, y: r.top + top + (i + 0.5) * h };
    },
    [i, j],
  );
}

/** The canvas pixel at cell (i, j)'s centre. */
function cellColor(page: Page, slot: string, i: number, j: number): Promise<[number, number, number]> {
  return page.$eval(
    `${heatmap(slot)} canvas`,
    (c, [i, j]) => {
      const canvas = c as HTMLCanvasElement;
      const [left, top, w, h] = canvas.dataset.plot!.split(' ').map(Number);
      const ratio = canvas.width / canvas.getBoundingClientRect().width;
      const px = canvas
        .getContext('2d')!
        .getImageData(Math.floor((left + (j + 0.5) * w) * ratio), Math.floor((top + (i + 0.5) * h) * ratio), 1, 1).data;
      return [px[0], px[1], px[2]] as [number, number, number];
    },
    [i, j],
  );
}

/** A 300×300 problem whose target has one entry planted off (row 251, column 8), with the server's matrices. */
function bigRun(runId: string): { events: RunEvent<'solve'>[]; final: PointMatrices } {
  const n = 300;
  const B = new Float64Array(n * n).fill(1 / n);
  B[PLANTED_ROW * n + 7] += 0.4;
  // A1·X·A2ᵀ = 0 at both points: the prediction is uniform, the difference 0 but for the planted entry.
  const problem: AttentionProblem = {
    kind: 'attention',
    variant: 'normalized',
    n,
    d: 2,
    reg: 0,
    A1: { rows: n, cols: 2, data: new Float64Array(2 * n).fill(0.1) },
    A2: { rows: n, cols: 2, data: new Float64Array(2 * n).fill(0.2) },
    B: { rows: n, cols: n, data: B },
    X0: { rows: 2, cols: 2, data: new Float64Array(4) },
  };
  const final = pointMatrices(problem, Float64Array.from([0.5, 0, 0, -0.5]))!;
  const summary = { kind: 'attention', variant: 'normalized', n, d: 2, reg: 0 } as const;
  const result: SolveResult = { runId, source: 'big.regress', problem: summary, runs: [block(final)], matrices: runMatrices(problem) };
  return {
    events: [
      started('solve', runId, 'big.regress', { problem: summary, blocks: [spec] }) as RunEvent<'solve'>,
      finished('solve', runId, result) as RunEvent<'solve'>,
    ],
    final,
  };
}
const PLANTED_ROW = 250;

describe('matrices in the results panel (Chromium)', () => {
  const browser = chromiumForTests(SHOTS);

  test('hovering a cell shows its row, column and full value; the difference’s scale is centred on 0', async () => {
    const p = await openPanel(browser());
    const page = p.page;
    await smallRun(p, 'm1');
    // The final point of the block is shown first.
    assert.equal(await page.getAttribute('details.matrices', 'data-point'), '0');
    assert.deepEqual(
      await page.$$eval('.matrix-slot figure.heatmap', (fs) =>
        fs.map((f) => [(f as HTMLElement).dataset.mode, (f as HTMLElement).dataset.rows, (f as HTMLElement).dataset.cols]),
      ),
      [
        ['full', '4', '4'],
        ['full', '4', '4'],
        ['full', '4', '4'],
        ['full', '2', '2'],
      ],
    );
    for (const [i, j] of [
      [0, 1],
      [2, 0],
      [1, 3],
    ]) {
      const at = await cellCentre(page, 'difference', i, j);
      await page.mouse.move(at.x, at.y);
      assert.equal(
        await page.textContent(`${heatmap('difference')} .heatmap-tip`),
        `row ${i + 1}, column ${j + 1}: ${String(DIFF[i * 4 + j])}`,
      );
      assert.equal(await page.isVisible(`${heatmap('difference')} .heatmap-tip`), true);
    }
    // Diverging: ±max |·| = ±2 are the ends, 0 the neutral, symmetric whatever the smallest entry.
    assert.equal(await page.getAttribute(heatmap('difference'), 'data-lo'), '-2');
    assert.equal(await page.getAttribute(heatmap('difference'), 'data-hi'), '2');
    assert.deepEqual(await cellColor(page, 'difference', 0, 1), BLUE_END, '−2 is the blue end');
    assert.deepEqual(await cellColor(page, 'difference', 1, 0), RED_END, '2 is the red end');
    assert.deepEqual(await cellColor(page, 'difference', 0, 3), NEUTRAL, '0 is the neutral');
    assert.deepEqual(await cellColor(page, 'difference', 2, 3), NEUTRAL, '0 is the neutral');
    // X is signed too, from −3 to 1.5: its scale spans ±3, symmetric about 0.
    assert.deepEqual([await page.getAttribute(heatmap('X'), 'data-lo'), await page.getAttribute(heatmap('X'), 'data-hi')], ['-3', '3']);
    assert.deepEqual(await cellColor(page, 'X', 1, 1), BLUE_END);
    // The target and the prediction share one sequential scale over both.
    assert.equal(await page.getAttribute(heatmap('target'), 'data-scale'), 'sequential');
    assert.deepEqual(
      [await page.getAttribute(heatmap('target'), 'data-lo'), await page.getAttribute(heatmap('prediction'), 'data-hi')],
      ['0', '0.8'],
    );
    // The worst rows are the server's, 1-based.
    assert.deepEqual(await page.$$eval('table.worst-rows tr[data-row]', (rows) => rows.map((r) => (r as HTMLElement).dataset.row)), [
      '1',
      '2',
      '3',
    ]);
    await page.screenshot({ path: join(SHOTS, 'matrices-small.png'), fullPage: true });

    // The initial point: X = 0, uniform prediction.
    await page.selectOption('select.matrix-point', 'initial');
    assert.equal(await page.getAttribute('details.matrices', 'data-point'), 'initial');
    assert.match((await page.textContent(`${heatmap('prediction')} figcaption`)) ?? '', /at the initial point$/);
    assert.deepEqual(await cellColor(page, 'X', 0, 0), NEUTRAL, 'X = 0 is all neutral');
    assert.deepEqual(await p.cspViolations(), []);
    await page.close();
  });

  test('the arrow keys move a cursor cell and announce its value', async () => {
    const p = await openPanel(browser());
    const page = p.page;
    await smallRun(p, 'm2');
    const canvas = `${heatmap('difference')} canvas`;
    await page.focus(canvas);
    const readout = await page.$eval(canvas, (c) => document.getElementById(c.getAttribute('aria-describedby')!)!.textContent);
    assert.equal(readout, '');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.getAttribute(heatmap('difference'), 'data-cursor'), '1 1', 'the first key shows the cursor at the start');
    for (const key of ['ArrowRight', 'ArrowRight', 'ArrowDown', 'ArrowRight', 'ArrowRight', 'ArrowDown', 'ArrowDown'])
      await page.keyboard.press(key);
    for (const key of ['ArrowDown', 'ArrowDown', 'ArrowRight']) await page.keyboard.press(key);
    // Clamped at the last column and the last row.
    assert.equal(await page.getAttribute(heatmap('difference'), 'data-cursor'), '4 4');
    assert.equal(await page.textContent(`${heatmap('difference')} .heatmap-readout`), `row 4, column 4: ${String(DIFF[15])}`);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await page.textContent(`${heatmap('difference')} .heatmap-readout`), `row 3, column 3: ${String(DIFF[10])}`);
    await page.keyboard.press('Home');
    await page.keyboard.press('PageUp');
    assert.equal(await page.textContent(`${heatmap('difference')} .heatmap-readout`), `row 1, column 1: ${String(DIFF[0])}`);
    assert.equal(await page.getAttribute(`${heatmap('difference')} .heatmap-readout`, 'aria-live'), 'polite');
    await useDarkTheme(page);
    // A theme change redraws, the cursor kept.
    assert.equal(await page.getAttribute(heatmap('difference'), 'data-cursor'), '1 1');
    await page.screenshot({ path: join(SHOTS, 'matrices-keyboard-dark.png'), fullPage: true });
    await page.close();
  });

  test('a large problem reads as pooled tiles, its statistics and the rows the fit misses', async () => {
    const { events, final } = bigRun('m3');
    const p = await openPanel(browser());
    const page = p.page;
    for (const e of events) await p.send(e);
    await page.click('details.matrices > summary');
    await page.waitForSelector(heatmap('difference'));
    assert.equal(await page.getAttribute(heatmap('difference'), 'data-mode'), 'pooled');
    assert.deepEqual(
      [await page.getAttribute(heatmap('difference'), 'data-rows'), await page.getAttribute(heatmap('difference'), 'data-cols')],
      ['60', '60'],
    );
    assert.match(
      (await page.textContent(`${heatmap('difference')} .note`)) ?? '',
      /^Pooled max \|·\| over 5×5 tiles: each cell is its tile’s entry of largest \|·\|, with its sign\.$/,
    );
    assert.match((await page.textContent(`${heatmap('difference')} .heatmap-stats`)) ?? '', /^300×300 · min /);
    // The planted row is the only one missed: rows matched exactly are not listed.
    assert.deepEqual(await page.$$eval('table.worst-rows tr[data-row]', (rs) => rs.map((r) => (r as HTMLElement).dataset.row)), [
      String(PLANTED_ROW + 1),
    ]);
    // Its tile (rows 251–255, columns 6–10) holds the entry of largest |·|, with its sign.
    const at = await cellCentre(page, 'difference', 50, 1);
    await page.mouse.move(at.x, at.y);
    const tile = final.difference.pooled!.extreme[50 * 60 + 1];
    assert.ok(tile < -0.39, `the planted entry, negative: ${tile}`);
    assert.equal(
      await page.textContent(`${heatmap('difference')} .heatmap-tip`),
      `rows 251–255, columns 6–10: largest |·| ${String(tile)}`,
    );
    assert.deepEqual(await cellColor(page, 'difference', 50, 1), BLUE_END, 'the largest |·| of the matrix is the blue end');
    await page.screenshot({ path: join(SHOTS, 'matrices-pooled.png'), fullPage: true });
    await page.close();
  });

  test('the card exports each heatmap of the point shown: PNG with its colour bar, CSV and JSON in full', async () => {
    const p = await openPanel(browser());
    const page = p.page;
    await smallRun(p, 'm4');
    await page.click('section.run[data-run-id="m4"] button.export');
    const items = await page.$$eval('section.run[data-run-id="m4"] [role=menuitem]', (es) =>
      es.map((e) => `${(e as HTMLElement).dataset.part} ${(e as HTMLElement).dataset.format}`),
    );
    for (const part of ['B (target)', 'prediction', 'prediction − B', 'X'])
      for (const format of ['png', 'csv', 'json'])
        assert.ok(items.includes(`${part} ${format}`), `${part} as ${format} in ${items.join(', ')}`);
    await page.keyboard.press('Escape');

    // As the host asks for a part (VS Code's context menu): the answer carries the file.
    const file = async (requestId: number, part: string, format: 'png' | 'csv' | 'json') => {
      await p.send({ event: 'export', requestId, runId: 'm4', part, format });
      const answer = await page.waitForFunction((id) => window.__posted.find((m) => m.type === 'export' && m.requestId === id), requestId);
      return ((await answer.jsonValue()) as { content: string }).content;
    };
    assert.equal(
      await file(1, 'prediction − B', 'csv'),
      ['row,1,2,3,4', ...[0, 1, 2, 3].map((i) => [i + 1, ...DIFF.slice(4 * i, 4 * i + 4)].map(String).join(','))].join('\n') + '\n',
    );
    const json = JSON.parse(await file(2, 'X', 'json')) as MatrixData;
    assert.deepEqual(json.values, small.final.X.values);
    const png = await file(3, 'prediction − B', 'png');
    assert.match(png, /^data:image\/png;base64,/);
    // The image holds the heatmap and its colour bar, at twice the CSS size at least.
    const size = await page.evaluate(async (url) => {
      const image = new Image();
      image.src = url;
      await image.decode();
      return [image.naturalWidth, image.naturalHeight];
    }, png);
    const css = await page.$eval(`${heatmap('difference')} canvas`, (c) => [
      c.getBoundingClientRect().width,
      c.getBoundingClientRect().height,
    ]);
    assert.ok(size[0] >= 2 * css[0] && size[1] > 2 * css[1], `${size} against ${css}`);
    // After picking the initial point, the same parts export its matrices.
    await page.selectOption('select.matrix-point', 'initial');
    assert.deepEqual((JSON.parse(await file(4, 'X', 'json')) as MatrixData).values, [0, 0, 0, 0]);
    await page.close();
  });

  test('a run restored from a history that dropped its entries and tiles shows the statistics and worst rows', async () => {
    const { events, final } = bigRun('m5');
    const thinned = thinSolve(events, { ...HISTORY_LIMITS.caps, matrixSide: 32 });
    const p = await openPanel(browser());
    const page = p.page;
    for (const e of thinned) await p.send(e);
    await page.click('details.matrices > summary');
    assert.equal(await page.getAttribute(heatmap('difference'), 'data-mode'), 'stats');
    assert.equal(await page.$(`${heatmap('difference')} canvas`), null);
    assert.match((await page.textContent(`${heatmap('difference')} .note`)) ?? '', /^300×300: its entries were not kept/);
    assert.match((await page.textContent(`${heatmap('difference')} .heatmap-stats`)) ?? '', /^300×300 · min -0\.4 · max 0 · mean /);
    assert.deepEqual(await page.$$eval('table.worst-rows tr[data-row]', (rs) => rs.map((r) => (r as HTMLElement).dataset.row)), [
      String(PLANTED_ROW + 1),
    ]);
    // X (2×2) keeps its entries.
    assert.equal(await page.getAttribute(heatmap('X'), 'data-mode'), 'full');
    await page.click('section.run[data-run-id="m5"] button.export');
    const formats = await page.$$eval('section.run[data-run-id="m5"] [role=menuitem][data-part="prediction − B"]', (es) =>
      es.map((e) => (e as HTMLElement).dataset.format),
    );
    assert.deepEqual(formats, ['csv', 'json']);
    await page.keyboard.press('Escape');
    const csv = await (async () => {
      await p.send({ event: 'export', requestId: 9, runId: 'm5', part: 'prediction − B', format: 'csv' });
      const answer = await page.waitForFunction(() => window.__posted.find((m) => m.type === 'export' && m.requestId === 9));
      return ((await answer.jsonValue()) as { content: string }).content;
    })();
    const s = final.difference.stats;
    assert.equal(csv, `statistic,value\nmin,${s.min}\nmax,${s.max}\nmean,${s.mean}\nfro,${s.fro}\n`);
    await page.close();
  });
});
