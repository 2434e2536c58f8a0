/**
 * Comparing runs in the results panel (headless Chromium): a re-solve named by what changed, other runs of the file
 * overlaid on the charts with their settings side by side, a pinned baseline that survives a reload, the x axis as
 * k, log k or wall time, zoom and pan by wheel and drag shared by a card's charts with a reset, and the speed and time
 * left on a running card. Expected texts are written out here.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { BlockResult, BlockSpec, IterationPoint, SolveResult } from '../../protocol/results';
import type { RunEvent } from '../../protocol/runs';
import { ARTIFACTS } from '../paths';
import { chromiumForTests } from './browser';
import { failed, finished, iclSettings, progress, START, started, uriOf } from './events';
import { countColoredPixels, openPanel, type PanelPage } from './panel-page';

const SHOTS = join(ARTIFACTS, 'webview');
// The second series colour of webview/src/theme.ts (Okabe–Ito orange).
const ORANGE: [number, number, number] = [230, 159, 0];

const FILE = 'lab.regress';
const problem = { kind: 'attention', variant: 'normalized', n: 8, d: 4, reg: 0 } as const;
const gd = (lr: number): BlockSpec => ({ index: 0, method: 'gd', options: { lr, steps: 199 }, line: 12, label: `gd lr=${lr}` });
const newton: BlockSpec = { index: 1, method: 'newton', options: { steps: 199 }, line: 13, label: 'newton' };

/** k = 0…last, loss halving every 20 steps (scaled), 10 ms a step when timed. */
function points(last: number, scale: number, timed = true): IterationPoint[] {
  return Array.from({ length: last + 1 }, (_, k) => ({
    k,
    loss: scale * 0.5 * 2 ** (-k / 20),
    gradNorm: scale * 2 ** (-k / 40),
    stepNorm: k === 0 ? 0 : scale * 0.01,
    ...(timed ? { t: 10 * k } : {}),
  }));
}

function result(runId: string, blocks: [BlockSpec, IterationPoint[]][]): SolveResult {
  const runs = blocks.map(([s, pts]): BlockResult => ({
    index: s.index,
    method: s.method,
    options: s.options,
    label: s.label,
    iterations: pts,
    final: { loss: pts.at(-1)!.loss, X: [[0]], stopReason: 'steps', iterations: pts.length - 1, elapsedMs: 10 * pts.length },
  }));
  return { runId, source: uriOf(FILE), problem, runs };
}

/** A whole solve run of FILE, started `minute` minutes after START (so each run has its own time). */
function solveRun(
  runId: string,
  minute: number,
  blocks: [BlockSpec, IterationPoint[]][],
  extra: { fingerprint?: string; problem?: typeof problem } = {},
): RunEvent[] {
  const start = started('solve', runId, FILE, {
    problem: extra.problem ?? problem,
    blocks: blocks.map(([s]) => s),
    ...(extra.fingerprint ? { fingerprint: extra.fingerprint } : {}),
  });
  return [
    { ...start, startedAt: START + minute * 60_000 } as RunEvent,
    ...blocks.map(([s, pts]) => progress('solve', runId, { block: s.index, points: pts, maxSteps: 199, stop: { reason: 'steps' } })),
    finished('solve', runId, result(runId, blocks)),
  ];
}

const card = (runId: string) => `section.run[data-run-id="${runId}"]`;
const chart = (runId: string, metric = 'loss') => `${card(runId)} .chart[data-metric="${metric}"]`;
const timeOf = (p: PanelPage, minute: number) => p.page.evaluate((at) => new Date(at).toLocaleTimeString(), START + minute * 60_000);

async function sendAll(p: PanelPage, events: RunEvent[]) {
  for (const e of events) await p.send(e);
  await p.page.waitForSelector(`${card(events[0].runId)}[data-status="finished"]`);
}

async function openCompare(p: PanelPage, runId: string) {
  await p.page.click(`${card(runId)} details.compare > summary`);
  await p.page.waitForSelector(`${card(runId)} details.compare[open]`);
}

