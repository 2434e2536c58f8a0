/**
 * Exports from the results panel (headless Chromium): what a card's parts render when the host asks (ToPanel
 * `export`, as the context menu's command does) and what the Export menu sends. The trajectory's CSV and JSON hold
 * exactly the events' numbers (parsed back and compared with ===), the summary, experiment and sweep tables their
 * numbers; the SVG parses as XML and carries the theme's concrete series colours (read from the chart's own legend),
 * never var(…); the PNG is a PNG at twice the chart's size. The menu works from the keyboard; the standalone report
 * downloads instead of posting.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { IclCheckpoint, IclRepeatStart, IclSummaryPoint, MeanStd } from '../../protocol/experiment';
import type { BlockResult, BlockSpec, IterationPoint } from '../../protocol/results';
import type { RunEvent } from '../../protocol/runs';
import type { ExportFormat, FromPanel } from '../../protocol/webview';
import type { Page } from 'playwright-core';
import { REPORT_ELEMENT_ID, type ReportPayload } from '../../protocol/webview';
import { ARTIFACTS, DIST, EXAMPLES } from '../paths';
import { chromiumForTests } from './browser';
import { finished, iclSettings, progress, started, uriOf } from './events';
import { openPanel, openReport, useDarkTheme, type PanelPage } from './panel-page';

const SHOTS = join(ARTIFACTS, 'webview');
const FILE = 'export.regress';
const problem = { kind: 'attention', variant: 'normalized', n: 8, d: 4, reg: 0 } as const;
const specs: BlockSpec[] = [
  { index: 0, method: 'gd', options: { lr: 5, steps: 120 }, line: 10, label: 'gd lr=5' },
  { index: 1, method: 'armijo', options: { steps: 120 }, line: 11, label: 'armijo' },
];

/** Values with every digit significant (no short decimal would round-trip them), down to subnormal-adjacent sizes. */
function trajectory(block: number, n = 121): IterationPoint[] {
  return Array.from({ length: n }, (_, k) => {
    const loss = block === 0 ? Math.PI * Math.exp(-k / 7) : 1 / (3 + k * k * Math.E);
    return {
      k,
      loss,
      gradNorm: Math.sqrt(2 * loss) / 3,
      stepNorm: k === 0 ? 0 : loss / 7,
      ...(block === 1 && k > 0 ? { stepSize: 1 / (k + 2) } : {}),
    };
  });
}

function blockResult(s: BlockSpec, points: IterationPoint[]): BlockResult {
  const last = points[points.length - 1];
  return {
    index: s.index,
    method: s.method,
    options: s.options,
    label: s.label,
    iterations: points,
    final: { loss: last.loss, stopReason: 'steps', iterations: last.k, elapsedMs: 2.5 },
  };
}

const solveStart = (runId: string): RunEvent => started('solve', runId, FILE, { problem, blocks: specs });
const solvePoints = (runId: string, block: number, pts: IterationPoint[]): RunEvent =>
  progress('solve', runId, { block, points: pts.map(({ stepSize: _, ...p }) => p), maxSteps: 120 });
const solveDone = (runId: string): RunEvent =>
  finished('solve', runId, { runId, source: uriOf(FILE), problem, runs: specs.map((s) => blockResult(s, trajectory(s.index))) });

let requests = 0;

/** Asks the page for a part, as the host does, and waits for its answer. */
async function exportOf(p: PanelPage, runId: string, part: string, format: ExportFormat): Promise<string> {
  const requestId = ++requests;
  await p.page.evaluate((m) => window.postMessage(m, '*'), { event: 'export', requestId, runId, part, format });
  const answer = await p.page.waitForFunction(
    (id) => window.__posted.find((m) => (m.type === 'export' || m.type === 'exportFailed') && m.requestId === id),
    requestId,
  );
  const m = (await answer.jsonValue()) as FromPanel;
  if (m.type === 'exportFailed') throw new Error(m.message);
  assert.ok(m.type === 'export');
  assert.equal(m.runId, runId);
  assert.equal(m.part, part);
  assert.equal(m.format, format);
  assert.equal(m.runTitle, FILE);
  return m.content;
}

