/**
 * The objective kernels (server/src/math) against independent oracles: central finite differences of the loss and
 * of the gradient, the closed-form Hessian of math spec §2.4, a naive loss written here with plain number[][] and
 * Math.exp, and the tensor trick of §4.2–§4.4 with explicit Kronecker rows. Data comes from the repo's seeded PRNG,
 * so every run sees the same numbers.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Variant } from '../../protocol/results';
import { Rng } from '../../server/src/math/random';
import { objectiveFor } from '../../server/src/math/kernels';
import { hessian, initialPoint, type Objective } from '../../server/src/math/objective';
import type { AttentionProblem, Matrix, Problem, SoftmaxProblem } from '../../server/src/problem';
import { randMatrix, rowStochastic } from './builders';

// ---------------------------------------------------------------------------------------------------------------
// Problem builders (seeded).

interface Scales {
  /** Standard deviation of the data entries (A1, A2 or A). */
  data?: number;
  /** Standard deviation of the initial point. */
  x?: number;
}

function attentionProblem(variant: Variant, n: number, d: number, reg: number, seed: number, s: Scales = {}): AttentionProblem {
  const rng = new Rng(seed, 1);
  return {
    kind: 'attention',
    variant,
    n,
    d,
    reg,
    A1: randMatrix(rng, n, d, s.data ?? 0.7),
    A2: randMatrix(rng, n, d, s.data ?? 0.7),
    B: rowStochastic(rng, n, n),
    X0: randMatrix(rng, d, d, s.x ?? 0.5),
  };
}

function softmaxProblem(variant: Variant, n: number, d: number, reg: number, seed: number, s: Scales = {}): SoftmaxProblem {
  const rng = new Rng(seed, 2);
  return {
    kind: 'softmax',
    variant,
    n,
    d,
    reg,
    A: randMatrix(rng, n, d, s.data ?? 0.7),
    b: rowStochastic(rng, 1, n).data,
    x0: randMatrix(rng, 1, d, s.x ?? 0.5).data,
  };
}

const SHAPES: [number, number][] = [
  [1, 1],
  [3, 2],
  [5, 4],
  [8, 3],
];
const VARIANTS: Variant[] = ['normalized', 'rescaled'];
const REGS = [0, 0.3];

/** Every (kind, variant, shape, reg) combination, each with its own seed. */
function allProblems(): { name: string; p: Problem }[] {
  const out: { name: string; p: Problem }[] = [];
  let seed = 100;
  for (const variant of VARIANTS)
    for (const [n, d] of SHAPES)
      for (const reg of REGS) {
        out.push({ name: `attention ${variant} n=${n} d=${d} reg=${reg}`, p: attentionProblem(variant, n, d, reg, seed++) });
        out.push({ name: `softmax ${variant} n=${n} d=${d} reg=${reg}`, p: softmaxProblem(variant, n, d, reg, seed++) });
      }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Small numeric helpers.

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

function diffNorm(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
}

/**
 * ‖a − b‖ ≤ rel·max(‖a‖, ‖b‖) + abs. The absolute part only covers vectors that are exactly or nearly zero (e.g. the
 * normalized n = 1 problem, whose loss is constant); it is far below every non-trivial gradient used here.
 */
function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, rel: number, abs: number, what: string) {
  assert.equal(a.length, b.length, `${what}: lengths`);
  const err = diffNorm(a, b);
  const scale = Math.max(norm(a), norm(b));
  assert.ok(err <= rel * scale + abs, `${what}: ‖diff‖ = ${err.toExponential(3)}, scale ${scale.toExponential(3)}`);
}

/** Step for central differences: h ≈ ε^{1/3} balances truncation O(h²) against rounding O(ε/h). */
const H = 1e-5;

