/**
 * The solver loop (server/src/solver/run.ts) and its four methods: the closed-form first GD step of math spec §2.3 and
 * §4.5, convergence on planted problems, streaming of points, monotone line searches, overflow / non-finite
 * reporting, cancellation and the stopping rules. Data comes from the repo's seeded PRNG.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EigenvalueDecomposition, Matrix as MlMatrix } from 'ml-matrix';
import type { IterationPoint, MethodName, BlockResult, Variant } from '../../protocol/results';
import { Rng } from '../../server/src/math/random';
import { objectiveFor } from '../../server/src/math/kernels';
import { hessian, initialPoint } from '../../server/src/math/objective';
import type { AttentionProblem, Matrix, Problem, SoftmaxProblem, SolveSpec } from '../../server/src/problem';
import { evaluate, EvaluationError, runSolve } from '../../server/src/solver/run';
import { randMatrix, rowStochastic } from './builders';

// ---------------------------------------------------------------------------------------------------------------
// Builders.

function zeros(rows: number, cols: number): Matrix {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

interface Opts {
  data?: number;
  x?: number;
  reg?: number;
}

function attentionProblem(variant: Variant, n: number, d: number, seed: number, o: Opts = {}): AttentionProblem {
  const rng = new Rng(seed, 11);
  return {
    kind: 'attention',
    variant,
    n,
    d,
    reg: o.reg ?? 0,
    A1: randMatrix(rng, n, d, o.data ?? 0.7),
    A2: randMatrix(rng, n, d, o.data ?? 0.7),
    B: rowStochastic(rng, n, n),
    X0: randMatrix(rng, d, d, o.x ?? 0.5),
  };
}

function softmaxProblem(variant: Variant, n: number, d: number, seed: number, o: Opts = {}): SoftmaxProblem {
  const rng = new Rng(seed, 12);
  return {
    kind: 'softmax',
    variant,
    n,
    d,
    reg: o.reg ?? 0,
    A: randMatrix(rng, n, d, o.data ?? 0.7),
    b: rowStochastic(rng, 1, n).data,
    x0: randMatrix(rng, 1, d, o.x ?? 0.5).data,
  };
}

function softmaxRow(z: ArrayLike<number>): number[] {
  let m = -Infinity;
  for (let i = 0; i < z.length; i++) m = Math.max(m, z[i]);
  const e = Array.from(z, (v) => Math.exp(v - m));
  const s = e.reduce((a, v) => a + v, 0);
  return e.map((v) => v / s);
}

/** S = A1·X·A2ᵀ on plain arrays. */
function scores(A1: Matrix, X: Matrix, A2: Matrix): number[][] {
  const n = A1.rows,
    d = A1.cols;
  const S: number[][] = [];
  for (let i = 0; i < n; i++) {
    const r: number[] = [];
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) s += A1.data[i * d + a] * X.data[a * d + b] * A2.data[j * d + b];
      r.push(s);
    }
    S.push(r);
  }
  return S;
}

/**
 * A planted attention problem: B = rowsoftmax(A1 X* A2ᵀ), so the minimum value is 0 at X*. Returns the problem
 * (X0 = start) and X*.
 */
function plantedAttention(n: number, d: number, seed: number, start: 'zero' | 'planted'): { p: AttentionProblem; Xstar: Matrix } {
  const rng = new Rng(seed, 13);
  const A1 = randMatrix(rng, n, d, 1),
    A2 = randMatrix(rng, n, d, 1),
    Xstar = randMatrix(rng, d, d, 0.5);
  const B: Matrix = { rows: n, cols: n, data: Float64Array.from(scores(A1, Xstar, A2).flatMap(softmaxRow)) };
  const X0 = start === 'zero' ? zeros(d, d) : { rows: d, cols: d, data: Float64Array.from(Xstar.data) };
  return { p: { kind: 'attention', variant: 'normalized', n, d, reg: 0, A1, A2, B, X0 }, Xstar };
}

function plantedSoftmax(n: number, d: number, seed: number): { p: SoftmaxProblem; xstar: Float64Array } {
  const rng = new Rng(seed, 14);
  const A = randMatrix(rng, n, d, 1),
    xstar = randMatrix(rng, 1, d, 0.5).data;
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) z[i] += A.data[i * d + j] * xstar[j];
  return {
    p: { kind: 'softmax', variant: 'normalized', n, d, reg: 0, A, b: Float64Array.from(softmaxRow(z)), x0: new Float64Array(d) },
    xstar,
  };
}

