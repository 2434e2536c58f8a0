/**
 * The solver at the edges of double precision: norms of gradients beyond 1e154 (and below 1e-154), line searches
 * on huge rescaled losses, and runs whose loss rose being reported as converged. Oracles are exact: vectors that
 * are an integer vector times a power of two have a norm known in closed form.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MethodName, BlockResult } from '../../protocol/results';
import { Rng } from '../../server/src/math/random';
import { norm2 } from '../../server/src/math/dense';
import type { SoftmaxProblem } from '../../server/src/problem';
import type { StepObserver } from '../../server/src/solver/observer';
import { runSolve } from '../../server/src/solver/run';
import { randMatrix, rowStochastic } from './builders';

test('norm2 is exact to rounding for any scale: integer vectors times 2^k, k from −1070 to 1020', () => {
  const rng = new Rng(5, 1);
  let tried = 0;
  for (let trial = 0; trial < 400; trial++) {
    const len = 1 + Math.floor(rng.uniform() * 50);
    const w = Array.from({ length: len }, () => Math.round((rng.uniform() - 0.5) * 2 ** 20));
    const k = Math.round(-1070 + rng.uniform() * 2090) - 21;
    // Σw² < 50·2^38 is exact in doubles, its sqrt correctly rounded, and scaling by 2^k is exact unless the
    // result leaves the normal range, so the oracle has one rounding.
    const exact = Math.sqrt(w.reduce((s, v) => s + v * v, 0)) * 2 ** k;
    if (!(exact > 2 ** -1000 && exact < 2 ** 1023)) continue;
    const v = Float64Array.from(w, (x) => x * 2 ** k);
    tried++;
    const got = norm2(v);
    assert.ok(Math.abs(got - exact) <= 4 * Number.EPSILON * exact, `k = ${k}: ${got} vs ${exact}`);
  }
  assert.ok(tried > 300);
  for (const [v, want] of [
    [Float64Array.of(3e200, 4e200), 5e200],
    [Float64Array.of(3e-200, 4e-200), 5e-200],
  ] as const) {
    assert.ok(Math.abs(norm2(v) - want) <= 2 * Number.EPSILON * want, `${norm2(v)} vs ${want}`);
  }
  assert.equal(norm2(new Float64Array(3)), 0);
  assert.ok(Number.isNaN(norm2(Float64Array.of(1, NaN))));
});

/** Softmax rescaled with scores up to ~300 at x0: the loss is ~e^600 ≈ 1e260 and its gradient far above 1e154. */
function hugeRescaled(seed: number): SoftmaxProblem {
  const rng = new Rng(seed, 3);
  const n = 5,
    d = 3;
  const A = randMatrix(rng, n, d, 1);
  // x0 along row 1 of A, scaled so that the largest score is exactly 300 (below the overflow guard, ~345).
  const row = A.data.subarray(0, d);
  const z = Array.from({ length: n }, (_, i) => row.reduce((s, v, j) => s + A.data[i * d + j] * v, 0));
  const scale = 300 / Math.max(...z);
  return {
    kind: 'softmax',
    variant: 'rescaled',
    n,
    d,
    reg: 0,
    A,
    b: rowStochastic(rng, 1, n).data,
    x0: Float64Array.from(row, (v) => scale * v),
  };
}

test('armijo, lbfgs, newton and gd all lower a huge rescaled loss (‖∇L‖ > 1e154), none stalls at iteration 1', () => {
  for (const seed of [1, 2, 3]) {
    for (const method of ['armijo', 'lbfgs', 'newton', 'gd'] as MethodName[]) {
      // gd: a step of length 1e-3 along −∇L (lr = 1e-3/‖∇L(x0)‖, from a zero-step run).
      const g0 = runSolve(
        hugeRescaled(seed),
        { index: 0, method: 'gd', options: { steps: 0 }, line: 0, label: '' },
        { onPoint: () => undefined, cancelled: () => false },
      ).iterations[0].gradNorm;
      const options: Record<string, number> = method === 'gd' ? { steps: 20, lr: 1e-3 / g0 } : { steps: 20 };
      const r = runSolve(
        hugeRescaled(seed),
        { index: 0, method, options, line: 0, label: method },
        { onPoint: () => undefined, cancelled: () => false },
      );
      const [p0] = r.iterations;
      assert.ok(p0, `${method} seed ${seed}: ${r.final.stopReason} ${r.final.message}`);
      assert.ok(p0.gradNorm > 1e154 && Number.isFinite(p0.gradNorm), `${method}: ‖∇L(x0)‖ = ${p0.gradNorm}`);
      // A line search may reach the loss's floating-point floor later on, but never before its first step.
      assert.ok(r.final.iterations >= 1, `${method} seed ${seed}: ${r.final.stopReason} ${r.final.message}`);
      assert.ok(r.final.loss < p0.loss, `${method} seed ${seed}: ${r.final.loss} vs ${p0.loss}`);
      for (const p of r.iterations) assert.ok(Number.isFinite(p.gradNorm) && Number.isFinite(p.stepNorm), JSON.stringify(p));
    }
  }
});

