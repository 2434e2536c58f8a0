/**
 * L-BFGS keeps its curvature pairs in a preallocated ring. Oracle: the textbook form written here with growing and
 * shifting arrays (what the solver did before), run side by side on the same objective for more steps than the
 * memory holds, so the ring wraps many times. The iterates must be identical, bit for bit.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../server/src/math/random';
import { dot, norm2 } from '../../server/src/math/dense';
import { objectiveFor } from '../../server/src/math/kernels';
import { initialPoint, type Objective } from '../../server/src/math/objective';
import type { AttentionProblem } from '../../server/src/problem';
import { backtrack, unitSlope } from '../../server/src/solver/lineSearch';
import { lbfgs } from '../../server/src/solver/lbfgs';
import type { Iterate, Stepper } from '../../server/src/solver/stepper';
import { randMatrix, rowStochastic } from './builders';

function shiftingLbfgs(obj: Objective, m: number): Stepper {
  const n = obj.dim;
  const S: Float64Array[] = [],
    Y: Float64Array[] = [],
    rho: number[] = [];
  const p = new Float64Array(n),
    trial = new Float64Array(n);
  let first = true;
  const direction = (g: Float64Array) => {
    const alpha: number[] = [];
    for (let i = 0; i < n; i++) p[i] = -g[i];
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(S[k], p);
      for (let i = 0; i < n; i++) p[i] -= alpha[k] * Y[k][i];
    }
    if (S.length) {
      const l = S.length - 1,
        gamma = dot(S[l], Y[l]) / dot(Y[l], Y[l]);
      for (let i = 0; i < n; i++) p[i] *= gamma;
    }
    for (let k = 0; k < S.length; k++) {
      const b = alpha[k] - rho[k] * dot(Y[k], p);
      for (let i = 0; i < n; i++) p[i] += b * S[k][i];
    }
  };
  return {
    step(it: Iterate) {
      direction(it.grad);
      if (!(unitSlope(it.grad, p) < 0)) {
        S.length = Y.length = rho.length = 0;
        direction(it.grad);
      }
      const x0 = Float64Array.from(it.x),
        g0 = Float64Array.from(it.grad);
      const t0 = first ? Math.min(1, 1 / norm2(p)) : 1;
      first = false;
      const out = backtrack(obj, it, p, { t0, shrink: 0.5, c1: 1e-4 }, trial);
      if (out.kind !== 'moved') return out;
      const s = it.x.map((v, i) => v - x0[i]),
        y = it.grad.map((v, i) => v - g0[i]);
      const sy = dot(s, y);
      if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
        if (S.length === m) {
          S.shift();
          Y.shift();
          rho.shift();
        }
        S.push(s);
        Y.push(y);
        rho.push(1 / sy);
      }
      return out;
    },
  };
}

test('L-BFGS ring buffer: the same iterates as the shifting-array form over 40 steps with memory 3', () => {
  const rng = new Rng(5, 9);
  const n = 12,
    d = 4;
  const p: AttentionProblem = {
    kind: 'attention',
    variant: 'normalized',
    n,
    d,
    reg: 0,
    A1: randMatrix(rng, n, d, 1),
    A2: randMatrix(rng, n, d, 1),
    B: rowStochastic(rng, n, n),
    X0: randMatrix(rng, d, d, 0.5),
  };
  const obj = objectiveFor(p);
  const start = (): Iterate => {
    const x = initialPoint(p),
      grad = new Float64Array(obj.dim);
    return { x, grad, loss: obj.lossGrad(x, grad) };
  };
  const a = start(),
    b = start();
  const ring = lbfgs(obj, { memory: 3 }),
    ref = shiftingLbfgs(obj, 3);
  let moved = 0;
  for (let k = 0; k < 40; k++) {
    const ra = ring.step(a),
      rb = ref.step(b);
    assert.deepEqual(ra, rb, `step ${k}`);
    assert.deepEqual(a.x, b.x, `x after step ${k}`);
    if (ra.kind !== 'moved') break;
    moved++;
  }
  assert.ok(moved > 10, `the ring wrapped (${moved} steps)`);
});