function spec(method: MethodName, options: Record<string, number> = {}): SolveSpec {
  return { index: 0, method, options, line: 0, label: method };
}

/** runSolve with the points collected from onPoint, and a poll counter. */
function run(p: Problem, s: SolveSpec, cancelAfter = Infinity): { r: BlockResult; streamed: IterationPoint[]; polls: number } {
  const streamed: IterationPoint[] = [];
  let polls = 0;
  const r = runSolve(p, s, {
    onPoint: (pt) => streamed.push({ ...pt }),
    cancelled: () => ++polls >= cancelAfter,
    // These tests look at every iteration of a method; thinning long runs is tested in long-runs.test.ts.
    allPoints: true,
  });
  return { r, streamed, polls };
}

/** The points without their wall times, which differ between two runs of the same numbers. */
const untimed = (points: IterationPoint[]) => points.map((p) => ({ ...p, t: undefined }));

/** Streamed points are k = 0..K consecutive, equal to the result's, and K = final.iterations. */
function assertStreamConsistent(r: BlockResult, streamed: IterationPoint[], what: string) {
  assert.deepEqual(streamed, r.iterations, `${what}: streamed points = result points`);
  assert.equal(r.iterations.length, r.final.iterations + 1, `${what}: points = iterations + 1`);
  r.iterations.forEach((pt, i) => assert.equal(pt.k, i, `${what}: k consecutive`));
  for (const pt of r.iterations) {
    assert.ok(
      Number.isFinite(pt.loss) && Number.isFinite(pt.gradNorm) && Number.isFinite(pt.stepNorm),
      `${what}: finite point ${JSON.stringify(pt)}`,
    );
  }
}

function flat(r: BlockResult): number[] {
  return r.final.X ? r.final.X.flat() : (r.final.x ?? []);
}

// ---------------------------------------------------------------------------------------------------------------
// 5. Closed-form first GD step from zero.

test('one GD step from x0 = 0 (softmax normalized) is x1 = (η/n) Aᵀ(b − mean(b)·1) (math spec §2.3)', () => {
  for (const [n, d] of [
    [1, 1],
    [3, 2],
    [5, 4],
    [8, 3],
  ] as [number, number][]) {
    for (const reg of [0, 0.4]) {
      const p = softmaxProblem('normalized', n, d, 60 + n, { reg });
      p.x0 = new Float64Array(d);
      // A general b (not summing to 1) exercises the centring: the formula subtracts mean(b), not 1/n.
      const rng = new Rng(n, 15);
      p.b = Float64Array.from(p.b, () => rng.normal());
      const eta = 0.7;
      const mean = p.b.reduce((s, v) => s + v, 0) / n;
      const expected = new Array<number>(d).fill(0);
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) expected[j] += (eta / n) * p.A.data[i * d + j] * (p.b[i] - mean);
      const { r, streamed } = run(p, spec('gd', { lr: eta, steps: 1 }));
      // n = 1: b − mean(b) = 0, so ∇L(0) = 0 and the run stops at k = 0 on gradTol with x = 0 (the formula's value).
      assert.equal(r.final.stopReason, n === 1 ? 'gradTol' : 'steps');
      assert.equal(r.final.iterations, n === 1 ? 0 : 1);
      assertStreamConsistent(r, streamed, 'gd 1 step');
      const got = r.final.x ?? [];
      assert.equal(got.length, d);
      // Same O(nd) sum computed in two orders: agreement to rounding (1e-14 relative to the entries' scale).
      const scale = Math.max(1e-300, ...expected.map(Math.abs));
      for (let j = 0; j < d; j++)
        assert.ok(
          Math.abs(got[j] - expected[j]) <= 1e-13 * scale + 1e-16,
          `n=${n} d=${d} reg=${reg} x1[${j}]: ${got[j]} vs ${expected[j]}`,
        );
      // The step norm reported for k = 1 is ‖x1 − x0‖ = ‖x1‖.
      const x1n = Math.hypot(...expected);
      if (n > 1) {
        assert.ok(Math.abs(r.iterations[1].stepNorm - x1n) <= 1e-12 * x1n, 'stepNorm of k = 1');
        assert.equal(r.iterations[1].stepSize, eta);
        assert.ok(x1n > 1e-3, 'the step is non-trivial');
      }
    }
  }
});