function fdGradient(obj: Objective, x: Float64Array): Float64Array {
  const g = new Float64Array(x.length);
  const y = Float64Array.from(x);
  for (let i = 0; i < x.length; i++) {
    const h = H * Math.max(1, Math.abs(x[i]));
    y[i] = x[i] + h;
    const lp = obj.loss(y);
    y[i] = x[i] - h;
    const lm = obj.loss(y);
    y[i] = x[i];
    g[i] = (lp - lm) / (2 * h);
  }
  return g;
}

/** (∇L(x + h v) − ∇L(x − h v)) / 2h. */
function fdHessVec(obj: Objective, x: Float64Array, v: Float64Array): Float64Array {
  const n = x.length;
  const xp = new Float64Array(n),
    xm = new Float64Array(n),
    gp = new Float64Array(n),
    gm = new Float64Array(n);
  const h = H / Math.max(1e-300, norm(v));
  for (let i = 0; i < n; i++) {
    xp[i] = x[i] + h * v[i];
    xm[i] = x[i] - h * v[i];
  }
  obj.lossGrad(xp, gp);
  obj.lossGrad(xm, gm);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (gp[i] - gm[i]) / (2 * h);
  return out;
}

function grad(obj: Objective, x: Float64Array): { loss: number; g: Float64Array } {
  const g = new Float64Array(obj.dim);
  const loss = obj.lossGrad(x, g);
  return { loss, g };
}

// ---------------------------------------------------------------------------------------------------------------
// Naive oracles on number[][] (written independently of server/src/math).

function rows(M: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < M.rows; i++) {
    const r: number[] = [];
    for (let j = 0; j < M.cols; j++) r.push(M.data[i * M.cols + j]);
    out.push(r);
  }
  return out;
}

function mm(A: number[][], B: number[][]): number[][] {
  return A.map((a) => B[0].map((_, j) => a.reduce((s, aik, k) => s + aik * B[k][j], 0)));
}

function transpose(A: number[][]): number[][] {
  return A[0].map((_, j) => A.map((r) => r[j]));
}

/** 0.5‖softmax(z) − b‖² or 0.5‖exp(z) − ⟨exp(z),1⟩ b‖², with exp straight from the definition (no max shift). */
function naiveRowLoss(variant: Variant, z: number[], b: number[]): number {
  const u = z.map(Math.exp);
  const alpha = u.reduce((s, v) => s + v, 0);
  const r = variant === 'normalized' ? u.map((v, j) => v / alpha - b[j]) : u.map((v, j) => v - alpha * b[j]);
  return 0.5 * r.reduce((s, v) => s + v * v, 0);
}

function naiveLoss(p: Problem, x: Float64Array): number {
  const reg = 0.5 * p.reg * x.reduce((s, v) => s + v * v, 0);
  if (p.kind === 'softmax') {
    const A = rows(p.A);
    const z = A.map((a) => a.reduce((s, aj, j) => s + aj * x[j], 0));
    return naiveRowLoss(p.variant, z, Array.from(p.b)) + reg;
  }
  const X = rows({ rows: p.d, cols: p.d, data: x });
  const S = mm(mm(rows(p.A1), X), transpose(rows(p.A2)));
  const B = rows(p.B);
  return S.reduce((s, zi, i) => s + naiveRowLoss(p.variant, zi, B[i]), 0) + reg;
}

/** 𝖠_{j0} = A1[j0,:] ⊗ A2 (n × d²): row j1, column i0·d + i1 holds A1[j0,i0]·A2[j1,i1] (math spec §1, §4.2). */
function kroneckerBlock(A1: Matrix, A2: Matrix, j0: number): Matrix {
  const n = A2.rows,
    d = A1.cols;
  const data = new Float64Array(n * d * d);
  for (let j1 = 0; j1 < n; j1++)
    for (let i0 = 0; i0 < d; i0++)
      for (let i1 = 0; i1 < d; i1++) data[j1 * d * d + i0 * d + i1] = A1.data[j0 * d + i0] * A2.data[j1 * d + i1];
  return { rows: n, cols: d * d, data };
}