describe('comparing runs (Chromium)', () => {
  const browser = chromiumForTests(SHOTS);

  test('a re-solve is named by what changed; a run overlaid from "Compare" adds its lines and its settings', async () => {
    const p = await openPanel(browser(), { width: 1400 });
    await sendAll(p, solveRun('a', 0, [[gd(0.5), points(199, 1)]], { fingerprint: 'f1' }));
    await sendAll(p, solveRun('b', 1, [[gd(0.25), points(199, 2)]], { fingerprint: 'f1' }));
    await sendAll(p, solveRun('c', 2, [[gd(0.25), points(199, 3)]], { fingerprint: 'f2' }));
    await sendAll(p, solveRun('d', 3, [[gd(0.25), points(199, 3)]], { fingerprint: 'f2' }));
    assert.equal(await p.page.isVisible(`${card('a')} header .changes`), false, 'the first run of the file has nothing to compare');
    assert.equal(await p.page.textContent(`${card('b')} header .changes`), 'lr 0.5 → 0.25');
    assert.equal(await p.page.getAttribute(`${card('b')} header .changes`, 'title'), `Changed since the run of ${await timeOf(p, 0)}`);
    assert.equal(await p.page.textContent(`${card('c')} header .changes`), 'data changed');
    assert.equal(await p.page.textContent(`${card('d')} header .changes`), 'same settings');

    // Nothing overlaid until chosen.
    assert.equal(await p.page.getAttribute(chart('b'), 'data-overlays'), '0');
    assert.equal(await p.page.getAttribute(chart('b'), 'data-overlay-points'), '0');
    await openCompare(p, 'b');
    const choices = await p.page.$$eval(`${card('b')} input.compare-run`, (els) =>
      els.map((e) => `${(e as HTMLInputElement).value}: ${e.parentElement!.textContent}`),
    );
    assert.deepEqual(choices, [
      `a: ${await timeOf(p, 0)}`,
      `c: ${await timeOf(p, 2)} · data changed`,
      `d: ${await timeOf(p, 3)} · same settings`,
    ]);
    await p.page.check(`${card('b')} input.compare-run[value="a"]`);
    for (const metric of ['loss', 'gradNorm', 'stepNorm']) {
      await p.page.waitForSelector(`${chart('b', metric)}[data-overlays="1"][data-overlay-points="200"]`);
      assert.equal(await p.page.getAttribute(chart('b', metric), 'data-points'), '200', 'its own points are counted apart');
    }
    const legend = await p.page.$$eval(`${chart('b')} .u-legend .u-series th`, (ths) => ths.map((th) => th.textContent));
    assert.deepEqual(legend.slice(1), ['#1 gd lr=0.25', `${await timeOf(p, 0)}: #1 gd lr=0.5`]);
    assert.equal(await p.page.textContent(`${card('b')} details.compare > summary`), 'Compare (1 overlaid)');
    // A legend toggle hides the line on every chart of the card.
    await p.page.click(`${chart('b')} .u-legend .u-series:nth-child(3) th`);
    for (const metric of ['loss', 'gradNorm', 'stepNorm'])
      await p.page.waitForSelector(`${chart('b', metric)} .u-legend .u-series:nth-child(3).u-off th[aria-pressed="false"]`);
    await p.page.click(`${chart('b')} .u-legend .u-series:nth-child(3) th`);
    await p.page.waitForSelector(`${chart('b', 'stepNorm')} .u-legend .u-series:nth-child(3):not(.u-off)`);
    const rows = await p.page.$$eval(`${card('b')} table.settings-diff tbody tr`, (trs) =>
      trs.map((tr) => `${(tr as HTMLElement).dataset.changed} ${[...tr.children].map((c) => c.textContent).join('|')}`),
    );
    assert.deepEqual(rows, [
      'false kind|attention|attention|',
      'false variant|normalized|normalized|',
      'false n|8|8|',
      'false d|4|4|',
      'false reg|0|0|',
      'false data (fingerprint)|f1|f1|',
      'false #1 method|gd|gd|',
      'true #1 lr|0.25|0.5|≠',
      'false #1 steps|199|199|',
    ]);
    await p.page.locator(card('b')).screenshot({ path: join(SHOTS, 'compare-overlay.png') });

    // Unchecked: the overlay leaves the charts.
    await p.page.uncheck(`${card('b')} input.compare-run[value="a"]`);
    await p.page.waitForSelector(`${chart('b')}[data-overlays="0"][data-overlay-points="0"]`);
    assert.equal(await p.page.$(`${card('b')} table.settings-diff`), null);
    await p.page.close();
  });

  test('a pinned baseline is overlaid on every newer run of its file, also after a reload', async () => {
    const p = await openPanel(browser());
    const a = solveRun('a', 0, [[gd(0.5), points(199, 1)]]);
    const b = solveRun('b', 1, [[gd(0.25), points(199, 2)]]);
    await sendAll(p, a);
    await sendAll(p, b);
    await openCompare(p, 'a');
    assert.equal(await p.page.getAttribute(`${card('a')} button.pin`, 'aria-pressed'), 'false');
    await p.page.click(`${card('a')} button.pin`);
    assert.equal(await p.page.getAttribute(`${card('a')} button.pin`, 'aria-pressed'), 'true');
    await p.page.waitForSelector(`${chart('b')}[data-overlays="1"][data-overlay-points="200"]`);
    assert.equal(await p.page.getAttribute(chart('a'), 'data-overlays'), '0', 'a baseline is not drawn over itself');
    assert.deepEqual(await p.page.evaluate(() => window.__state), { pins: { [uriOf(FILE)]: 'a' } });
    // A newer run gets the baseline as it starts.
    await sendAll(p, solveRun('c', 2, [[gd(0.125), points(199, 3)]]));
    await p.page.waitForSelector(`${chart('c')}[data-overlays="1"]`);
    const state = await p.page.evaluate(() => window.__state);
    await p.page.close();

    // The page reloads (the same runs replayed from the history): the pin holds.
    const q = await openPanel(browser(), { state });
    await sendAll(q, a);
    await sendAll(q, b);
    await q.page.waitForSelector(`${chart('b')}[data-overlays="1"][data-overlay-points="200"]`);
    assert.equal(await q.page.getAttribute(chart('a'), 'data-overlays'), '0');
    await openCompare(q, 'a');
    assert.equal(await q.page.getAttribute(`${card('a')} button.pin`, 'aria-pressed'), 'true');
    // Unpinned: gone from the newer run, and from the saved state.
    await q.page.click(`${card('a')} button.pin`);
    await q.page.waitForSelector(`${chart('b')}[data-overlays="0"]`);
    assert.deepEqual(await q.page.evaluate(() => window.__state), {});
    await q.page.close();
  });

  test('the x axis: log k spreads a short run over the axis, wall time uses each point’s time, and is offered only with times', async () => {
    const p = await openPanel(browser());
    // GD runs 199 steps, Newton 20: on a linear axis Newton's line is squeezed into the left tenth.
    await sendAll(
      p,
      solveRun('x', 0, [
        [gd(0.5), points(199, 1)],
        [newton, points(20, 1)],
      ]),
    );
    const loss = chart('x');
    assert.equal(await p.page.getAttribute(loss, 'data-x-axis'), 'k');
    assert.equal(await p.page.getAttribute(loss, 'data-x-range'), '0 199');
    const linear = await countColoredPixels(p.page, loss, ORANGE);
    await p.page.check(`${card('x')} input[name="x-axis-x"][value="logk"]`);
    await p.page.waitForSelector(`${loss}[data-x-axis="logk"]`);
    assert.equal(await p.page.getAttribute(loss, 'data-x-range'), '0 199', 'k = 0 stays on the axis');
    const log = await countColoredPixels(p.page, loss, ORANGE);
    // asinh(20)/asinh(199) ≈ 0.62 of the width against 20/199 ≈ 0.10.
    assert.ok(log > 2.5 * linear, `Newton's line is longer on log k: ${log} against ${linear} orange pixels`);
    assert.equal(await p.page.getAttribute(chart('x', 'gradNorm'), 'data-x-axis'), 'logk', 'every chart of the card follows');
    await p.page.screenshot({ path: join(SHOTS, 'compare-log-k.png'), fullPage: true });

    await p.page.check(`${card('x')} input[name="x-axis-x"][value="time"]`);
    await p.page.waitForSelector(`${loss}[data-x-axis="time"]`);
    // 10 ms a step: GD's last point at 1.99 s.
    assert.equal(await p.page.getAttribute(loss, 'data-x-range'), '0 1.99');
    assert.equal(await p.page.getAttribute(loss, 'data-points'), String(200 + 21));
    assert.deepEqual(await p.page.evaluate(() => window.__state), { xAxis: 'time' });

    // Points saved before they carried a time: wall time is not offered, the card draws k.
    await sendAll(p, solveRun('old', 1, [[gd(0.5), points(50, 1, false)]]));
    assert.equal(await p.page.isDisabled(`${card('old')} input[value="time"]`), true);
    assert.match((await p.page.getAttribute(`${card('old')} label[for="old-x-time"]`, 'title')) ?? '', /carry no wall time/);
    assert.equal(await p.page.getAttribute(chart('old'), 'data-x-axis'), 'k');
    assert.equal(await p.page.isChecked(`${card('old')} input[value="k"]`), true);
    await p.page.close();
  });

  test('zooming a log y axis far out stops where its lower end would underflow to 0: the chart keeps drawing, no error', async () => {
    const p = await openPanel(browser(), { width: 1000 });
    // 1e2 down to 1e-30 (Newton at a planted solution): 32 decades, then zoomed out by Shift + wheel.
    const steep = points(199, 1).map((pt) => ({ ...pt, loss: 100 * 10 ** (-pt.k / 6.2) }));
    await sendAll(p, solveRun('u', 0, [[gd(0.5), steep]]));
    const loss = chart('u');
    const box = (await p.page.locator(`${loss} .u-over`).boundingBox())!;
    await p.page.mouse.click(box.x + box.width / 2, box.y + 5);
    const before = await p.page.getAttribute(loss, 'data-y-range');
    await p.page.keyboard.down('Shift');
    for (let i = 0; i < 20; i++) await p.page.mouse.wheel(0, 100);
    await p.page.keyboard.up('Shift');
    await p.page.waitForFunction(({ sel, y }) => document.querySelector(sel)!.getAttribute('data-y-range') !== y, { sel: loss, y: before });
    // Each notch that would put the lower end at 0 is refused: the range stays finite and above 0.
    const [lo, hi] = (await p.page.getAttribute(loss, 'data-y-range'))!.split(' ').map(Number);
    assert.ok(lo > 0 && Number.isFinite(hi) && hi > lo, `y range ${lo} ${hi}`);
    assert.ok(lo < 1e-250, `zoomed far out: ${lo}`);
    assert.deepEqual(
      (await p.posted()).filter((m) => m.type === 'log' && m.level === 'error'),
      [],
      'no error on the page',
    );
    await p.page.close();
  });

  test('the wheel zooms x about the cursor once the chart has focus, Shift y; drag zooms and Shift-drag pans; Reset zoom restores every chart', async () => {
    const p = await openPanel(browser(), { width: 1400 });
    await sendAll(p, solveRun('z', 0, [[gd(0.5), points(199, 1)]]));
    const loss = chart('z');
    const grad = chart('z', 'gradNorm');
    const range = async (sel: string) => (await p.page.getAttribute(sel, 'data-x-range'))!.split(' ').map(Number);
    const yRange = async (sel: string) => (await p.page.getAttribute(sel, 'data-y-range'))!;
    const box = (await p.page.locator(`${loss} .u-over`).boundingBox())!;
    const reset = `${loss} button.reset-zoom`;
    assert.deepEqual(await range(loss), [0, 199]);
    assert.equal(await p.page.isDisabled(reset), true);
    const y0 = await yRange(loss);

    // Passing over the chart, the wheel scrolls the panel: no zoom. The cursor shows on every chart of the card.
    await p.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await p.page.waitForFunction(
      (sel) => document.querySelector(`${sel} .u-legend .u-series:nth-child(2) .u-value`)?.textContent !== '—',
      grad,
    );
    await p.page.mouse.wheel(0, -100);
    assert.deepEqual(await range(loss), [0, 199]);

    // Focused (clicked), the wheel zooms in about the cursor, here the middle: the span shrinks by 1.25 around k = 99.5.
    await p.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await p.page.mouse.wheel(0, -100);
    await p.page.waitForFunction((sel) => document.querySelector(sel)!.getAttribute('data-x-range') !== '0 199', loss);
    const [lo, hi] = await range(loss);
    assert.ok(Math.abs(hi - lo - 199 / 1.25) < 1e-6, `span ${hi - lo}`);
    assert.ok(Math.abs((lo + hi) / 2 - 99.5) < 2, `centre ${(lo + hi) / 2}`);
    assert.deepEqual(await range(grad), [lo, hi], 'the card’s other charts follow');
    assert.equal(await p.page.getAttribute(loss, 'data-zoomed'), 'true');
    assert.equal(await p.page.isDisabled(reset), false);
    // y still fits the points in view (whole decades).
    const fitted = await yRange(loss);
    assert.match(fitted, /^0\.001 1$/);

    // Shift + wheel zooms y only.
    await p.page.keyboard.down('Shift');
    await p.page.mouse.wheel(0, -100);
    await p.page.keyboard.up('Shift');
    await p.page.waitForFunction(({ sel, y }) => document.querySelector(sel)!.getAttribute('data-y-range') !== y, { sel: loss, y: fitted });
    assert.deepEqual(await range(loss), [lo, hi]);

    // Reset zoom shows all the data again, on every chart of the card.
    await p.page.click(reset);
    assert.deepEqual(await range(loss), [0, 199]);
    assert.deepEqual(await range(grad), [0, 199]);
    assert.equal(await yRange(loss), y0);
    assert.equal(await p.page.getAttribute(loss, 'data-zoomed'), 'false');
    assert.equal(await p.page.isDisabled(reset), true);

    // A diagonal drag zooms both axes to the box.
    await p.page.mouse.move(box.x + box.width * 0.25, box.y + box.height * 0.25);
    await p.page.mouse.down();
    await p.page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.75, { steps: 5 });
    await p.page.mouse.up();
    const [dlo, dhi] = await range(loss);
    assert.ok(Math.abs(dlo - 199 * 0.25) < 2 && Math.abs(dhi - 199 * 0.5) < 2, `dragged to ${dlo} ${dhi}`);
    assert.notEqual(await yRange(loss), y0, 'and y');
    assert.deepEqual(await range(grad), [dlo, dhi]);

    // Shift-drag pans: dragging left by a tenth of the width moves the view right by a tenth of its span.
    await p.page.keyboard.down('Shift');
    await p.page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
    await p.page.mouse.down();
    await p.page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 4 });
    await p.page.mouse.up();
    await p.page.keyboard.up('Shift');
    const [plo, phi] = await range(loss);
    assert.ok(Math.abs(plo - dlo - 0.1 * (dhi - dlo)) < 1 && Math.abs(phi - plo - (dhi - dlo)) < 1e-6, `panned to ${plo} ${phi}`);

    // Escape on the focused plot resets too.
    await p.page.focus(`${loss} .u-over`);
    await p.page.keyboard.press('Escape');
    assert.deepEqual(await range(loss), [0, 199]);
    assert.equal(await yRange(loss), y0);
    assert.deepEqual(
      (await p.posted()).filter((m) => m.type === 'log' && m.level === 'error'),
      [],
      'no error on the page',
    );
    await p.page.close();
  });

  test('a running card shows its speed and time left, and drops them when it ends', async () => {
    const p = await openPanel(browser());
    await p.send(started('solve', 'e', FILE, { problem, blocks: [gd(0.5)] }));
    const eta = `${card('e')} header .eta`;
    await p.page.waitForSelector(eta, { state: 'visible' });
    assert.equal(await p.page.textContent(eta), 'estimating…');
    // Steps arrive over more than a second (the estimate waits for that); each batch is waited for, then the next.
    const all = points(199, 1);
    let k = 0;
    const begun = Date.now();
    while (!/steps\/s · .* left$/.test((await p.page.textContent(eta)) ?? '')) {
      assert.ok(Date.now() - begun < 20_000, `no estimate after ${k} steps: ${await p.page.textContent(eta)}`);
      const next = all.slice(k, k + 1);
      if (!next.length) break;
      await p.send(progress('solve', 'e', { block: 0, points: next, maxSteps: 199 }));
      k += next.length;
      await p.page.waitForSelector(`${card('e')}[data-points="${k}"]`);
      await p.page.waitForFunction(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true)))));
    }
    assert.match((await p.page.textContent(eta)) ?? '', /^[\d.,]+ steps\/s · (\d+ s|\d+ min \d+ s) left$/);
    await p.send(finished('solve', 'e', result('e', [[gd(0.5), all.slice(0, k)]])));
    await p.page.waitForSelector(`${card('e')}[data-status="finished"]`);
    assert.equal(await p.page.isVisible(eta), false);

    // An experiment's card too.
    await p.send(started('experiment', 'x', 'icl.regress', { settings: iclSettings() }));
    const xEta = `${card('x')} header .eta`;
    await p.page.waitForSelector(xEta, { state: 'visible' });
    assert.equal(await p.page.textContent(xEta), 'estimating…');
    await p.send(failed('experiment', 'x', 'icl.regress', 'stopped'));
    await p.page.waitForSelector(`${card('x')}[data-status="failed"]`);
    assert.equal(await p.page.isVisible(xEta), false);
    await p.page.close();
  });
});
