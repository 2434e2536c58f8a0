/**
 * Sweeps in the results panel (headless Chromium), fed RunEvents: a `sweep d = 5, 10, 20, 40` of an experiment with
 * 3 repeats of 400 Adam steps (checkpoints at 0, 200, 400). The card's per-point progress, the figure (one x per
 * value, each series' mean with an error bar of the server's ± std, the running point hollow), the table, each point's
 * verdict, hover values, a cancelled and a stopped sweep, a linear axis for values within 10×, the report's replay and
 * the dark theme. Expected texts are written out, not produced by the panel's formatter. Screenshots go to
 * test-artifacts/.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type {
  IclCheckpoint,
  IclRepeat,
  IclRepeatStart,
  IclSettings,
  IclStopReason,
  IclSummaryPoint,
  IclSweepPoint,
} from '../../protocol/experiment';
import type { RunEvent } from '../../protocol/runs';
import { ARTIFACTS } from '../paths';
import { chromiumForTests } from './browser';
import { finished, iclSettings, progress, started, uriOf } from './events';
import { details, NARROW, overflows, visibleHeaders } from './narrow';
import { countColoredPixels, openPanel, openReport, useDarkTheme, type PanelPage } from './panel-page';

// webview/src/theme.ts: the trained layer is Okabe–Ito blue (sky blue on a dark background).
const BLUE: [number, number, number] = [0, 114, 178];
const SKY: [number, number, number] = [86, 180, 233];

const FILE = 'sweep.regress';
const BASE = iclSettings({
  n: 25,
  d: 5,
  words: { kind: 'normal', scale: 1, mean: 0 },
  k: 6,
  eps: 1e-12,
  batch: 64,
  steps: 400,
  every: 200,
  tasks: 500,
  etatasks: 200,
  etamax: 1000,
  etacount: 25,
  repeats: 3,
});
const STEPS = [0, 200, 400];

type Stat = [mean: number, std: number];
/** Per value of d: the final ratios to the uniform loss and Model Cos over the 3 repeats (population std). */
const FINAL: { tf: Stat; gd: Stat; lin: Stat; cos: Stat }[] = [
  { tf: [0.7, 0.02], gd: [0.55, 0.02], lin: [0.68, 0.015], cos: [0.97, 0.004] },
  { tf: [0.74, 0.03], gd: [0.65, 0.02], lin: [0.73, 0.02], cos: [0.98, 0.003] },
  { tf: [0.76, 0.04], gd: [0.74, 0.02], lin: [0.745, 0.02], cos: [0.99, 0.002] },
  { tf: [0.8, 0.05], gd: [0.79, 0.02], lin: [0.79, 0.02], cos: [0.995, 0.001] },
];

/** Repeat r's offset in stds: −1, 0, +1 times √1.5, whose population std is 1. */
const off = (r: number) => (r - 1) * Math.sqrt(1.5);
/** The layer's ratio falls by 0.25 over the run to its final value. */
const tfMean = (i: number, step: number) => FINAL[i].tf[0] + (0.25 * (400 - step)) / 400;

function settingsOf(values: number[], setting: 'd' | 'n'): IclSettings[] {
  return values.map((v) => (setting === 'd' ? { ...BASE, d: v, k: v + 1 } : { ...BASE, n: v }));
}

function repeatStart(i: number, r: number): IclRepeatStart {
  const f = FINAL[i];
  const gdRatio = f.gd[0] + off(r) * f.gd[1];
  const linGdRatio = f.lin[0] + off(r) * f.lin[1];
  return {
    repeat: r,
    seed: 1 + r,
    eta: 120,
    etaAtEdge: false,
    gdLoss: 0.01 * gdRatio,
    zeroLoss: 0.01,
    linEta: 100,
    linGdLoss: 0.01 * linGdRatio,
    gdRatio,
    linGdRatio,
    zeroPredsDiff: 0.025,
    zeroModelDiff: 0.07,
  };
}