/** B(x) of math spec §2.4 as a dense n×n matrix, from its first formula. */
function hessCore(f: number[], b: number[]): number[][] {
  const n = f.length;
  const g = f.map((fi, i) => (2 * fi - b[i]) * fi);
  let c1 = 0,
    c2 = 0;
  for (let i = 0; i < n; i++) {
    c1 += (3 * f[i] - 2 * b[i]) * f[i];
    c2 += (f[i] - b[i]) * f[i];
  }
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const r: number[] = [];
    for (let j = 0; j < n; j++) r.push(c1 * f[i] * f[j] - f[i] * g[j] - g[i] * f[j] + (i === j ? g[i] - c2 * f[i] : 0));
    out.push(r);
  }
  return out;
}

/** The same B(x) from DLS23's split B_rank + B_diag (§2.4), as a check on the test's own formula. */
function hessCoreSplit(f: number[], b: number[]): number[][] {
  const n = f.length;
  let c1 = 0,
    c2 = 0;
  for (let i = 0; i < n; i++) {
    c1 += (3 * f[i] - 2 * b[i]) * f[i];
    c2 += f[i] * (f[i] - b[i]);
  }
  const bf = f.map((fi, i) => b[i] * fi),
    ff = f.map((fi) => fi * fi);
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const r: number[] = [];
    for (let j = 0; j < n; j++) {
      const rank = c1 * f[i] * f[j] + bf[i] * f[j] + f[i] * bf[j] - 2 * ff[i] * f[j] - 2 * f[i] * ff[j];
      r.push(rank + (i === j ? -c2 * f[i] + (2 * f[i] - b[i]) * f[i] : 0));
    }
    out.push(r);
  }
  return out;
}

function softmaxOf(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, v) => a + v, 0);
  return e.map((v) => v / s);
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Gradients vs central finite differences.

test('gradients of all four problems match central finite differences (with and without reg, several shapes)', () => {
  let checked = 0;
  for (const { name, p } of allProblems()) {
    const obj = objectiveFor(p);
    const x = initialPoint(p);
    const { loss, g } = grad(obj, x);
    assert.ok(Number.isFinite(loss), `${name}: finite loss`);
    // lossGrad returns the same value as loss().
    assert.equal(loss, obj.loss(x), `${name}: lossGrad and loss agree`);
    const fd = fdGradient(obj, x);
    // Truncation error ~h²·|L'''| ≈ 1e-10 and rounding ~ε·L/h ≈ 1e-11 for O(1) losses, so 1e-6 relative has margin
    // of four orders of magnitude while still catching any wrong term (which shows up at O(1) relative error).
    assertClose(g, fd, 1e-6, 1e-9, name);
    // The gradient is not trivially zero, except for n = 1: a one-entry stochastic row is b = 1, where both the
    // normalized loss (softmax ≡ 1) and the rescaled one (u − u·1 ≡ 0) are constant (see the next two tests).
    if (p.n > 1) assert.ok(norm(g) > 1e-4, `${name}: non-trivial gradient ${norm(g)}`);
    checked++;
  }
  assert.equal(checked, 32);
});

test('normalized n = 1: the loss is constant, so the gradient is exactly reg·x', () => {
  for (const reg of [0, 0.3]) {
    for (const p of [attentionProblem('normalized', 1, 1, reg, 7), softmaxProblem('normalized', 1, 1, reg, 8)]) {
      const obj = objectiveFor(p);
      const x = initialPoint(p);
      const { g } = grad(obj, x);
      assert.ok(Math.abs(g[0] - reg * x[0]) <= 1e-15, `${p.kind} reg=${reg}: ${g[0]} vs ${reg * x[0]}`);
    }
  }
});