test('a run whose loss rose never stops as converged: lr = 1e308 overshoots into a flat region and is "diverged"', () => {
  const rng = new Rng(9, 4);
  const n = 6,
    d = 3;
  const p: SoftmaxProblem = {
    kind: 'softmax',
    variant: 'normalized',
    n,
    d,
    reg: 0,
    A: randMatrix(rng, n, d, 1),
    b: rowStochastic(rng, 1, n).data,
    x0: new Float64Array(d),
  };
  for (const lr of [1e308, 1e30, 1e6]) {
    const r = runSolve(
      p,
      { index: 0, method: 'gd', options: { lr, steps: 50 }, line: 0, label: 'gd' },
      { onPoint: () => undefined, cancelled: () => false },
    );
    const best = Math.min(...r.iterations.map((q) => q.loss));
    assert.notEqual(r.final.stopReason, 'gradTol', `lr = ${lr}: loss ${r.final.loss} vs start ${r.iterations[0].loss}`);
    if (r.final.stopReason === 'diverged') {
      assert.ok(r.final.loss > best);
      assert.match(r.final.message ?? '', /overshot into a flat region.*lower the step size/);
    }
  }
  const r = runSolve(
    p,
    { index: 0, method: 'gd', options: { lr: 1e308, steps: 50 }, line: 0, label: 'gd' },
    { onPoint: () => undefined, cancelled: () => false },
  );
  assert.equal(r.final.stopReason, 'diverged', r.final.message);
  // A sound small step still converges (gradTol) on the same data.
  const ok = runSolve(
    p,
    { index: 0, method: 'lbfgs', options: { steps: 500, gradtol: 1e-9 }, line: 0, label: 'lbfgs' },
    { onPoint: () => undefined, cancelled: () => false },
  );
  assert.equal(ok.final.stopReason, 'gradTol');
});

test('step observers see every accepted step once, in order, from x_k to x_k+1, never the step that overflowed; then the result once', () => {
  const rng = new Rng(3, 7);
  const n = 6,
    d = 3;
  // Rescaled, from x0 = 0.5·1: lr = 1e-3 runs its 50 steps, lr = 0.1 overflows on the fourth step.
  const p: SoftmaxProblem = {
    kind: 'softmax',
    variant: 'rescaled',
    n,
    d,
    reg: 0,
    A: randMatrix(rng, n, d, 1),
    b: rowStochastic(rng, 1, n).data,
    x0: new Float64Array(d).fill(0.5),
  };
  for (const [lr, stop, steps] of [
    [1e-3, 'steps', 50],
    [0.1, 'overflow', 3],
  ] as const) {
    const iterates: Float64Array[] = [];
    const seen: { k: number; prev: Float64Array; next: Float64Array; size: number | undefined }[] = [];
    const finished: BlockResult[] = [];
    const observer: StepObserver = {
      onStep: (k, prev, next, size) => seen.push({ k, prev: prev.slice(), next: next.slice(), size }),
      finish: (result) => finished.push(result),
    };
    const r = runSolve(
      p,
      { index: 0, method: 'gd', options: { lr, steps: 50 }, line: 0, label: 'gd' },
      { onPoint: () => undefined, cancelled: () => false, onIterate: (_k, x) => iterates.push(x.slice()), observers: [observer] },
    );
    assert.equal(r.final.stopReason, stop, r.final.message);
    assert.equal(r.final.iterations, steps);
    assert.deepEqual(
      seen.map((s) => s.k),
      Array.from({ length: steps }, (_, k) => k),
    );
    for (const s of seen) {
      assert.deepEqual(s.prev, iterates[s.k]);
      assert.deepEqual(s.next, iterates[s.k + 1]);
      assert.equal(s.size, lr);
    }
    // The last step reported ends where the run ended (an overflowing step is undone, not reported).
    assert.deepEqual(Array.from(seen[steps - 1].next), r.final.x);
    assert.equal(finished.length, 1);
    assert.equal(finished[0], r);
  }
});