/** RFC 4180: fields quoted when they hold a comma, a quote ("" inside) or a line break; CRLF line ends. */
function parseCsv(text: string): Record<string, string>[] {
  assert.ok(text.endsWith('\r\n'), 'CSV lines end with CRLF');
  const lines: string[][] = [[]];
  let field = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' && field === '') {
      const close = text.indexOf('"', i + 1);
      let end = close;
      while (text[end + 1] === '"') end = text.indexOf('"', end + 2);
      field = text.slice(i + 1, end).replace(/""/g, '"');
      i = end;
    } else if (c === ',') {
      lines[lines.length - 1].push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      lines[lines.length - 1].push(field);
      field = '';
      lines.push([]);
      i++;
    } else field += c;
  }
  const [columns, ...rows] = lines.slice(0, -1);
  return rows.map((cells) => {
    assert.equal(cells.length, columns.length, cells.join(','));
    return Object.fromEntries(columns.map((c, i) => [c, cells[i]]));
  });
}

/** The exact number a CSV cell holds: String(v) round-trips, so === with the event's number. */
const num = (cell: string | undefined) => (cell === undefined || cell === '' ? undefined : Number(cell));

/** What the page's XML parser says of an SVG: its root's name and width, or the parse error. */
function inspectSvg(p: PanelPage, svg: string) {
  return parseSvg(p.page, svg);
}

function parseSvg(page: Page, svg: string) {
  return page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const error = doc.querySelector('parsererror')?.textContent;
    return { error, root: doc.documentElement.localName, width: Number(doc.documentElement.getAttribute('width')) };
  }, svg);
}