test('one GD step from X0 = 0 (attention normalized) is X1 = (η/n) A1ᵀ(B − rowmean(B)1ᵀ)A2 (math spec §4.5)', () => {
  for (const [n, d] of [
    [1, 1],
    [3, 2],
    [5, 4],
    [8, 3],
  ] as [number, number][]) {
    for (const reg of [0, 0.4]) {
      const p = attentionProblem('normalized', n, d, 80 + n, { reg });
      p.X0 = zeros(d, d);
      const rng = new Rng(n, 16);
      // Rows of B not summing to one, so rowmean(B) ≠ 1/n and the centring is tested.
      p.B.data.forEach((_, i) => (p.B.data[i] = rng.normal()));
      const eta = 0.9;
      const C: number[] = [];
      for (let i = 0; i < n; i++) {
        let m = 0;
        for (let j = 0; j < n; j++) m += p.B.data[i * n + j] / n;
        for (let j = 0; j < n; j++) C.push(p.B.data[i * n + j] - m);
      }
      const expected: number[] = new Array<number>(d * d).fill(0);
      for (let a = 0; a < d; a++)
        for (let b = 0; b < d; b++)
          for (let i = 0; i < n; i++)
            for (let j = 0; j < n; j++) expected[a * d + b] += (eta / n) * p.A1.data[i * d + a] * C[i * n + j] * p.A2.data[j * d + b];
      const { r, streamed } = run(p, spec('gd', { lr: eta, steps: 1 }));
      // n = 1: rowmean(B) = B, so ∇L(0) = 0 and the run stops at k = 0 (gradTol) with X = 0, the formula's value.
      assert.equal(r.final.stopReason, n === 1 ? 'gradTol' : 'steps');
      assert.equal(r.final.iterations, n === 1 ? 0 : 1);
      assertStreamConsistent(r, streamed, 'gd 1 step');
      assert.ok(r.final.X, 'attention results carry X');
      assert.equal(r.final.X.length, d);
      r.final.X.forEach((row) => assert.equal(row.length, d));
      const got = r.final.X.flat();
      const scale = Math.max(1e-300, ...expected.map(Math.abs));
      for (let k = 0; k < d * d; k++)
        assert.ok(
          Math.abs(got[k] - expected[k]) <= 1e-13 * scale + 1e-16,
          `n=${n} d=${d} reg=${reg} X1[${k}]: ${got[k]} vs ${expected[k]}`,
        );
      if (n > 1) assert.ok(Math.max(...expected.map(Math.abs)) > 1e-3, 'the step is non-trivial');
    }
  }
});

test("evaluate() reports the initial loss and gradient in the problem's shape, and the GD step is −η·gradient", () => {
  const p = attentionProblem('normalized', 4, 3, 5);
  const e = evaluate(p);
  assert.ok(Array.isArray(e.gradient[0]), 'nested rows for the matrix form');
  const G = (e.gradient as number[][]).flat();
  const obj = objectiveFor(p);
  const g = new Float64Array(9);
  assert.equal(e.loss, obj.lossGrad(initialPoint(p), g));
  assert.deepEqual(G, Array.from(g));
  const { r } = run(p, spec('gd', { lr: 0.25, steps: 1 }));
  const X1 = flat(r);
  X1.forEach((v, i) => assert.ok(Math.abs(v - (p.X0.data[i] - 0.25 * G[i])) <= 1e-15, `X1[${i}]`));
  const s = softmaxProblem('rescaled', 5, 2, 6);
  const es = evaluate(s);
  assert.equal((es.gradient as number[]).length, 2);
  assert.ok(typeof es.gradient[0] === 'number');
});

// ---------------------------------------------------------------------------------------------------------------
// 7. Every method converges on a well-conditioned planted problem.

/** Extreme eigenvalues of the Hessian at a point (symmetric, from the library's dense Hessian). */
function hessianSpectrum(p: Problem, x: Float64Array): { min: number; max: number } {
  const obj = objectiveFor(p);
  const H = hessian(obj, x);
  const n = obj.dim;
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(H.subarray(i * n, (i + 1) * n)));
  const ev = new EigenvalueDecomposition(new MlMatrix(rows), { assumeSymmetric: true }).realEigenvalues;
  return { min: Math.min(...ev), max: Math.max(...ev) };
}

interface MethodCase {
  name: string;
  method: MethodName;
  options: Record<string, number>;
  monotone: boolean;
}

