/**
 * A thinned long run in the panel (server/src/solver/trajectory.ts): sparse k far apart must still draw one line
 * across the whole x range, and the chart must not grow with the largest k (10⁷ steps).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { IterationPoint, BlockSpec } from '../../protocol/results';
import { ARTIFACTS } from '../paths';
import { chromiumForTests } from './browser';
import { progress, started } from './events';
import { openPanel } from './panel-page';

const SHOTS = join(ARTIFACTS, 'webview');
const BLUE: [number, number, number] = [0, 114, 178];
const problem = { kind: 'softmax', variant: 'normalized', n: 8, d: 3, reg: 0 } as const;
const STEPS = 10_000_000;
const spec: BlockSpec = { index: 0, method: 'gd', options: { lr: 0.1, steps: STEPS, gradtol: 0, losstol: 0 }, line: 7, label: 'gd lr=0.1' };

/** Every k below 1000, then every 5,000th: sparse points, as a long run keeps them. */
const ks = [...Array.from({ length: 1000 }, (_, k) => k), ...Array.from({ length: STEPS / 5000 }, (_, i) => (i + 1) * 5000)];
const point = (k: number): IterationPoint => ({ k, loss: 0.5 / (1 + k / 1000), gradNorm: 1 / (1 + k), stepNorm: k ? 0.01 : 0 });

/** Line pixels of the series colour in each tenth of the canvas width. */
function pixelsPerTenth(page: import('playwright-core').Page): Promise<number[]> {
  return page.evaluate((rgb) => {
    const canvas = document.querySelector('.run .chart canvas') as HTMLCanvasElement;
    const { width, height } = canvas;
    const data = canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
    const counts = new Array(10).fill(0);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = 4 * (y * width + x);
        if (
          data[i + 3] > 128 &&
          Math.abs(data[i] - rgb[0]) <= 40 &&
          Math.abs(data[i + 1] - rgb[1]) <= 40 &&
          Math.abs(data[i + 2] - rgb[2]) <= 40
        )
          counts[Math.floor((10 * x) / width)]++;
      }
    }
    return counts;
  }, BLUE);
}

describe('a long thinned run in the results panel (Chromium)', () => {
  const browser = chromiumForTests(SHOTS);

  test('sparse points 5,000 iterations apart draw one line from k = 0 to 10⁷', async () => {
    const p = await openPanel(browser());
    await p.send(started('solve', 'long', 'long.regress', { problem, blocks: [spec] }));
    for (let i = 0; i < ks.length; i += 500)
      await p.send(progress('solve', 'long', { block: 0, points: ks.slice(i, i + 500).map(point), maxSteps: STEPS }));
    await p.page.waitForSelector(`tr[data-run-index="0"][data-points="${ks.length}"]`);
    const counts = await pixelsPerTenth(p.page);
    await p.page.screenshot({ path: join(SHOTS, 'long-trajectory.png') });
    // The plot area spans roughly the second to the tenth tenth of the canvas (the y axis takes the first): the
    // line must cross every tenth of it, not stop where the dense points end.
    for (let t = 2; t < 10; t++) assert.ok(counts[t] > 0, `line pixels per tenth of the width: ${counts.join(', ')}`);
    await p.page.close();
  });
});