/** The series colours the chart's legend shows (uPlot's markers), as #rrggbb. */
function legendColors(p: PanelPage, chart: string): Promise<string[]> {
  return p.page.$$eval(`${chart} .u-legend .u-series:not(:first-child) .u-marker`, (markers) =>
    markers.map((m) => {
      const [r, g, b] = (getComputedStyle(m).borderLeftColor.match(/\d+/g) ?? []).map(Number);
      return `#${[r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
    }),
  );
}

/** A path's vertex count: its M and L commands. */
const vertices = (d: string) => (d.match(/[ML]/g) ?? []).length;

function pngInfo(dataUrl: string) {
  assert.match(dataUrl, /^data:image\/png;base64,/);
  const bytes = Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
  return { magic: bytes.subarray(0, 8).toString('hex'), width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), size: bytes.length };
}

const ms = (mean: number, std: number): MeanStd => ({ mean, std });

function summaryRow(step: number, count: number, x: number): IclSummaryPoint {
  return {
    step,
    count,
    tfLoss: ms(x / 3, x / 7),
    gdLoss: ms(x / 11, x / 13),
    predsDiff: ms(x / 17, 0),
    modelDiff: ms(x / 19, 0),
    modelCos: ms(1 - x / 23, x / 29),
    zeroLoss: ms(x / 31, 0),
    eta: ms(120 + x, 0),
    linGdLoss: ms(x / 37, x / 41),
    zeroPredsDiff: ms(x / 43, 0),
    zeroModelDiff: ms(x / 47, 0),
    tfRatio: ms(x / 53, x / 59),
    gdRatio: ms(x / 61, x / 67),
    linGdRatio: ms(x / 71, x / 73),
  };
}

function repeatStart(repeat: number): IclRepeatStart {
  return {
    repeat,
    seed: repeat + 1,
    eta: 100 / 3,
    etaAtEdge: false,
    gdLoss: 0.1 / 7,
    zeroLoss: 0.1 / 3,
    linEta: 10 / 9,
    linGdLoss: 0.1 / 11,
    gdRatio: 3 / 7,
    linGdRatio: 3 / 11,
    zeroPredsDiff: 0.1 / 13,
    zeroModelDiff: 0.1 / 17,
  };
}

const checkpoint = (repeat: number, step: number): IclCheckpoint => ({
  step,
  tfLoss: 1 / (3 + step + repeat),
  tfRatio: 1 / (2 + step / 7 + repeat),
  predsDiff: Math.SQRT1_2 / (1 + step),
  modelDiff: Math.LN2 / (1 + step),
  modelCos: 1 - 1 / (3 + step),
});

const card = (runId: string) => `section.run[data-run-id="${runId}"]`;

describe('exports from the results panel (Chromium)', () => {
  const browser = chromiumForTests(SHOTS);

  test('the trajectory as CSV and JSON: exactly the streamed numbers, then the result’s with the step size', async () => {
    const p = await openPanel(browser());
    await p.send(solveStart('s1'));
    const streamed = [trajectory(0, 60), trajectory(1, 40)];
    await p.send(solvePoints('s1', 0, streamed[0]));
    await p.send(solvePoints('s1', 1, streamed[1]));
    await p.page.waitForSelector(`${card('s1')} .chart[data-points="100"]`);

    // While running: the points streamed so far, every block, no step size (progress events carry none).
    const rows = parseCsv(await exportOf(p, 's1', 'trajectory', 'csv'));
    assert.deepEqual(Object.keys(rows[0]), ['index', 'label', 'k', 'loss', 'gradNorm', 'stepNorm']);
    assert.equal(rows.length, 100);
    streamed.flat().forEach((want, i) => {
      const got = rows[i];
      assert.equal(num(got.index), i < 60 ? 0 : 1);
      assert.equal(num(got.k), want.k);
      assert.equal(num(got.loss), want.loss, `loss at row ${i}`);
      assert.equal(num(got.gradNorm), want.gradNorm);
      assert.equal(num(got.stepNorm), want.stepNorm);
    });

    // Finished: the result's iterations, with the step size where the method has one.
    await p.send(solveDone('s1'));
    await p.page.waitForSelector(`${card('s1')}[data-status="finished"]`);
    const done = parseCsv(await exportOf(p, 's1', 'trajectory', 'csv'));
    const all = [trajectory(0), trajectory(1)];
    assert.equal(done.length, 242);
    assert.deepEqual(Object.keys(done[0]), ['index', 'label', 'k', 'loss', 'gradNorm', 'stepNorm', 'stepSize']);
    all.flat().forEach((want, i) => {
      const got = done[i];
      for (const key of ['k', 'loss', 'gradNorm', 'stepNorm', 'stepSize'] as const)
        assert.equal(num(got[key]), want[key], `${key} at row ${i}`);
    });
    assert.equal(done[121].label, 'armijo');

    const json = JSON.parse(await exportOf(p, 's1', 'trajectory', 'json')) as {
      index: number;
      label: string;
      iterations: IterationPoint[];
    }[];
    assert.deepEqual(
      json.map((b) => [b.index, b.label]),
      [
        [0, 'gd lr=5'],
        [1, 'armijo'],
      ],
    );
    assert.deepEqual(
      json.map((b) => b.iterations),
      all,
    );

    // The summary table: the numbers, not the display strings.
    const summary = parseCsv(await exportOf(p, 's1', 'summary', 'csv'));
    assert.deepEqual(
      summary.map((r) => [
        num(r.index),
        r.stopReason,
        num(r.k),
        num(r.initialLoss),
        num(r.finalLoss),
        num(r.finalGradNorm),
        num(r.elapsedMs),
      ]),
      all.map((t, i) => [i, 'steps', 120, t[0].loss, t[120].loss, t[120].gradNorm, 2.5]),
    );
    await assert.rejects(exportOf(p, 's1', 'no such part', 'csv'), /no part “no such part”/);
    await assert.rejects(exportOf(p, 's1', 'summary', 'png'), /does not export as png/);
    await p.page.close();
  });

  for (const theme of ['light', 'dark'] as const) {
    test(`the trajectory chart as SVG and PNG in the ${theme} theme: concrete theme colours, every point`, async () => {
      const p = await openPanel(browser());
      if (theme === 'dark') await useDarkTheme(p.page);
      await p.send(solveStart('c1'));
      await p.send(solveDone('c1'));
      const chart = `${card('c1')} .chart[data-metric="loss"]`;
      await p.page.waitForSelector(`${chart}[data-points="242"]`);
      const colors = await legendColors(p, chart);
      assert.equal(colors.length, 2);

      const svg = await exportOf(p, 'c1', 'loss chart', 'svg');
      const info = await inspectSvg(p, svg);
      assert.equal(info.error, undefined, 'the SVG parses as XML');
      assert.equal(info.root, 'svg');
      assert.doesNotMatch(svg, /var\(|color-mix|currentColor/, 'no colour the file cannot resolve');
      const paths = [...svg.matchAll(/<path d="([^"]+)" fill="none" stroke="(#[0-9a-f]{6})"/g)].map((m) => ({ d: m[1], stroke: m[2] }));
      assert.deepEqual(
        paths.map((x) => x.stroke),
        colors,
        'one line per block, in the legend’s colours',
      );
      assert.deepEqual(
        paths.map((x) => vertices(x.d)),
        [121, 121],
        'every point of each block',
      );
      assert.match(svg, /<text[^>]*>#1 gd lr=5<\/text>/, 'the legend names the blocks');
      assert.match(svg, /<text[^>]*>iteration k<\/text>/, 'the x axis is labelled');
      assert.match(svg, />1e−\d+<\/text>/, 'the log axis has its decade labels');
      const background = await p.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const [r, g, b] = (background.match(/\d+/g) ?? []).map(Number);
      assert.ok(
        svg.includes(`fill="#${[r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('')}"`),
        `the page’s background ${background}`,
      );

      writeFileSync(join(SHOTS, `export-${theme}.svg`), svg);
      const pngUrl = await exportOf(p, 'c1', 'loss chart', 'png');
      writeFileSync(join(SHOTS, `export-${theme}.png`), Buffer.from(pngUrl.slice(pngUrl.indexOf(',') + 1), 'base64'));
      const png = pngInfo(pngUrl);
      assert.equal(png.magic, '89504e470d0a1a0a', 'PNG signature');
      assert.equal(png.width, 2 * info.width, 'drawn at twice the CSS size at least');
      assert.ok(png.size > 10_000, `a drawn chart, not an empty image (${png.size} bytes)`);
      await p.page.close();
    });
  }

  test('the Export menu from the keyboard: opens on its first item, moves, closes back, sends the chosen part', async () => {
    const p = await openPanel(browser());
    await p.send(solveStart('k1'));
    await p.send(solveDone('k1'));
    await p.page.waitForSelector(`${card('k1')}[data-status="finished"]`);
    const button = `${card('k1')} button.export`;
    const focused = () =>
      p.page.evaluate(() => ({ text: document.activeElement?.textContent, role: document.activeElement?.getAttribute('role') }));
    await p.page.focus(button);
    await p.page.keyboard.press('Enter');
    assert.equal(await p.page.getAttribute(button, 'aria-expanded'), 'true');
    assert.deepEqual(await focused(), { text: 'trajectory — CSV', role: 'menuitem' });
    const items = await p.page.$$eval(`${card('k1')} [role=menuitem]`, (e) => e.map((x) => x.textContent ?? ''));
    // The trajectory's numbers, then one entry per chart shown (the metrics the panel shows by default), the summary.
    const charts = await p.page.$$eval(`${card('k1')} .chart[data-metric]`, (e) => e.map((x) => (x as HTMLElement).dataset.metric));
    assert.ok(charts.includes('loss'), `charts shown: ${charts.join(' ')}`);
    assert.deepEqual(items, [
      'trajectory — CSV',
      'trajectory — JSON',
      ...charts.flatMap((m) => [`${m} chart — PNG image`, `${m} chart — SVG image`]),
      'summary — CSV',
      'summary — JSON',
    ]);
    await p.page.keyboard.press('ArrowDown');
    assert.equal((await focused()).text, 'trajectory — JSON');
    await p.page.keyboard.press('End');
    assert.equal((await focused()).text, 'summary — JSON');
    await p.page.keyboard.press('ArrowDown');
    assert.equal((await focused()).text, 'trajectory — CSV', 'wraps around');
    await p.page.keyboard.press('Escape');
    assert.equal(await p.page.getAttribute(button, 'aria-expanded'), 'false');
    assert.equal(await p.page.isVisible(`${card('k1')} [role=menu]`), false);
    assert.equal((await focused()).text, 'Export…', 'focus back on the button');
    await p.page.keyboard.press('ArrowUp');
    assert.equal((await focused()).text, 'summary — JSON', '↑ opens on the last item');
    await p.page.keyboard.press('Home');
    assert.equal((await focused()).text, 'trajectory — CSV');
    await p.page.keyboard.press('Enter');
    const sent = await p.page.waitForFunction(() => window.__posted.find((m) => m.type === 'export'));
    const m = (await sent.jsonValue()) as Extract<FromPanel, { type: 'export' }>;
    assert.deepEqual(
      { ...m, content: undefined },
      { type: 'export', runId: 'k1', runTitle: FILE, part: 'trajectory', format: 'csv', content: undefined },
    );
    assert.equal(parseCsv(m.content).length, 242);
    assert.equal(await p.page.isVisible(`${card('k1')} [role=menu]`), false, 'picking closes the menu');

    // The chart carries its context for VS Code's context menu.
    const context = JSON.parse((await p.page.getAttribute(`${card('k1')} .chart[data-metric="loss"]`, 'data-vscode-context'))!) as Record<
      string,
      unknown
    >;
    assert.deepEqual(context, {
      webviewSection: 'chart',
      runId: 'k1',
      runTitle: FILE,
      part: 'loss chart',
      formats: 'png svg',
      preventDefaultContextMenuItems: true,
    });
    await p.page.screenshot({ path: join(SHOTS, 'export-menu.png') });
    await p.page.close();
  });

  test('the standalone report downloads what its menu exports', async () => {
    const page = await openReport(browser(), [solveStart('r1'), solveDone('r1')]);
    await page.waitForSelector(`${card('r1')}[data-status="finished"]`);
    await page.click(`${card('r1')} button.export`);
    const download = page.waitForEvent('download');
    await page.click(`${card('r1')} [role=menuitem][data-part="summary"][data-format="json"]`);
    const file = await download;
    assert.equal(file.suggestedFilename(), 'export-summary.json');
    const rows = JSON.parse(readFileSync((await file.path())!, 'utf8')) as { finalLoss: number }[];
    assert.deepEqual(
      rows.map((r) => r.finalLoss),
      [trajectory(0)[120].loss, trajectory(1)[120].loss],
    );
    await page.close();
  });

  test('a report of the CLI’s bound checks: the bounds chart and each bound table download with the run’s numbers', async () => {
    const file = join(SHOTS, 'export-bounds-report.html');
    execFileSync(process.execPath, [join(DIST, 'cli.js'), 'report', join(EXAMPLES, 'bounds-softmax.regress'), '-o', file], {
      encoding: 'utf8',
    });
    const html = readFileSync(file, 'utf8');
    const payload = JSON.parse(
      html.match(new RegExp(`<script type="application/json" id="${REPORT_ELEMENT_ID}"[^>]*>([\\s\\S]*?)</script>`))![1],
    ) as ReportPayload;
    const done = payload.messages.find((m) => m.event === 'finished');
    assert.ok(done?.event === 'finished' && done.kind === 'solve');
    const bounds = done.result.runs[0].bounds!;
    const page = await openReport(browser(), payload.messages);
    const run = `section.run[data-run-id="${done.runId}"]`;
    await page.waitForSelector(`${run}[data-status="finished"] .bounds-chart`);
    const downloaded = async (part: string, format: ExportFormat) => {
      await page.click(`${run} button.export`);
      const download = page.waitForEvent('download');
      await page.click(`${run} [role=menuitem][data-part="${part}"][data-format="${format}"]`);
      return readFileSync((await (await download).path())!, 'utf8');
    };
    const rows = parseCsv(await downloaded('bounds #1', 'csv'));
    assert.deepEqual(
      rows.map((r) => [r.name, r.kind, r.label, num(r.observedAtWorst), num(r.tightness), num(r.worstK), num(r.stepsChecked)]),
      bounds.summary.map((b) => [b.name, b.kind, b.label, b.observedAtWorst, b.tightness, b.worstK, b.stepsChecked]),
      'labels with commas come back whole',
    );
    const svg = await downloaded('bounds chart', 'svg');
    assert.equal((await parseSvg(page, svg)).error, undefined);
    assert.doesNotMatch(svg, /var\(|color-mix/);
    assert.match(svg, /<title>Bounds on ‖b̃ − b‖, block #1<\/title>/);
    await page.close();
  });

  test('an experiment’s tables and charts: every checkpoint of every repeat, the server’s mean ± std rows', async () => {
    const p = await openPanel(browser());
    const settings = iclSettings({ repeats: 2, steps: 100, every: 50 });
    const rowsAt = (count: number) => [0, 50, 100].map((s) => summaryRow(s, count, 1 + s / 9 + count));
    await p.send(started('experiment', 'e1', FILE, { settings }));
    for (const repeat of [0, 1])
      await p.send(
        progress('experiment', 'e1', {
          repeat,
          start: repeatStart(repeat),
          checkpoints: [0, 50, 100].map((s) => checkpoint(repeat, s)),
          summary: rowsAt(repeat + 1),
        }),
      );
    await p.page.waitForSelector(`${card('e1')}[data-points="6"]`);
    const repeats = parseCsv(await exportOf(p, 'e1', 'repeats', 'csv'));
    assert.equal(repeats.length, 6);
    repeats.forEach((r, i) => {
      const want = checkpoint(i < 3 ? 0 : 1, [0, 50, 100][i % 3]);
      assert.equal(num(r.repeat), i < 3 ? 0 : 1);
      assert.equal(num(r.eta), 100 / 3);
      for (const key of ['step', 'tfLoss', 'tfRatio', 'predsDiff', 'modelDiff', 'modelCos'] as const)
        assert.equal(num(r[key]), want[key], `${key} row ${i}`);
    });
    const summary = parseCsv(await exportOf(p, 'e1', 'mean ± std', 'csv'));
    assert.deepEqual(
      summary.map((r) => [num(r.step), num(r.count), num(r['tfLoss.mean']), num(r['tfLoss.std']), num(r['modelCos.std'])]),
      rowsAt(2).map((r) => [r.step, 2, r.tfLoss.mean, r.tfLoss.std, r.modelCos.std]),
    );
    const svg = await exportOf(p, 'e1', 'loss', 'svg');
    assert.equal((await inspectSvg(p, svg)).error, undefined);
    assert.doesNotMatch(svg, /var\(|color-mix/);
    assert.match(svg, /<polygon /, 'the ± std band is drawn');
    await p.page.close();
  });

  test('a sweep: its points table and its figure’s error bars', async () => {
    const p = await openPanel(browser());
    const values = [5, 10, 20];
    const settings = values.map((d) => iclSettings({ d, repeats: 1, steps: 100, every: 100 }));
    await p.send(started('sweep', 'w1', FILE, { sweep: { setting: 'd', values }, points: settings }));
    for (const [point] of values.entries())
      await p.send(
        progress('sweep', 'w1', {
          point,
          repeat: 0,
          start: repeatStart(0),
          checkpoints: [checkpoint(0, 0), checkpoint(0, 100)],
          summary: [summaryRow(0, 1, point + 0.5), summaryRow(100, 1, point + 1.5)],
        }),
      );
    const chart = `${card('w1')} .sweep-chart`;
    await p.page.waitForSelector(`${chart}[data-points="3"]`);
    const rows = parseCsv(await exportOf(p, 'w1', 'points', 'csv'));
    assert.deepEqual(
      rows.map((r) => [num(r.d), num(r.step), num(r['tfRatio.mean']), num(r['tfRatio.std']), num(r['modelCos.mean'])]),
      values.map((d, i) => {
        const row = summaryRow(100, 1, i + 1.5);
        return [d, 100, row.tfRatio.mean, row.tfRatio.std, row.modelCos.mean];
      }),
    );
    const svg = await exportOf(p, 'w1', 'ratio chart', 'svg');
    const png = await exportOf(p, 'w1', 'ratio chart', 'png');
    writeFileSync(join(SHOTS, 'export-sweep.png'), Buffer.from(png.slice(png.indexOf(',') + 1), 'base64'));
    assert.equal(pngInfo(png).magic, '89504e470d0a1a0a');
    assert.equal((await inspectSvg(p, svg)).error, undefined);
    const colors = await legendColors(p, chart);
    // Per series, one marker per value (circles, squares, diamonds) in the series' colour, filled or (running) hollow.
    assert.equal([...svg.matchAll(new RegExp(`<circle [^>]*"${colors[0]}"`, 'g'))].length, 3);
    assert.equal([...svg.matchAll(new RegExp(`<rect x[^>]*"${colors[1]}"`, 'g'))].length, 3);
    assert.equal([...svg.matchAll(new RegExp(`<polygon [^>]*"${colors[2]}"`, 'g'))].length, 3);
    await p.page.close();
  });
});