function methodCases(lrGd: number, gdSteps: number): MethodCase[] {
  return [
    { name: 'gd', method: 'gd', options: { lr: lrGd, steps: gdSteps }, monotone: false },
    { name: 'armijo', method: 'armijo', options: { lr: 4 * lrGd, steps: gdSteps }, monotone: true },
    { name: 'newton (dense)', method: 'newton', options: { steps: 100 }, monotone: true },
    { name: 'newton (CG)', method: 'newton', options: { steps: 200, dense: 0 }, monotone: true },
    { name: 'lbfgs', method: 'lbfgs', options: { steps: 2000 }, monotone: true },
  ];
}

function checkConvergence(p: Problem, xstar: ArrayLike<number>, cases: MethodCase[], label: string) {
  for (const c of cases) {
    const { r, streamed } = run(p, spec(c.method, c.options));
    const what = `${label} ${c.name}`;
    assertStreamConsistent(r, streamed, what);
    // The minimum is exactly 0 (planted), so the only floor is rounding: residuals ~1e-16 give losses ~1e-32.
    // 1e-12 is what the brief asks for; every method here gets far below it before gradTol (1e-10) fires.
    assert.ok(r.final.loss <= 1e-12, `${what}: final loss ${r.final.loss} after ${r.final.iterations} iterations (${r.final.stopReason})`);
    assert.ok(
      r.final.stopReason === 'gradTol' || r.final.stopReason === 'lossTol',
      `${what}: stopReason ${r.final.stopReason} ${r.final.message ?? ''}`,
    );
    assert.ok(r.final.iterations < (c.options.steps ?? 1000), `${what}: stopped before the step budget`);
    assert.equal(r.final.loss, r.iterations[r.iterations.length - 1].loss, `${what}: final loss is the last point's`);
    // gradTol is the default 1e-10 and is what stopped the run.
    if (r.final.stopReason === 'gradTol') assert.ok(r.iterations[r.iterations.length - 1].gradNorm <= 1e-10);
    if (c.monotone) {
      for (let k = 1; k < r.iterations.length; k++) {
        assert.ok(
          r.iterations[k].loss <= r.iterations[k - 1].loss,
          `${what}: loss rose at k=${k}: ${r.iterations[k - 1].loss} → ${r.iterations[k].loss}`,
        );
      }
    }
    // The Hessian at the solution is positive definite (checked by the caller), so the minimiser is unique and
    // loss ≤ 1e-12 pins the iterate near x*: ‖x − x*‖ ≲ √(2L/λmin).
    const got = flat(r);
    let err = 0;
    for (let i = 0; i < got.length; i++) err = Math.max(err, Math.abs(got[i] - xstar[i]));
    assert.ok(err <= 1e-3, `${what}: ‖x − x*‖∞ = ${err}`);
  }
}

test('every method reaches loss ≤ 1e-12 on a planted attention normalized problem (X0 = 0), streaming every point', () => {
  const { p, Xstar } = plantedAttention(6, 3, 21, 'zero');
  const spec0 = hessianSpectrum(p, Xstar.data);
  // Well-conditioned by construction: λmin > 0 (unique minimiser) and a moderate condition number.
  assert.ok(spec0.min > 1e-3 && spec0.max / spec0.min < 1e3, `Hessian spectrum at X*: [${spec0.min}, ${spec0.max}]`);
  // GD with η = 1/λmax contracts the error near X* by (1 − λmin/λmax) per step; the loss falls by its square.
  // From L0 ~ 1 to 1e-20 needs ~ln(1e20)/(2 λmin/λmax) steps; budget ×4 for the non-quadratic start.
  const lr = 1 / spec0.max;
  const steps = Math.ceil((4 * Math.log(1e20)) / (2 * (spec0.min / spec0.max)));
  checkConvergence(p, Xstar.data, methodCases(lr, steps), 'attention');
});

test('every method reaches loss ≤ 1e-12 on a planted softmax normalized problem (x0 = 0)', () => {
  const { p, xstar } = plantedSoftmax(12, 4, 22);
  const s = hessianSpectrum(p, xstar);
  assert.ok(s.min > 1e-4 && s.max / s.min < 1e3, `Hessian spectrum at x*: [${s.min}, ${s.max}]`);
  const lr = 1 / s.max;
  const steps = Math.ceil((4 * Math.log(1e20)) / (2 * (s.min / s.max)));
  checkConvergence(p, xstar, methodCases(lr, steps), 'softmax');
});