test('rescaled gradients and HVPs with a general (not row-stochastic, signed) target, including n = 1', () => {
  let seed = 1200;
  for (const [n, d] of SHAPES) {
    for (const reg of REGS) {
      for (const kind of ['attention', 'softmax'] as const) {
        const rng = new Rng(seed, 6);
        const p = kind === 'attention' ? attentionProblem('rescaled', n, d, reg, seed++) : softmaxProblem('rescaled', n, d, reg, seed++);
        if (p.kind === 'attention') p.B.data.forEach((_, i) => (p.B.data[i] = rng.normal()));
        else p.b.forEach((_, i) => (p.b[i] = rng.normal()));
        const obj = objectiveFor(p);
        const x = initialPoint(p);
        const { g } = grad(obj, x);
        const name = `${kind} n=${n} d=${d} reg=${reg}`;
        assert.ok(norm(g) > 1e-4, `${name}: non-trivial gradient`);
        assertClose(g, fdGradient(obj, x), 1e-6, 1e-9, `${name}: gradient`);
        const v = new Float64Array(obj.dim).map(() => rng.normal());
        const hv = new Float64Array(obj.dim);
        obj.hessVec(x, v, hv);
        assertClose(hv, fdHessVec(obj, x, v), 1e-6, 1e-9, `${name}: HVP`);
      }
    }
  }
});

test('gradients match finite differences away from the initial point (random points, larger d)', () => {
  const rng = new Rng(2024, 9);
  for (const variant of VARIANTS) {
    for (const p of [attentionProblem(variant, 6, 5, 0.1, 31), softmaxProblem(variant, 9, 7, 0.1, 32)]) {
      const obj = objectiveFor(p);
      for (let trial = 0; trial < 3; trial++) {
        const x = new Float64Array(obj.dim).map(() => 0.4 * rng.normal());
        const { g } = grad(obj, x);
        assertClose(g, fdGradient(obj, x), 1e-6, 1e-9, `${p.kind} ${variant} trial ${trial}`);
      }
    }
  }
});

// ---------------------------------------------------------------------------------------------------------------
// 2. Hessian-vector products vs finite differences of the gradient.

test('Hessian-vector products of all four problems match central differences of the gradient', () => {
  const rng = new Rng(77, 3);
  for (const { name, p } of allProblems()) {
    const obj = objectiveFor(p);
    const x = initialPoint(p);
    for (let trial = 0; trial < 2; trial++) {
      const v = new Float64Array(obj.dim).map(() => rng.normal());
      const hv = new Float64Array(obj.dim);
      obj.hessVec(x, v, hv);
      const fd = fdHessVec(obj, x, v);
      // Same error budget as the gradient check, one derivative higher: still ≲ 1e-9 relative in practice.
      assertClose(hv, fd, 1e-6, 1e-9, `${name} trial ${trial}`);
    }
  }
});

test('hessVec does not depend on call order (cached forward state is refreshed after evaluating elsewhere)', () => {
  for (const variant of VARIANTS) {
    for (const p of [attentionProblem(variant, 5, 3, 0.2, 41), softmaxProblem(variant, 5, 3, 0.2, 42)]) {
      const obj = objectiveFor(p);
      const x = initialPoint(p);
      const v = new Float64Array(obj.dim).map((_, i) => Math.cos(i + 1));
      const first = new Float64Array(obj.dim);
      obj.hessVec(x, v, first);
      // Evaluate somewhere else (loss only, then lossGrad), then ask again at x.
      const elsewhere = x.map((xi) => xi + 0.3);
      obj.loss(elsewhere);
      const again = new Float64Array(obj.dim);
      obj.hessVec(x, v, again);
      assert.deepEqual(Array.from(again), Array.from(first), `${p.kind} ${variant} after loss()`);
      obj.lossGrad(elsewhere, new Float64Array(obj.dim));
      obj.hessVec(x, v, again);
      assert.deepEqual(Array.from(again), Array.from(first), `${p.kind} ${variant} after lossGrad()`);
      // Mutating the point in place (same array object) must not reuse the stale state.
      const y = Float64Array.from(x);
      obj.hessVec(y, v, again);
      y[0] += 0.5;
      const moved = new Float64Array(obj.dim);
      obj.hessVec(y, v, moved);
      assertClose(moved, fdHessVec(obj, y, v), 1e-6, 1e-9, `${p.kind} ${variant} mutated point`);
    }
  }
});