function checkpoint(i: number, r: number, step: number): IclCheckpoint {
  const tfRatio = tfMean(i, step) + off(r) * FINAL[i].tf[1];
  const modelCos = step === 0 ? 0.05 : FINAL[i].cos[0] + off(r) * FINAL[i].cos[1];
  return {
    step,
    tfLoss: 0.01 * tfRatio,
    tfRatio,
    predsDiff: 0.02,
    modelDiff: 0.06,
    modelCos,
    ...(step > 0 ? { trainLoss: 0.011 * tfRatio } : {}),
  };
}

/**
 * The server's row of value i at `step` over `count` repeats: over 3 repeats the mean ± std of the checkpoints above;
 * over fewer, made up (the std scaled by (count − 1)/2).
 */
function row(i: number, step: number, count: number): IclSummaryPoint {
  const f = FINAL[i];
  const k = (count - 1) / 2;
  const ms = (mean: number, std: number) => ({ mean, std: std * k });
  return {
    step,
    count,
    tfLoss: ms(0.01 * tfMean(i, step), 0.01 * f.tf[1]),
    gdLoss: ms(0.01 * f.gd[0], 0.01 * f.gd[1]),
    predsDiff: ms(0.02, 0),
    modelDiff: ms(0.06, 0),
    modelCos: step === 0 ? ms(0.05, 0) : ms(f.cos[0], f.cos[1]),
    zeroLoss: ms(0.01, 0),
    eta: ms(120, 0),
    linGdLoss: ms(0.01 * f.lin[0], 0.01 * f.lin[1]),
    zeroPredsDiff: ms(0.025, 0),
    zeroModelDiff: ms(0.07, 0),
    tfRatio: ms(tfMean(i, step), f.tf[1]),
    gdRatio: ms(f.gd[0], f.gd[1]),
    linGdRatio: ms(f.lin[0], f.lin[1]),
    ...(step > 0 ? { trainLoss: ms(0.011 * tfMean(i, step), 0) } : {}),
  };
}

/** One sweep's events as the server sends them: repeats one after another, each progress with the rows it changed. */
class Sweep {
  constructor(
    readonly runId: string,
    readonly values = [5, 10, 20, 40],
    readonly setting: 'd' | 'n' = 'd',
  ) {}

  started(): RunEvent {
    return started('sweep', this.runId, FILE, {
      sweep: { setting: this.setting, values: this.values },
      points: settingsOf(this.values, this.setting),
    });
  }

  /** Repeat r of value i reaches `steps` (its first event when `steps` starts at 0); repeats 0…r have reached them. */
  progress(i: number, r: number, steps: number[]): RunEvent {
    return progress('sweep', this.runId, {
      point: i,
      repeat: r,
      ...(steps[0] === 0 ? { start: repeatStart(i, r) } : {}),
      checkpoints: steps.map((s) => checkpoint(i, r, s)),
      summary: steps.map((s) => row(i, s, r + 1)),
    });
  }

  /** Every repeat of value i, start to end. */
  point(i: number): RunEvent[] {
    return [0, 1, 2].map((r) => this.progress(i, r, STEPS));
  }

  finished(reached: number[][], stopReason: IclStopReason, elapsedMs: number, message?: string): RunEvent {
    return finished('sweep', this.runId, {
      runId: this.runId,
      source: uriOf(FILE),
      sweep: { setting: this.setting, values: this.values },
      points: reached.map((counts, i) => this.pointResult(i, counts, i === reached.length - 1 ? stopReason : 'done')),
      stopReason,
      elapsedMs,
      ...(message ? { message } : {}),
    });
  }

  /** Value i after repeat r reached `counts[r]` checkpoints. */
  private pointResult(i: number, counts: number[], stopReason: IclStopReason): IclSweepPoint {
    const repeats: IclRepeat[] = counts.map((n, r) => ({
      ...repeatStart(i, r),
      checkpoints: STEPS.slice(0, n).map((s) => checkpoint(i, r, s)),
    }));
    const summary = STEPS.filter((_, j) => counts.some((n) => n > j)).map((s, j) => row(i, s, counts.filter((n) => n > j).length));
    return {
      value: this.values[i],
      result: { settings: settingsOf(this.values, this.setting)[i], repeats, summary, stopReason, elapsedMs: 1000 },
    };
  }
}