test('newton (dense and CG) converges in a few steps from near the planted solution, superlinearly', () => {
  const { p, Xstar } = plantedAttention(6, 3, 21, 'zero');
  p.X0 = { rows: 3, cols: 3, data: Xstar.data.map((v, i) => v + 0.1 * Math.cos(i)) };
  for (const options of [{}, { dense: 0 }] as Record<string, number>[]) {
    const { r } = run(p, spec('newton', options));
    const what = `newton ${JSON.stringify(options)}`;
    // In the basin of a positive definite minimiser Newton converges quadratically (dense) or superlinearly (CG with
    // forcing term min(0.5, √‖g‖)·‖g‖): from loss ~5e-3 to gradTol in ≤ 10 steps, where GD needs hundreds.
    assert.equal(r.final.stopReason, 'gradTol', what);
    assert.ok(r.final.iterations <= 10, `${what}: ${r.final.iterations} iterations`);
    // Superlinear: over the last three steps each loss ratio improves on the previous one.
    const L = r.iterations.map((pt) => pt.loss);
    const K = L.length - 1;
    assert.ok(L[K] / L[K - 1] < L[K - 1] / L[K - 2] && L[K - 1] / L[K - 2] < L[K - 2] / L[K - 3], `${what}: ratios ${L.join(', ')}`);
    flat(r).forEach((v, i) => assert.ok(Math.abs(v - Xstar.data[i]) <= 1e-6, `${what}: X[${i}] ${v} vs ${Xstar.data[i]}`));
  }
});

/** (H + λI)⁻¹·r by Gaussian elimination with partial pivoting, on plain arrays (independent of ml-matrix). */
function solveDense(H: Float64Array, lambda: number, r: Float64Array): number[] {
  const n = r.length;
  const M = Array.from({ length: n }, (_, i) => [...Array.from(H.subarray(i * n, (i + 1) * n)), r[i]]);
  for (let i = 0; i < n; i++) M[i][i] += lambda;
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(M[i][c]) > Math.abs(M[piv][c])) piv = i;
    [M[c], M[piv]] = [M[piv], M[c]];
    for (let i = c + 1; i < n; i++) {
      const f = M[i][c] / M[c][c];
      for (let j = c; j <= n; j++) M[i][j] -= f * M[c][j];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = M[i][n];
    for (let j = i + 1; j < n; j++) s -= M[i][j] * x[j];
    x[i] = s / M[i][i];
  }
  return x;
}

test("newton's first step is exactly the damped Newton step (dense path) or the one-iteration CG step (CG path)", () => {
  const { p, Xstar } = plantedAttention(6, 3, 21, 'zero');
  // Close enough to X* that the Hessian is still positive definite (λmin(X*) ≈ 7.6e-3; at distance 0.1 it is already
  // indefinite, and Newton would raise the damping), so the step is the plain damped Newton step.
  p.X0 = { rows: 3, cols: 3, data: Xstar.data.map((v, i) => v + 0.01 * Math.cos(i)) };
  const obj = objectiveFor(p);
  const x0 = initialPoint(p);
  assert.ok(hessianSpectrum(p, x0).min > 1e-3, 'positive definite at X0');
  const g = new Float64Array(obj.dim);
  obj.lossGrad(x0, g);
  const H = hessian(obj, x0);
  const lambda = 1e-3;
  // Dense path: p = −(H + λI)⁻¹∇L, accepted with t = 1 (near a positive definite minimiser the full step decreases).
  const pn = solveDense(
    H,
    lambda,
    g.map((v) => -v),
  );
  const dense = run(p, spec('newton', { steps: 1, damping: lambda })).r;
  assert.equal(dense.iterations[1].stepSize, 1);
  flat(dense).forEach((v, i) => assert.ok(Math.abs(v - (x0[i] + pn[i])) <= 1e-10, `dense X1[${i}]: ${v} vs ${x0[i] + pn[i]}`));
  // CG path with one CG iteration: the Cauchy point along −∇L, p = −(gᵀg / gᵀ(H + λI)g)·g. It differs from the
  // Newton step, so this also proves dense = 0 really takes the CG path.
  const Hg = new Float64Array(obj.dim);
  obj.hessVec(x0, g, Hg);
  let gg = 0,
    gHg = 0;
  for (let i = 0; i < obj.dim; i++) {
    gg += g[i] * g[i];
    gHg += g[i] * (Hg[i] + lambda * g[i]);
  }
  assert.ok(gHg > 0);
  const cg = run(p, spec('newton', { steps: 1, damping: lambda, dense: 0, cgiters: 1 })).r;
  const t = cg.iterations[1].stepSize ?? NaN;
  assert.ok(t > 0 && t <= 1);
  const X1 = flat(cg);
  X1.forEach((v, i) => assert.ok(Math.abs(v - (x0[i] - t * (gg / gHg) * g[i])) <= 1e-12, `CG X1[${i}]`));
  let diff = 0;
  for (let i = 0; i < obj.dim; i++) diff = Math.max(diff, Math.abs(X1[i] - (x0[i] + pn[i])));
  assert.ok(diff > 1e-4, `the CG step differs from the Newton step (${diff})`);
  // With enough CG iterations (≥ dim, exact arithmetic) CG solves the system: it matches the dense step closely.
  const cgFull = run(p, spec('newton', { steps: 1, damping: lambda, dense: 0, cgiters: 100 })).r;
  const gn = Math.hypot(...g);
  // Forcing term: residual ≤ min(0.5, √‖g‖)·‖g‖, so the step is only approximate; it must still beat the Cauchy point.
  let errFull = 0,
    errCauchy = 0;
  flat(cgFull).forEach((v, i) => (errFull = Math.max(errFull, Math.abs(v - x0[i] - pn[i]))));
  X1.forEach((v, i) => (errCauchy = Math.max(errCauchy, Math.abs(v - x0[i] - pn[i]))));
  assert.ok(errFull < errCauchy, `CG(100) ${errFull} vs CG(1) ${errCauchy}, ‖g‖ ${gn}`);
});