// ---------------------------------------------------------------------------------------------------------------
// 3. Full Hessian.

test('hessian(obj, x) matches finite differences of the gradient column by column and is symmetric', () => {
  for (const { name, p } of allProblems()) {
    const obj = objectiveFor(p);
    const x = initialPoint(p);
    const Hm = hessian(obj, x);
    const n = obj.dim;
    assert.equal(Hm.length, n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) assert.equal(Hm[i * n + j], Hm[j * n + i], `${name}: symmetric (${i},${j})`);
    // Column j from finite differences along e_j.
    const fd = new Float64Array(n * n);
    for (let j = 0; j < n; j++) {
      const e = new Float64Array(n);
      e[j] = 1;
      const col = fdHessVec(obj, x, e);
      for (let i = 0; i < n; i++) fd[i * n + j] = col[i];
    }
    assertClose(Hm, fd, 1e-6, 1e-9, name);
  }
});

test('hessian(obj, x) is symmetric before symmetrization too: the raw HVP columns agree with the rows', () => {
  // hessian() averages H and Hᵀ; this checks the HVPs themselves are symmetric (⟨u, H v⟩ = ⟨v, H u⟩), so the
  // averaging only removes rounding.
  const rng = new Rng(5, 5);
  for (const { name, p } of allProblems()) {
    const obj = objectiveFor(p);
    const x = initialPoint(p);
    const u = new Float64Array(obj.dim).map(() => rng.normal());
    const v = new Float64Array(obj.dim).map(() => rng.normal());
    const Hu = new Float64Array(obj.dim),
      Hv = new Float64Array(obj.dim);
    obj.hessVec(x, u, Hu);
    obj.hessVec(x, v, Hv);
    let uHv = 0,
      vHu = 0,
      scale = 0;
    for (let i = 0; i < obj.dim; i++) {
      uHv += u[i] * Hv[i];
      vHu += v[i] * Hu[i];
      scale += Math.abs(u[i] * Hv[i]);
    }
    assert.ok(Math.abs(uHv - vHu) <= 1e-12 * scale + 1e-15, `${name}: ${uHv} vs ${vHu}`);
  }
});

test('softmax normalized Hessian equals the closed form Aᵀ B(x) A + reg·I of math spec §2.4', () => {
  for (const [n, d] of [
    [3, 2],
    [5, 4],
    [8, 3],
    [6, 6],
  ] as [number, number][]) {
    for (const reg of REGS) {
      const p = softmaxProblem('normalized', n, d, reg, 500 + n * 10 + d);
      const x = initialPoint(p);
      const A = rows(p.A);
      const b = Array.from(p.b);
      const f = softmaxOf(A.map((a) => a.reduce((s, aj, j) => s + aj * x[j], 0)));
      const core = hessCore(f, b);
      // The two forms written in the spec agree (a check on the test's transcription).
      const split = hessCoreSplit(f, b);
      assertClose(core.flat(), split.flat(), 1e-13, 1e-16, 'B(x) two forms');
      const closed = mm(mm(transpose(A), core), A);
      for (let i = 0; i < d; i++) closed[i][i] += reg;
      const Hm = hessian(objectiveFor(p), x);
      // Both are O(nd²) sums of O(1) terms: agreement to rounding, 1e-12 relative.
      assertClose(Hm, closed.flat(), 1e-12, 1e-15, `n=${n} d=${d} reg=${reg}`);
    }
  }
});

