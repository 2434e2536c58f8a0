/**
 * The experiment's fast normal sampler (Rng.fillNormal, a ziggurat) against the normal distribution itself: a
 * χ² test on bins whose probabilities come from integrating the density (Simpson, independent of the sampler's
 * tables), the tail beyond the base layer, and the first four moments. Seeded, so every run draws the same numbers.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../server/src/math/random';

/** Φ(b) − Φ(a) by composite Simpson on the density: accurate to ~1e-12 with 2,000 panels per unit. */
function mass(a: number, b: number): number {
  const phi = (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
  const n = 2 * Math.max(2, Math.ceil(1000 * (b - a)));
  const h = (b - a) / n;
  let s = phi(a) + phi(b);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * phi(a + i * h);
  return (s * h) / 3;
}
const upperTail = (x: number) => 0.5 - mass(0, x);

const N = 2_000_000;
const draws = (() => {
  const out = new Float64Array(N);
  const rng = new Rng(20261206, 7);
  // In uneven chunks, as the experiment fills buffers of several sizes.
  for (let start = 0; start < N;) {
    const end = Math.min(N, start + 1 + (start % 997));
    rng.fillNormal(out, start, end);
    start = end;
  }
  return out;
})();

test('χ² of 2·10⁶ ziggurat draws in 82 bins over the whole line is that of the normal distribution', () => {
  const edges = [-Infinity, ...Array.from({ length: 81 }, (_, i) => -4 + 0.1 * i), Infinity];
  const counts = new Array(edges.length - 1).fill(0);
  for (const x of draws) {
    const bin = x < -4 ? 0 : x >= 4 ? counts.length - 1 : 1 + Math.floor((x + 4) / 0.1);
    counts[Math.min(bin, counts.length - 1)]++;
  }
  let chi2 = 0;
  for (let b = 0; b < counts.length; b++) {
    const lo = edges[b];
    const hi = edges[b + 1];
    const p = lo === -Infinity ? upperTail(-hi) : hi === Infinity ? upperTail(lo) : mass(lo, hi);
    chi2 += (counts[b] - N * p) ** 2 / (N * p);
  }
  // 81 degrees of freedom: mean 81, sd 12.7; 140 is beyond p = 10⁻⁴. A sampler off by 0.1% of the mass in the
  // wedges or the tail lands far above it.
  assert.ok(chi2 < 140, `χ² = ${chi2.toFixed(1)}`);
});

test('the tail beyond the base layer (|x| > 3.4426) and beyond 4.5 has the normal mass', () => {
  for (const t of [3.442619855899, 4.5]) {
    const expected = 2 * N * upperTail(t);
    const seen = draws.reduce((c, x) => c + (Math.abs(x) > t ? 1 : 0), 0);
    assert.ok(Math.abs(seen - expected) < 5 * Math.sqrt(expected), `|x| > ${t}: ${seen} draws, ${expected.toFixed(1)} expected`);
  }
});

test('mean 0, variance 1, skewness 0 and kurtosis 3 within five standard errors', () => {
  const m = (f: (x: number) => number) => draws.reduce((s, x) => s + f(x), 0) / N;
  const se = (v: number) => 5 * Math.sqrt(v / N);
  assert.ok(Math.abs(m((x) => x)) < se(1));
  assert.ok(Math.abs(m((x) => x * x) - 1) < se(2));
  assert.ok(Math.abs(m((x) => x ** 3)) < se(15));
  assert.ok(Math.abs(m((x) => x ** 4) - 3) < se(96));
});