test('a run starting at the planted solution stops at k = 0 with gradTol', () => {
  const { p } = plantedAttention(5, 3, 23, 'planted');
  for (const method of ['gd', 'armijo', 'newton', 'lbfgs'] as MethodName[]) {
    const { r, streamed } = run(p, spec(method));
    assert.equal(r.final.stopReason, 'gradTol', method);
    assert.equal(r.final.iterations, 0);
    assert.equal(streamed.length, 1);
    assert.equal(streamed[0].stepNorm, 0);
    assert.ok(r.final.loss <= 1e-28);
  }
});

// ---------------------------------------------------------------------------------------------------------------
// 8. Overflow and non-finite input.

function assertNoNaN(r: BlockResult, what: string) {
  for (const pt of r.iterations)
    for (const v of [pt.loss, pt.gradNorm, pt.stepNorm]) assert.ok(!Number.isNaN(v), `${what}: NaN in ${JSON.stringify(pt)}`);
  for (const v of flat(r)) assert.ok(Number.isFinite(v), `${what}: final iterate entry ${v}`);
}

test('rescaled overflow mid-run (GD with a huge lr): stop "overflow" at that iteration, last good iterate kept', () => {
  const p = attentionProblem('rescaled', 5, 3, 31);
  const good = run(p, spec('gd', { lr: 1e-3, steps: 3 })).r;
  assert.equal(good.final.stopReason, 'steps', 'a small lr runs fine');
  const { r, streamed } = run(p, spec('gd', { lr: 1e6, steps: 50 }));
  assert.equal(r.final.stopReason, 'overflow', r.final.message);
  assert.ok(r.final.message, 'overflow carries a message');
  assert.match(r.final.message, /at iteration 1\b/);
  assert.match(r.final.message, /S\[\d+,\d+\]/);
  assertNoNaN(r, 'overflow');
  assertStreamConsistent(r, streamed, 'overflow');
  // Only the initial point was good: it is kept, with its loss and X0.
  assert.equal(r.final.iterations, 0);
  assert.equal(r.iterations.length, 1);
  assert.ok(Number.isFinite(r.final.loss));
  assert.equal(r.final.loss, r.iterations[0].loss);
  assert.deepEqual(flat(r), Array.from(p.X0.data));
});