const card = (runId: string) => `section.run.sweep[data-run-id="${runId}"]`;
const chart = (runId: string) => `${card(runId)} .sweep-chart[data-chart="sweep"]`;

interface Bar {
  series: string;
  value: number;
  x: number;
  top: number;
  mid: number;
  bottom: number;
  hollow: boolean;
}

/** The error bars drawn after the last redraw, once there are `n` of them. */
async function bars(page: Page, runId: string, n: number): Promise<Bar[]> {
  await page.waitForFunction(
    ([sel, count]) => JSON.parse((document.querySelector(sel) as HTMLElement | null)?.dataset.bars ?? '[]').length === count,
    [chart(runId), n] as const,
  );
  return JSON.parse((await page.getAttribute(chart(runId), 'data-bars'))!) as Bar[];
}

/** The canvas pixel at CSS (x, y) of the chart's canvas: [r, g, b, a]. */
function pixel(page: Page, runId: string, x: number, y: number): Promise<number[]> {
  return page.$eval(
    `${chart(runId)} canvas`,
    (c, [x, y]) => {
      const k = devicePixelRatio;
      return [...(c as HTMLCanvasElement).getContext('2d')!.getImageData(Math.round(x * k), Math.round(y * k), 1, 1).data];
    },
    [x, y],
  );
}

/**
 * Fraction of the pixels between y0 and y1 (CSS) within 40 per channel of `rgb`, opaque, in the best of the three
 * pixel columns around x (a 1.5 px line at a fractional x covers one of them fully).
 */
function columnShare(page: Page, runId: string, x: number, y0: number, y1: number, rgb: number[]): Promise<number> {
  return page.$eval(
    `${chart(runId)} canvas`,
    (c, { x, y0, y1, rgb }) => {
      const k = devicePixelRatio;
      const ctx = (c as HTMLCanvasElement).getContext('2d')!;
      let best = 0;
      for (let col = Math.floor(x * k) - 1; col <= Math.floor(x * k) + 1; col++) {
        const d = ctx.getImageData(col, Math.round(y0 * k), 1, Math.max(1, Math.round((y1 - y0) * k))).data;
        let hit = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 128 && rgb.every((v, j) => Math.abs(d[i + j] - v) <= 40)) hit++;
        best = Math.max(best, hit / (d.length / 4));
      }
      return best;
    },
    { x, y0, y1, rgb },
  );
}

function legendValues(page: Page, runId: string): Promise<Record<string, string>> {
  return page.$$eval(`${chart(runId)} .u-legend tr`, (trs) =>
    Object.fromEntries(trs.map((tr) => [tr.querySelector('.u-label')?.textContent ?? '', tr.querySelector('.u-value')?.textContent ?? ''])),
  );
}

function tableText(page: Page, runId: string): Promise<string[][]> {
  return page.$$eval(`${card(runId)} table.sweep-points tr:not(.details)`, (rows) =>
    rows.map((r) => [...(r as HTMLTableRowElement).cells].map((c) => c.textContent ?? '')),
  );
}

function phases(page: Page, runId: string): Promise<string[]> {
  return page.$$eval(`${card(runId)} table.sweep-points tr[data-point]`, (rows) => rows.map((r) => (r as HTMLElement).dataset.phase ?? ''));
}

async function sendAll(p: PanelPage, messages: RunEvent[]) {
  for (const m of messages) await p.send(m);
}

/** A whole sweep as the host sends it. */
function fullSweep(runId: string): RunEvent[] {
  const s = new Sweep(runId);
  return [
    s.started(),
    ...[0, 1, 2, 3].flatMap((i) => s.point(i)),
    s.finished(
      [
        [3, 3, 3],
        [3, 3, 3],
        [3, 3, 3],
        [3, 3, 3],
      ],
      'done',
      63_000,
    ),
  ];
}

const VERDICT_D5 =
  "d = 5: At step 400 (3 repeats) the layer's held-out loss is 0.700 ± 0.020 × the uniform prediction's; one GD step reaches 0.550 ± 0.020, linearised GD 0.680 ± 0.015. " +
  'The layer matches linearised GD (+0.020, within 0.05 of the uniform loss) but not one GD step (+0.150): it learned the first-order expansion of the GD step in η, not the step itself.';
