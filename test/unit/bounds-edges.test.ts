/**
 * The bound checks at the edges of double precision, each against an independent oracle: rescaled rows whose exp
 * underflows (oracle: the same check on scores shifted by a constant, under which b̃ and both β bounds are
 * invariant), tiny steps at large scores (oracle: the scores' rounding error measured exactly with BigInt
 * rationals against the allowance the checker uses), ‖b‖ ≤ R, log10 tightness below the smallest double and
 * log10 M for R beyond 1e153 (closed forms).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BoundValue } from '../../protocol/bounds';
import { log10Log10M, log10M, paperAssumptions, paperBound } from '../../server/src/bounds/paper';
import { BoundTable } from '../../server/src/bounds/summary';
import { WeightShiftCheck } from '../../server/src/bounds/weightShift';
import { analyze } from '../../server/src/language/analyze';
import { Rng } from '../../server/src/math/random';
import type { SoftmaxProblem } from '../../server/src/problem';
import { randMatrix, rowStochastic } from './builders';

/** Softmax problem whose A has a first column of ones: x[0] = c shifts every score by c and nothing else. */
function shiftable(variant: 'normalized' | 'rescaled', n: number, d: number, seed: number, bScale = 1): SoftmaxProblem {
  const rng = new Rng(seed, 21);
  const A = randMatrix(rng, n, d, 1);
  for (let i = 0; i < n; i++) A.data[i * d] = 1;
  const b = rowStochastic(rng, 1, n).data.map((v) => v * bScale);
  return { kind: 'softmax', variant, n, d, reg: 0, A, b, x0: new Float64Array(d) };
}

const valueOf = (bs: BoundValue[], name: string) => bs.find((v) => v.name === name)!;

test('rescaled rows whose exp underflows (every score below −745): finite b̃, exactness and β bounds equal to the shifted oracle', () => {
  for (const seed of [1, 2, 3, 4]) {
    const p = shiftable('rescaled', 6, 3, seed);
    const rng = new Rng(seed, 22);
    const x0 = Float64Array.of(-900, rng.normal() * 0.5, rng.normal() * 0.5);
    const x1 = Float64Array.from(x0, (v, i) => (i === 0 ? v : v + 0.01 * rng.normal()));
    const check = new WeightShiftCheck(p, { method: 'gd' });
    check.onStep(0, x0, x1, 0.1);
    // Oracle: shifting every score by +c (x[0] += c) leaves b̃, (1+√n‖b‖)‖Δu‖/α0 and e^ρ‖ΔS‖/α0 unchanged; at
    // c = 900 the scores are O(1) and the naive formulas are accurate.
    const oracle = new WeightShiftCheck(p, { method: 'gd' });
    const shift = (x: Float64Array) => Float64Array.from(x, (v, i) => (i === 0 ? v + 900 : v));
    oracle.onStep(0, shift(x0), shift(x1), 0.1);
    const [got, want] = [check.result().steps[0], oracle.result().steps[0]];
    assert.ok(Number.isFinite(got.observedShift) && got.observedShift > 0, String(got.observedShift));
    assert.ok(
      Math.abs(got.observedShift - want.observedShift) <= 1e-9 * want.observedShift,
      `${got.observedShift} vs ${want.observedShift}`,
    );
    assert.ok(Number.isFinite(got.exactnessError));
    for (const name of ['beta', 'betaLip']) {
      const [g, w] = [valueOf(got.bounds, name), valueOf(want.bounds, name)];
      assert.ok(g.holds, `${name} seed ${seed}: ${JSON.stringify(g)}`);
      assert.ok(Math.abs(g.value! - w.value!) <= 1e-9 * w.value!, `${name}: ${g.value} vs ${w.value}`);
    }
    assert.equal(check.result().sharpViolations, 0);
  }
});

test('the overflow warning fires for large positive scores only, not for large negative ones that underflow', () => {
  const doc = (x: number) => `problem softmax rescaled\nA = [\n1 0\n1 1\n]\nx0 = [${x} 0]\nb = [0.5 0.5]\n`;
  const warns = (x: number) => analyze(doc(x)).diagnostics.filter((d) => /would overflow/.test(d.message));
  assert.equal(warns(-1000).length, 0);
  assert.equal(warns(1000).length, 1);
});

// --- Exact rationals: a double is m·2^e with integers m, e; products and sums of them are exact in BigInt.
function exact(v: number): bigint {
  if (v === 0) return 0n;
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, v);
  const bits = buf.getBigUint64(0);
  const sign = bits >> 63n ? -1n : 1n;
  const e = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  const [m, exp] = e === 0 ? [frac, -1074] : [frac | (1n << 52n), e - 1075];
  return sign * (m << BigInt(exp + 1100)); // v·2^1100, an integer for every double
}