test('rescaled overflow after several good steps keeps the last good iterate (not the overflowing one)', () => {
  // lr = 1 is just past GD's stability limit here: the iterate oscillates with growing amplitude and crosses the
  // exp limit after a dozen steps, while lr = 0.5 stays stable (scanned once; deterministic data).
  const p = attentionProblem('rescaled', 4, 2, 33, { data: 0.5 });
  assert.equal(run(p, spec('gd', { lr: 0.5, steps: 300 })).r.final.stopReason, 'steps');
  const found = run(p, spec('gd', { lr: 1, steps: 300 })).r;
  assert.equal(found.final.stopReason, 'overflow', found.final.message);
  assert.ok(found.final.iterations >= 5, `overflow after ${found.final.iterations} good steps`);
  const K = found.final.iterations;
  assert.match(found.final.message ?? '', new RegExp(`at iteration ${K + 1}\\b`));
  assert.match(found.final.message ?? '', /S\[\d+,\d+\]/);
  assertNoNaN(found, 'late overflow');
  assert.ok(Number.isFinite(found.final.loss));
  assert.equal(found.final.loss, found.iterations[K].loss);
  // The kept X is the one whose loss was reported: re-evaluating it gives the same loss.
  const X = { rows: 2, cols: 2, data: Float64Array.from(flat(found)) };
  assert.equal(objectiveFor(p).loss(X.data), found.final.loss);
});

test('rescaled overflow at the initial point (A1 entries ~30): stop "overflow" naming the initial point and S[i,j]', () => {
  const p = attentionProblem('rescaled', 4, 3, 33, { data: 30, x: 3 });
  const { r, streamed } = run(p, spec('gd'));
  assert.equal(r.final.stopReason, 'overflow');
  assert.match(r.final.message ?? '', /at the initial point/);
  assert.match(r.final.message ?? '', /S\[\d+,\d+\]/);
  assertNoNaN(r, 'initial overflow');
  // No point is streamed: there is no finite iterate to report.
  assert.equal(streamed.length, 0);
  assert.equal(r.iterations.length, 0);
  assert.equal(r.final.iterations, 0);
  assert.throws(
    () => evaluate(p),
    (e: unknown) => e instanceof EvaluationError && /at the initial point/.test(e.message),
  );
});

test('line-search methods never step into rescaled overflow: trial points that overflow are rejected', () => {
  const p = attentionProblem('rescaled', 4, 2, 34, { data: 3 });
  for (const method of ['armijo', 'newton', 'lbfgs'] as MethodName[]) {
    const { r, streamed } = run(p, spec(method, { lr: 1e6, steps: 30 }));
    assert.notEqual(r.final.stopReason, 'overflow', `${method}: ${r.final.message}`);
    assert.notEqual(r.final.stopReason, 'nonFinite', `${method}: ${r.final.message}`);
    assertStreamConsistent(r, streamed, method);
    assertNoNaN(r, method);
  }
});

test('softmax rescaled overflow names the entry of A·x', () => {
  const p = softmaxProblem('rescaled', 4, 3, 35, { data: 30 });
  // x0 along row 0 of A: (A·x0)_1 = 0.5‖A_1‖² ~ 1000, above the limit (~350), whatever the signs of the data.
  p.x0 = Float64Array.from(p.A.data.subarray(0, 3), (v) => 0.5 * v);
  const { r } = run(p, spec('gd'));
  assert.equal(r.final.stopReason, 'overflow');
  assert.match(r.final.message ?? '', /at the initial point/);
  assert.match(r.final.message ?? '', /A·x has entry 1 = /);
  assert.equal(r.iterations.length, 0);
});

test('NaN in the data stops with "nonFinite" and a message at the initial point', () => {
  for (const variant of ['normalized', 'rescaled'] as Variant[]) {
    const s = softmaxProblem(variant, 4, 2, 36);
    s.b[2] = NaN;
    const a = attentionProblem(variant, 4, 2, 37);
    a.A1.data[3] = NaN;
    for (const p of [s, a] as Problem[]) {
      const { r, streamed } = run(p, spec('lbfgs'));
      assert.equal(r.final.stopReason, 'nonFinite', `${p.kind} ${variant}`);
      assert.match(r.final.message ?? '', /at the initial point/);
      assert.match(r.final.message ?? '', /NaN/);
      assert.equal(streamed.length, 0);
      assert.throws(() => evaluate(p), EvaluationError);
    }
  }
});

// ---------------------------------------------------------------------------------------------------------------
// 9–10. Cancellation and stopping rules.