const VERDICT_D40 =
  "d = 40: At step 400 (3 repeats) the layer's held-out loss is 0.800 ± 0.050 × the uniform prediction's; one GD step reaches 0.790 ± 0.020, linearised GD 0.790 ± 0.020. " +
  'The layer matches one GD step (+0.010) and linearised GD (+0.010), within 0.05 of the uniform loss: here one GD step is nearly linear in η, so the two cannot be told apart.';

describe('sweeps in the results panel (Chromium)', () => {
  const browser = chromiumForTests(ARTIFACTS);

  test('streams a sweep: per-point progress, one x per value with the server’s error bars, table, verdicts, hover', async () => {
    const p = await openPanel(browser());
    const page = p.page;
    const id = 's1';
    const s = new Sweep(id);
    await p.send(s.started());
    await page.waitForSelector(`${card(id)}[data-status="running"]`);
    assert.equal(await page.textContent(`${card(id)} .problem`), 'in-context learning sweep over d');
    assert.equal(
      await page.textContent(`${card(id)} .settings`),
      'n = 25 · d = 5, 10, 20, 40 · heads = 1 · k = 6, 11, 21, 41 · batch = 64 · steps = 400 · lr = 0.001 · repeats = 3 · η grid 0.01…1000 × 25 · tasks = 500',
    );
    assert.equal(await page.textContent(`${card(id)} .progress`), 'point 1/4');
    assert.equal(await page.getAttribute(chart(id), 'data-x-scale'), 'linear', '40/5 = 8: below 10×');
    assert.deepEqual(await phases(page, id), ['queued', 'queued', 'queued', 'queued']);

    // Value 1, repeat 1 at step 200: its point is drawn hollow (running), from the server's row over 1 repeat.
    await p.send(s.progress(0, 0, [0, 200]));
    await page.waitForFunction(
      (sel) => document.querySelector(sel)?.textContent === 'point 1/4 (d = 5): repeat 1/3 · step 200/400',
      `${card(id)} .progress`,
    );
    let drawn = await bars(page, id, 3);
    assert.deepEqual(
      drawn.map((b) => [b.series, b.value, b.hollow]),
      [
        ['tfRatio', 5, true],
        ['gdRatio', 5, true],
        ['linGdRatio', 5, true],
      ],
    );

    // Value 1 completes, value 2 starts: value 1 is final (filled), value 2 is the live one.
    await sendAll(p, [s.progress(0, 0, [400]), s.progress(0, 1, STEPS), s.progress(0, 2, STEPS), s.progress(1, 0, [0, 200])]);
    await page.waitForFunction(
      (sel) => document.querySelector(sel)?.textContent === 'point 2/4 (d = 10): repeat 1/3 · step 200/400',
      `${card(id)} .progress`,
    );
    drawn = await bars(page, id, 6);
    assert.deepEqual(
      drawn.filter((b) => b.series === 'tfRatio').map((b) => [b.value, b.hollow]),
      [
        [5, false],
        [10, true],
      ],
    );
    assert.deepEqual(await phases(page, id), ['done', 'running', 'queued', 'queued']);
    const rows = await tableText(page, id);
    assert.deepEqual(rows[0], ['d', 'status', 'repeats', 'step', 'layer / uniform', 'GD / uniform', 'lin GD / uniform', 'Model Cos']);
    assert.deepEqual(rows[1], ['5', 'done', '3 / 3', '400 / 400', '0.7 ± 0.02', '0.55 ± 0.02', '0.68 ± 0.015', '0.97 ± 0.004']);
    // The live value: the server's row over the one repeat so far, at step 200 (ratio 0.74 + 0.125).
    assert.deepEqual(rows[2], ['10', 'running', '1 / 3', '200 / 400', '0.865 ± 0', '0.65 ± 0', '0.73 ± 0', '0.98 ± 0']);
    assert.deepEqual(rows[3], ['20', 'queued', '—', '—', '—', '—', '—', '—']);
    // Filled: the layer's marker is blue at its centre; hollow: the page shows through.
    const [final, live] = drawn.filter((b) => b.series === 'tfRatio');
    assert.deepEqual((await pixel(page, id, final.x, final.mid)).slice(0, 3), BLUE);
    assert.ok((await pixel(page, id, live.x, live.mid))[3] < 128, 'the live marker is hollow');

    await sendAll(p, [s.progress(1, 0, [400]), s.progress(1, 1, STEPS), s.progress(1, 2, STEPS), ...s.point(2), ...s.point(3)]);
    await p.send(
      s.finished(
        [
          [3, 3, 3],
          [3, 3, 3],
          [3, 3, 3],
          [3, 3, 3],
        ],
        'done',
        63_000,
      ),
    );
    await page.waitForSelector(`${card(id)}[data-status="finished"][data-stop-reason="done"]`);
    assert.equal(await page.textContent(`${card(id)} .status`), 'finished');
    assert.equal(await page.textContent(`${card(id)} .stop`), 'Done: 4 points (d = 5, 10, 20, 40) in 1 min 3 s.');
    assert.equal(await page.isVisible(`${card(id)} .progress`), false);
    assert.equal(await page.getAttribute(card(id), 'data-points'), '36', '4 values × 3 repeats × 3 checkpoints');
    assert.equal(await page.getAttribute(chart(id), 'data-points'), '4');

    // One x per value, ascending, spaced as the values on the linear axis (5, 10, 20 apart); nothing hollow any more.
    drawn = await bars(page, id, 12);
    assert.ok(drawn.every((b) => !b.hollow));
    await page.locator(card(id)).screenshot({ path: join(ARTIFACTS, 'sweep-card.png') });
    const of = (series: string) => drawn.filter((b) => b.series === series);
    const gdX = of('gdRatio').map((b) => b.x);
    assert.deepEqual(
      of('gdRatio').map((b) => b.value),
      [5, 10, 20, 40],
    );
    const steps = gdX.slice(1).map((x, i) => x - gdX[i]);
    assert.ok(
      steps[0] > 40 && Math.abs(steps[1] / steps[0] - 2) < 0.02 && Math.abs(steps[2] / steps[1] - 2) < 0.02,
      `linear spacing: ${steps}`,
    );
    // Every series' bars: half a bar is its std, mean to edge, at one scale for all; the means in their order.
    const want: Record<string, Stat[]> = {
      tfRatio: FINAL.map((f) => f.tf),
      gdRatio: FINAL.map((f) => f.gd),
      linGdRatio: FINAL.map((f) => f.lin),
    };
    const pxPerUnit = (of('tfRatio')[0].bottom - of('tfRatio')[0].top) / (2 * 0.02);
    for (const [series, stats] of Object.entries(want)) {
      of(series).forEach((b, i) => {
        const [mean, std] = stats[i];
        assert.ok(Math.abs(b.bottom - b.top - 2 * std * pxPerUnit) < 0.5, `${series} at ${b.value}: bar of ± ${std}`);
        assert.ok(Math.abs(b.mid - b.top - std * pxPerUnit) < 0.5, `${series} at ${b.value}: centred on the mean`);
        assert.ok(Math.abs(b.mid - (of('tfRatio')[0].mid - (mean - 0.7) * pxPerUnit)) < 0.5, `${series} at ${b.value}: at ${mean}`);
      });
    }
    // The series are dodged apart at each value, and the layer's bar is drawn in blue along its length.
    assert.ok(of('tfRatio').every((b, i) => b.x < of('gdRatio')[i].x && of('gdRatio')[i].x < of('linGdRatio')[i].x));
    for (const b of of('tfRatio')) {
      const share = await columnShare(page, id, b.x, b.top + 1, b.mid - 6, BLUE);
      assert.ok(share > 0.8, `the layer's bar at d = ${b.value} is blue (${share})`);
    }

    assert.deepEqual((await tableText(page, id)).slice(1), [
      ['5', 'done', '3 / 3', '400 / 400', '0.7 ± 0.02', '0.55 ± 0.02', '0.68 ± 0.015', '0.97 ± 0.004'],
      ['10', 'done', '3 / 3', '400 / 400', '0.74 ± 0.03', '0.65 ± 0.02', '0.73 ± 0.02', '0.98 ± 0.003'],
      ['20', 'done', '3 / 3', '400 / 400', '0.76 ± 0.04', '0.74 ± 0.02', '0.745 ± 0.02', '0.99 ± 0.002'],
      ['40', 'done', '3 / 3', '400 / 400', '0.8 ± 0.05', '0.79 ± 0.02', '0.79 ± 0.02', '0.995 ± 0.001'],
    ]);
    const verdicts = await page.$$eval(`${card(id)} ol.sweep-verdicts li`, (lis) => lis.map((li) => li.textContent ?? ''));
    assert.equal(verdicts.length, 4);
    assert.equal(verdicts[0], VERDICT_D5);
    assert.match(
      verdicts[1],
      /^d = 10: .* The layer matches linearised GD \(\+0\.010, within 0\.05 of the uniform loss\) but not one GD step \(\+0\.090\)/,
    );
    assert.match(verdicts[2], /^d = 20: .* The layer matches one GD step \(\+0\.020\) and linearised GD \(\+0\.015\)/);
    assert.equal(verdicts[3], VERDICT_D40);

    // Away from the cursor the legend shows the latest value; over a value, its numbers.
    assert.deepEqual(await legendValues(page, id), {
      d: '40 (latest)',
      'trained layer': '0.8 ± 0.05',
      'one GD step': '0.79 ± 0.02',
      'linearised GD': '0.79 ± 0.02',
    });
    const box = (await page.locator(`${chart(id)} canvas`).boundingBox())!;
    const at10 = of('gdRatio')[1];
    await page.mouse.move(box.x + at10.x, box.y + at10.mid);
    await page.waitForFunction(
      (sel) => document.querySelector(`${sel} .u-legend tr:first-child .u-value`)?.textContent === '10',
      chart(id),
    );
    assert.deepEqual(await legendValues(page, id), {
      d: '10',
      'trained layer': '0.74 ± 0.03',
      'one GD step': '0.65 ± 0.02',
      'linearised GD': '0.73 ± 0.02',
    });
    assert.deepEqual(await p.cspViolations(), []);
    await page.close();
  });

  test('a cancelled sweep keeps its points and says where it stopped', async () => {
    const p = await openPanel(browser());
    const page = p.page;
    // Cancelled inside value 3: repeat 1 finished, repeat 2 at step 200.
    const s = new Sweep('c1');
    await sendAll(p, [s.started(), ...s.point(0), ...s.point(1), s.progress(2, 0, STEPS), s.progress(2, 1, [0, 200])]);
    await page.waitForFunction(
      (sel) => document.querySelector(sel)?.textContent === 'point 3/4 (d = 20): repeat 2/3 · step 200/400',
      `${card('c1')} .progress`,
    );
    await page.click(`${card('c1')} button.cancel`);
    assert.deepEqual(
      (await p.posted()).filter((m) => m.type === 'cancel'),
      [{ type: 'cancel', runId: 'c1' }],
    );
    assert.equal(await page.textContent(`${card('c1')} .status`), 'cancelling…');
    await p.send(
      s.finished(
        [
          [3, 3, 3],
          [3, 3, 3],
          [3, 2],
        ],
        'cancelled',
        2000,
      ),
    );
    await page.waitForSelector(`${card('c1')}[data-status="cancelled"][data-stop-reason="cancelled"]`);
    assert.equal(await page.getAttribute('body', 'data-panel-state'), 'cancelled');
    assert.equal(await page.textContent(`${card('c1')} .status`), 'cancelled at point 3/4 (d = 20): repeat 2/3 · step 200/400');
    assert.equal(
      await page.textContent(`${card('c1')} .stop`),
      'Cancelled at point 3/4 (d = 20): repeat 2/3 · step 200/400, 2.00 s in; every point that ran is kept (3 of 4).',
    );
    assert.equal(await page.isVisible(`${card('c1')} button.cancel`), false);
    assert.equal(await page.getAttribute(card('c1'), 'data-points'), '23', '9 + 9 + 3 + 2 checkpoints');
    assert.deepEqual(await phases(page, 'c1'), ['done', 'done', 'partial', 'queued']);
    // Value 3's row is the server's at the last step both its repeats reached; value 4 never ran.
    assert.deepEqual((await tableText(page, 'c1')).slice(3), [
      ['20', 'cancelled', '2 / 3', '200 / 400', '0.885 ± 0.02', '0.74 ± 0.01', '0.745 ± 0.01', '0.99 ± 0.001'],
      ['40', 'not run', '—', '—', '—', '—', '—', '—'],
    ]);
    const drawn = await bars(page, 'c1', 9);
    assert.deepEqual(
      drawn.filter((b) => b.series === 'tfRatio').map((b) => [b.value, b.hollow]),
      [
        [5, false],
        [10, false],
        [20, true],
      ],
    );
    assert.equal(await page.$$eval(`${card('c1')} ol.sweep-verdicts li`, (lis) => lis.length), 3);
    await page.locator(card('c1')).screenshot({ path: join(ARTIFACTS, 'sweep-card-cancelled.png') });

    // Cancelled between two values: the status says after which.
    const b = new Sweep('c2');
    await sendAll(p, [
      b.started(),
      ...b.point(0),
      ...b.point(1),
      b.finished(
        [
          [3, 3, 3],
          [3, 3, 3],
        ],
        'cancelled',
        1500,
      ),
    ]);
    await page.waitForSelector(`${card('c2')}[data-status="cancelled"]`);
    assert.equal(await page.textContent(`${card('c2')} .status`), 'cancelled after point 2/4');
    assert.equal(
      await page.textContent(`${card('c2')} .stop`),
      'Cancelled after point 2/4, 1.50 s in; every point that ran is kept (2 of 4).',
    );
    assert.deepEqual(await phases(page, 'c2'), ['done', 'done', 'queued', 'queued']);
    await bars(page, 'c2', 6);
    await page.close();
  });

  test('a sweep stopped by a non-finite value says where, in the error colour', async () => {
    const p = await openPanel(browser());
    const page = p.page;
    const s = new Sweep('f1');
    const message = 'd = 10, repeat 1, step 200: the training loss is NaN';
    await sendAll(p, [s.started(), ...s.point(0), s.progress(1, 0, [0, 200]), s.finished([[3, 3, 3], [2]], 'nonFinite', 900, message)]);
    await page.waitForSelector(`${card('f1')}[data-status="finished"][data-stop-reason="nonFinite"]`);
    assert.equal(
      await page.textContent(`${card('f1')} .status`),
      'stopped: non-finite value at point 2/4 (d = 10): repeat 1/3 · step 200/400',
    );
    assert.equal(await page.$eval(`${card('f1')} .status`, (e) => getComputedStyle(e).color), 'rgb(207, 34, 46)');
    assert.equal(await page.textContent(`${card('f1')} .stop`), `Stopped on a non-finite value after 900 ms: ${message}`);
    assert.deepEqual((await tableText(page, 'f1'))[2].slice(0, 2), ['10', 'non-finite value']);
    await page.close();
  });

  test('values spanning 10× or more get a log axis, named for the setting, in any order', async () => {
    const p = await openPanel(browser());
    const page = p.page;
    // The sweep's order is not the axis' order: value 400 is point 1 (FINAL[0]), 25 is point 4 (FINAL[3]).
    const s = new Sweep('n1', [400, 100, 50, 25], 'n');
    await sendAll(p, [
      s.started(),
      ...[0, 1, 2, 3].flatMap((i) => s.point(i)),
      s.finished(
        [
          [3, 3, 3],
          [3, 3, 3],
          [3, 3, 3],
          [3, 3, 3],
        ],
        'done',
        3000,
      ),
    ]);
    await page.waitForSelector(`${card('n1')}[data-status="finished"]`);
    assert.equal(await page.getAttribute(chart('n1'), 'data-x-scale'), 'log');
    assert.equal(await page.textContent(`${card('n1')} .problem`), 'in-context learning sweep over n');
    assert.deepEqual(
      (await tableText(page, 'n1')).map((r) => r[0]),
      ['n', '400', '100', '50', '25'],
    );
    const gd = (await bars(page, 'n1', 12)).filter((b) => b.series === 'gdRatio');
    assert.deepEqual(
      gd.map((b) => b.value),
      [25, 50, 100, 400],
      'drawn left to right by value',
    );
    // Doublings are equally far apart: 25 → 50 → 100, and 100 → 400 twice as far.
    const x = gd.map((b) => b.x);
    const [a, b, c] = [x[1] - x[0], x[2] - x[1], x[3] - x[2]];
    assert.ok(a > 40 && Math.abs(b - a) < 1 && Math.abs(c - 2 * a) < 1, `log spacing: ${x}`);
    // Each value keeps its own numbers: 25 is the sweep's 4th point (GD ratio 0.79), 400 its first (0.55).
    assert.deepEqual(
      gd.map((b) => b.mid < gd[1].mid),
      [true, false, false, false],
    );
    assert.deepEqual(await legendValues(page, 'n1'), {
      n: '25 (latest)',
      'trained layer': '0.8 ± 0.05',
      'one GD step': '0.79 ± 0.02',
      'linearised GD': '0.79 ± 0.02',
    });
    const box = (await page.locator(`${chart('n1')} canvas`).boundingBox())!;
    await page.mouse.move(box.x + gd[2].x, box.y + gd[2].mid);
    await page.waitForFunction(
      (sel) => document.querySelector(`${sel} .u-legend tr:first-child .u-value`)?.textContent === '100',
      chart('n1'),
    );
    assert.deepEqual(await legendValues(page, 'n1'), {
      n: '100',
      'trained layer': '0.74 ± 0.03',
      'one GD step': '0.65 ± 0.02',
      'linearised GD': '0.73 ± 0.02',
    });
    await page.close();
  });

  test('the report replays a sweep into the same card; the dark theme draws it in its colours', async () => {
    const messages = fullSweep('r1');
    const page = await openReport(browser(), messages);
    await page.waitForSelector('body[data-mode="report"][data-panel-state="finished"]');
    assert.equal(await page.$('button.cancel'), null);
    assert.equal(await page.textContent(`${card('r1')} .stop`), 'Done: 4 points (d = 5, 10, 20, 40) in 1 min 3 s.');
    assert.equal((await tableText(page, 'r1'))[4][4], '0.8 ± 0.05');
    await bars(page, 'r1', 12);
    assert.deepEqual(await page.evaluate(() => window.__csp), []);
    await page.close();

    const dark = await openPanel(browser());
    await useDarkTheme(dark.page);
    await sendAll(dark, messages);
    await dark.page.waitForSelector(`${card('r1')}[data-status="finished"]`);
    await bars(dark.page, 'r1', 12);
    assert.ok((await countColoredPixels(dark.page, chart('r1'), SKY)) > 100, 'the layer in the dark theme’s blue');
    assert.equal(await countColoredPixels(dark.page, chart('r1'), BLUE), 0);
    await dark.page.locator(card('r1')).screenshot({ path: join(ARTIFACTS, 'sweep-card-dark.png') });
    await dark.page.close();
  });

  test('at 480 px the table keeps its essential columns and lists the others per row', async () => {
    const p = await openPanel(browser(), { width: NARROW });
    await sendAll(p, fullSweep('n1'));
    await p.page.waitForSelector(`${card('n1')}[data-status="finished"]`);
    const table = `${card('n1')} table.sweep-points`;
    assert.deepEqual(await visibleHeaders(p.page, table), ['d', 'status', 'layer / uniform', 'GD / uniform', 'Model Cos']);
    assert.deepEqual(await overflows(p.page, card('n1')), []);
    assert.deepEqual(await details(p.page, `${table} tr[data-point="2"]`), [
      ['repeats', '3 / 3'],
      ['step', '400 / 400'],
      ['lin GD / uniform', '0.73 ± 0.02'],
    ]);
    await p.page.locator(card('n1')).screenshot({ path: join(ARTIFACTS, 'sweep-480.png') });
    await p.page.close();
  });
});