test('attention normalized Hessian equals Σ_i (a_i a_iᵀ) ⊗ (A2ᵀ B_i A2) + reg·I (math spec §4.6, row-major vec)', () => {
  for (const [n, d] of [
    [3, 2],
    [5, 3],
    [4, 4],
  ] as [number, number][]) {
    const p = attentionProblem('normalized', n, d, 0.2, 900 + n * 10 + d);
    const x = initialPoint(p);
    const A1 = rows(p.A1),
      A2 = rows(p.A2),
      B = rows(p.B);
    const S = mm(mm(A1, rows({ rows: d, cols: d, data: x })), transpose(A2));
    const D = d * d;
    const closed = new Float64Array(D * D);
    for (let i = 0; i < n; i++) {
      const K = mm(mm(transpose(A2), hessCore(softmaxOf(S[i]), B[i])), A2); // d×d
      for (let r0 = 0; r0 < d; r0++)
        for (let c0 = 0; c0 < d; c0++) {
          const a = A1[i][r0] * A1[i][c0];
          for (let r1 = 0; r1 < d; r1++) for (let c1 = 0; c1 < d; c1++) closed[(r0 * d + r1) * D + c0 * d + c1] += a * K[r1][c1];
        }
    }
    for (let i = 0; i < D; i++) closed[i * D + i] += p.reg;
    assertClose(hessian(objectiveFor(p), x), closed, 1e-12, 1e-15, `n=${n} d=${d}`);
  }
});

// ---------------------------------------------------------------------------------------------------------------
// 4. Independent loss oracle and the tensor trick.

test('the loss of all four problems equals a naive recomputation (plain exp, number[][])', () => {
  const rng = new Rng(11, 4);
  for (const { name, p } of allProblems()) {
    const obj = objectiveFor(p);
    for (const x of [initialPoint(p), new Float64Array(obj.dim).map(() => 0.6 * rng.normal())]) {
      const mine = naiveLoss(p, x);
      const theirs = obj.loss(x);
      // Sums of O(n²) products of O(1) terms in a different order: agreement to ~1e-14 relative.
      assert.ok(Math.abs(mine - theirs) <= 1e-12 * Math.max(1, Math.abs(mine)), `${name}: ${theirs} vs naive ${mine}`);
    }
  }
});

test('attention loss and gradient = sum of n vector softmax regressions on the Kronecker blocks A1[j0,:] ⊗ A2 (§4.4)', () => {
  const rng = new Rng(12, 4);
  for (const variant of VARIANTS) {
    for (const [n, d] of [
      [1, 1],
      [3, 2],
      [5, 4],
      [8, 3],
    ] as [number, number][]) {
      for (const reg of REGS) {
        const p = attentionProblem(variant, n, d, reg, 700 + n * 10 + d);
        const x = Float64Array.from(p.X0.data).map((v) => v + 0.2 * rng.normal());
        const blocks = Array.from({ length: n }, (_, j0) => kroneckerBlock(p.A1, p.A2, j0));
        // vec convention: block j0 · vec(X) is row j0 of S = A1 X A2ᵀ.
        const S = mm(mm(rows(p.A1), rows({ rows: d, cols: d, data: x })), transpose(rows(p.A2)));
        for (let j0 = 0; j0 < n; j0++) {
          const z = rows(blocks[j0]).map((r) => r.reduce((s, v, k) => s + v * x[k], 0));
          assertClose(z, S[j0], 1e-13, 1e-15, `block ${j0} = row ${j0} of S`);
        }
        let lossSum = 0.5 * reg * x.reduce((s, v) => s + v * v, 0);
        let naiveSum = lossSum;
        const gSum = Float64Array.from(x, (v) => reg * v);
        for (let j0 = 0; j0 < n; j0++) {
          const b = p.B.data.slice(j0 * n, (j0 + 1) * n);
          const sp: SoftmaxProblem = { kind: 'softmax', variant, n, d: d * d, reg: 0, A: blocks[j0], b, x0: x };
          const so = objectiveFor(sp);
          const gj = new Float64Array(d * d);
          lossSum += so.lossGrad(x, gj);
          for (let k = 0; k < gj.length; k++) gSum[k] += gj[k];
          const z = rows(blocks[j0]).map((r) => r.reduce((s, v, k) => s + v * x[k], 0));
          naiveSum += naiveRowLoss(variant, z, Array.from(b));
        }
        const obj = objectiveFor(p);
        const { loss, g } = grad(obj, x);
        const tag = `${variant} n=${n} d=${d} reg=${reg}`;
        assert.ok(Math.abs(loss - lossSum) <= 1e-12 * Math.max(1, loss), `${tag}: ${loss} vs Σ vector ${lossSum}`);
        assert.ok(Math.abs(loss - naiveSum) <= 1e-12 * Math.max(1, loss), `${tag}: ${loss} vs Σ naive ${naiveSum}`);
        assertClose(g, gSum, 1e-12, 1e-15, `${tag}: gradient`);
      }
    }
  }
});