test('cancellation: cancelled() true on the 5th poll stops with "cancelled" and exactly the points so far', () => {
  for (const method of ['gd', 'armijo', 'newton', 'lbfgs'] as MethodName[]) {
    const p = attentionProblem('normalized', 5, 3, 41);
    const full = run(p, spec(method, { steps: 20, lr: method === 'gd' ? 0.05 : 1 })).r;
    assert.ok(full.final.iterations >= 6, `${method}: the uncancelled run goes past 5 iterations`);
    const { r, streamed, polls } = run(p, spec(method, { steps: 20, lr: method === 'gd' ? 0.05 : 1 }), 5);
    assert.equal(r.final.stopReason, 'cancelled', method);
    assert.equal(polls, 5, 'polled once per iteration, not after the stop');
    // Polls 1–4 said "go on": steps 1–4 were taken, so k = 0..4 were streamed.
    assert.equal(r.final.iterations, 4);
    assertStreamConsistent(r, streamed, method);
    assert.deepEqual(untimed(r.iterations), untimed(full.iterations.slice(0, 5)), `${method}: same points as the uncancelled run`);
  }
});

test('steps = 0 gives exactly one point and stopReason "steps"', () => {
  for (const method of ['gd', 'armijo', 'newton', 'lbfgs'] as MethodName[]) {
    const p = softmaxProblem('normalized', 5, 3, 51);
    const { r, streamed, polls } = run(p, spec(method, { steps: 0 }));
    assert.equal(r.final.stopReason, 'steps');
    assert.equal(r.final.iterations, 0);
    assert.equal(streamed.length, 1);
    assert.equal(streamed[0].k, 0);
    assert.equal(polls, 0);
    assert.deepEqual(r.final.x, Array.from(p.x0));
    assert.equal(r.final.loss, objectiveFor(p).loss(p.x0));
  }
});

test('steps = N runs exactly N iterations when no tolerance is met', () => {
  const p = attentionProblem('normalized', 4, 2, 52);
  const { r, streamed } = run(p, spec('gd', { steps: 7, lr: 0.01 }));
  assert.equal(r.final.stopReason, 'steps');
  assert.equal(r.final.iterations, 7);
  assertStreamConsistent(r, streamed, 'steps 7');
});

test('losstol stops at the first point at or below it', () => {
  const p = attentionProblem('normalized', 5, 3, 53);
  const ref = run(p, spec('armijo', { steps: 30 })).r;
  assert.equal(ref.final.stopReason, 'steps');
  const L = ref.iterations.map((pt) => pt.loss);
  for (const target of [3, 8, 15]) {
    for (const [tol, label] of [
      [L[target], 'equal'],
      [0.5 * (L[target] + L[target - 1]), 'between'],
    ] as [number, string][]) {
      const first = L.findIndex((l) => l <= tol);
      assert.equal(first, target, `the reference trajectory first reaches ${label} tol at ${target}`);
      const { r, streamed } = run(p, spec('armijo', { steps: 30, losstol: tol }));
      assert.equal(r.final.stopReason, 'lossTol', `${label} ${target}`);
      assert.equal(r.final.iterations, target, `${label} ${target}`);
      assertStreamConsistent(r, streamed, `losstol ${label}`);
      assert.deepEqual(untimed(r.iterations), untimed(ref.iterations.slice(0, target + 1)));
      assert.ok(r.final.loss <= tol);
    }
  }
  // losstol above the initial loss stops at k = 0.
  const r0 = run(p, spec('armijo', { losstol: 2 * L[0] })).r;
  assert.equal(r0.final.stopReason, 'lossTol');
  assert.equal(r0.final.iterations, 0);
});

test('gradtol stops at the first point whose gradient norm is at or below it', () => {
  const p = softmaxProblem('normalized', 6, 3, 54);
  const ref = run(p, spec('armijo', { steps: 40, gradtol: 0 })).r;
  const G = ref.iterations.map((pt) => pt.gradNorm);
  const tol = G[10];
  const first = G.findIndex((g) => g <= tol);
  const r = run(p, spec('armijo', { steps: 40, gradtol: tol })).r;
  assert.equal(r.final.stopReason, 'gradTol');
  assert.equal(r.final.iterations, first);
  assert.deepEqual(untimed(r.iterations), untimed(ref.iterations.slice(0, first + 1)));
});

test('runSolve fills missing options with the method defaults and echoes index and label', () => {
  const p = softmaxProblem('normalized', 4, 2, 55);
  const r = runSolve(
    p,
    { index: 3, method: 'newton', options: { steps: 2 }, line: 9, label: 'my newton' },
    { onPoint: () => {}, cancelled: () => false },
  );
  assert.equal(r.index, 3);
  assert.equal(r.label, 'my newton');
  assert.equal(r.method, 'newton');
  assert.deepEqual(r.options, { damping: 1e-6, dense: 400, cgiters: 100, steps: 2, gradtol: 1e-10, losstol: 0, float32: 0 });
});