test('tiny steps at large scores: the scores’ rounding, measured exactly, stays inside the allowance, and no sharp bound fails', () => {
  let steps = 0,
    beyondHalfDS = 0;
  for (const big of [1e6, 1e8, 1e10]) {
    // Two scores near `big` that differ by O(1): the softmax Jacobian is then near its largest (½).
    const p = shiftable('normalized', 2, 3, 5);
    const rng = new Rng(7, 23);
    const d = p.d,
      n = p.n,
      gamma = ((d + 1) * Number.EPSILON) / (1 - (d + 1) * Number.EPSILON);
    for (let trial = 0; trial < 300; trial++) {
      const x0 = Float64Array.from({ length: d }, (_, i) => (i === 0 ? big : 0.3 * rng.normal()));
      // A move of A·Δx a few percent of the spacing of doubles at the scores: where S0 and S1 round to different
      // neighbours the rounded observation exceeds ½‖A·Δx‖, a false alarm unless the scores' rounding is allowed.
      const x1 = Float64Array.from(x0, (v, i) => (i === 0 ? v : v + 0.05 * big * Number.EPSILON * rng.normal()));
      const check = new WeightShiftCheck(p, { method: 'gd' });
      check.onStep(0, x0, x1, 1e-12);
      const r = check.result();
      steps++;
      const s1 = valueOf(r.steps[0].bounds, 'S1');
      if (s1.observed > s1.value! * (1 + 1e-12)) beyondHalfDS++;
      for (const v of r.steps[0].bounds) if (v.name !== 'paper') assert.ok(v.holds, `${v.name} at |S| ~ ${big}: ${JSON.stringify(v)}`);
      // The allowance: |fl(A·x) − A·x| ≤ γ_{d+1}·(|A||x|) per entry; checked exactly (BigInt) at both ends.
      for (const x of [x0, x1]) {
        for (let i = 0; i < n; i++) {
          let fl = 0,
            abs = 0,
            ex = 0n;
          for (let j = 0; j < d; j++) {
            fl += p.A.data[i * d + j] * x[j];
            abs += Math.abs(p.A.data[i * d + j] * x[j]);
            ex += (exact(p.A.data[i * d + j]) * exact(x[j])) >> 1100n;
          }
          const err = exact(fl) - ex;
          assert.ok((err < 0n ? -err : err) <= exact(gamma * abs), `row ${i}: rounding ${err} beyond γ|A||x|`);
        }
      }
    }
  }
  // The edge is really reached: on some steps the rounded observation exceeds the exact-arithmetic bound itself.
  assert.ok(beyondHalfDS >= 10, `${beyondHalfDS} of ${steps}`);
});

test('‖b‖ ≤ R is checked and shown: a huge target makes the papers’ assumptions unmet (not "a bug")', () => {
  const p = shiftable('rescaled', 5, 3, 7, 1000);
  p.A.data.forEach((v, i) => (p.A.data[i] = v * 3));
  const x0 = Float64Array.of(0.1, 0.2, -0.1),
    x1 = Float64Array.of(0.1, 0.2, -0.1 + 1e-6);
  const check = new WeightShiftCheck(p, { method: 'gd' });
  check.onStep(0, x0, x1, 0.1);
  const a = check.result().steps[0].assumptions;
  const bNorm = Math.sqrt(Array.from(p.b).reduce((s, v) => s + v * v, 0));
  assert.ok(Math.abs(a.bNorm! - bNorm) <= 1e-12 * bNorm);
  assert.ok(a.R < bNorm);
  assert.equal(a.bOk, false);
  assert.equal(valueOf(check.result().steps[0].bounds, 'paper').assumptionsMet, false);
  assert.equal(check.result().summary.find((s) => s.kind === 'paper')!.violationsWithAssumptions, 0);
});

test('tightness below the smallest double is reported in log10 (the ratio underflows to 0)', () => {
  const a = paperAssumptions(10, 20, 1e-3, 0, 1);
  const v = paperBound(1e-5, 1e-3, a);
  // log10 M = 1.5 + 4000/ln 10 ≈ 1738.6: the ratio 10^(−5 − (1738.6 − 3)) is far below 5e-324.
  const want = -5 - (1.5 + 4000 / Math.LN10 - 3);
  assert.equal(v.ratio, 0);
  assert.ok(Math.abs(v.log10Ratio! - want) < 1e-9, `${v.log10Ratio} vs ${want}`);
  const table = new BoundTable();
  table.add(0, [v]);
  const s = table.summary()[0];
  assert.ok(Math.abs(s.tightnessLog10! - want) < 1e-9);
});

test('log10 M for R beyond 1e153 is computed in log space; the bound holds for any finite observed shift', () => {
  // Closed forms: log10 M = 1.5·log10 n + (10/ln 10)·R²; at R = 5e153 the product (10/ln 10·R)·R is still finite.
  for (const R of [1e3, 1e100, 1e153, 5e153, 6e153]) {
    const want = 1.5 * Math.log10(7) + (10 / Math.LN10) * R * R;
    assert.ok(Number.isFinite(log10M(7, R)), `R = ${R}`);
    assert.ok(Math.abs(log10M(7, R) - want) <= 1e-13 * want, `R = ${R}: ${log10M(7, R)} vs ${want}`);
  }
  for (const R of [1e160, 1e200, 1e300]) {
    assert.equal(log10M(7, R), Infinity);
    const want = Math.log10(10 / Math.LN10) + 2 * Math.log10(R);
    assert.ok(Math.abs(log10Log10M(7, R) - want) < 1e-12, `R = ${R}: ${log10Log10M(7, R)} vs ${want}`);
    const v = paperBound(1e300, 1e-3, paperAssumptions(7, R, 1e-3, 0, 1));
    assert.ok(v.holds);
    assert.equal(v.log10Ratio, -Infinity);
  }
  assert.ok(Math.abs(log10Log10M(1e6, 10) - Math.log10(9 + 1000 / Math.LN10)) < 1e-12);
});