// ---------------------------------------------------------------------------------------------------------------
// 6. Planted solutions.

test('at a planted solution (B = rowsoftmax(A1 X* A2ᵀ), X0 = X*) loss and gradient vanish, for both variants', () => {
  for (const variant of VARIANTS) {
    for (const [n, d] of [
      [3, 2],
      [5, 4],
      [8, 3],
    ] as [number, number][]) {
      const p = attentionProblem(variant, n, d, 0, 300 + n * 10 + d, { data: 1 });
      const S = mm(mm(rows(p.A1), rows(p.X0)), transpose(rows(p.A2)));
      p.B = { rows: n, cols: n, data: Float64Array.from(S.flatMap(softmaxOf)) };
      const obj = objectiveFor(p);
      const { loss, g } = grad(obj, initialPoint(p));
      // Residual entries are rounding errors: ~ε·1 for softmax rows, ~ε·α_i for the rescaled exp(S) − α_i·B_i with
      // α_i = Σ_j exp(S_ij). With u = max(1, max α) the loss is ≲ n²·(10ε·u)² and the gradient ≲ n²·10ε·u² (data O(1)).
      const u = Math.max(1, ...S.map((r) => r.reduce((s, v) => s + Math.exp(v), 0)));
      const eps = Number.EPSILON;
      assert.ok(loss <= n * n * (10 * eps * u) ** 2, `${variant} n=${n} d=${d}: loss ${loss}, α max ${u}`);
      assert.ok(norm(g) <= n * n * 10 * eps * u * u, `${variant} n=${n} d=${d}: ‖∇L‖ ${norm(g)}, α max ${u}`);
      // Not vacuous: moving X0 away raises the loss by a non-rounding amount.
      const x = initialPoint(p).map((v) => v + 0.1);
      assert.ok(obj.loss(x) > 1e-8, `${variant}: loss elsewhere ${obj.loss(x)}`);
    }
    const sp = softmaxProblem(variant, 6, 3, 0, 333, { data: 1 });
    const z = rows(sp.A).map((a) => a.reduce((s, aj, j) => s + aj * sp.x0[j], 0));
    sp.b = Float64Array.from(softmaxOf(z));
    const { loss, g } = grad(objectiveFor(sp), initialPoint(sp));
    const u = Math.max(
      1,
      z.reduce((s, v) => s + Math.exp(v), 0),
    );
    const eps = Number.EPSILON;
    assert.ok(loss <= 36 * (10 * eps * u) ** 2, `softmax ${variant}: loss ${loss}`);
    assert.ok(norm(g) <= 36 * 10 * eps * u * u, `softmax ${variant}: ‖∇L‖ ${norm(g)}`);
  }
});

test('a planted solution with reg > 0 is not stationary: the gradient is exactly reg·X*', () => {
  const p = attentionProblem('normalized', 5, 3, 0.25, 404, { data: 1 });
  const S = mm(mm(rows(p.A1), rows(p.X0)), transpose(rows(p.A2)));
  p.B = { rows: 5, cols: 5, data: Float64Array.from(S.flatMap(softmaxOf)) };
  const x = initialPoint(p);
  const { loss, g } = grad(objectiveFor(p), x);
  assertClose(
    g,
    x.map((v) => 0.25 * v),
    1e-12,
    1e-14,
    'reg·X*',
  );
  assert.ok(Math.abs(loss - 0.125 * norm(x) ** 2) <= 1e-14, `loss ${loss}`);
});
