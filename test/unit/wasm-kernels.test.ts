/**
 * The WebAssembly SIMD kernels against the portable JavaScript path and against naive recomputation: gemm with
 * strides and accumulation on every remainder shape of its register blocks, and all four objectives (loss, gradient,
 * Hessian-vector product, overflow refusal) on shapes that exercise odd rows, odd columns and several row blocks.
 * The finite-difference and closed-form oracles of solver-derivatives.test.ts run on the WASM path by default and
 * on the JavaScript path through js-path-oracles.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Variant } from '../../protocol/results';
import { Rng } from '../../server/src/math/random';
import { objectiveFor } from '../../server/src/math/kernels';
import { rowBlock } from '../../server/src/math/wasm/attention';
import { kernelInstance, wasmAvailable } from '../../server/src/math/wasm/instance';
import type { AttentionProblem, SoftmaxProblem } from '../../server/src/problem';
import { randMatrix, rowStochastic } from './builders';

const VARIANTS: Variant[] = ['normalized', 'rescaled'];

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0,
    den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += a[i] ** 2 + b[i] ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-300));
}

test('this Node has WebAssembly SIMD, so the default objectives are the WASM ones', () => {
  assert.ok(wasmAvailable());
});

test('gemm matches a naive triple loop on every block remainder, with row strides, accumulation and k across blocks', () => {
  const rng = new Rng(11, 1);
  for (const [m, n, k] of [
    [1, 1, 1],
    [3, 5, 2],
    [4, 4, 4],
    [5, 7, 3],
    [9, 6, 130],
    [8, 3, 257],
    [2, 9, 0],
  ]) {
    const lda = k + 2,
      ldb = n + 1,
      ldc = n + 3;
    const { k: K, bufs } = kernelInstance([m * lda, Math.max(k, 1) * ldb, m * ldc]);
    const [A, B, C] = bufs;
    for (const buf of bufs) for (let i = 0; i < buf.a.length; i++) buf.a[i] = rng.normal();
    const C0 = Float64Array.from(C.a);
    for (const acc of [0, 1]) {
      C.a.set(C0);
      K.gemm(m, n, k, A.ptr, lda, B.ptr, ldb, C.ptr, ldc, acc);
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let s = acc ? C0[i * ldc + j] : 0;
          for (let p = 0; p < k; p++) s += A.a[i * lda + p] * B.a[p * ldb + j];
          assert.ok(Math.abs(C.a[i * ldc + j] - s) <= 1e-13 * (1 + Math.abs(s)), `m=${m} n=${n} k=${k} acc=${acc} (${i},${j})`);
        }
      // Padding between rows is left alone.
      for (let i = 0; i < m; i++) for (let j = n; j < ldc; j++) assert.equal(C.a[i * ldc + j], C0[i * ldc + j]);
    }
  }
});

test('exp in the row kernels matches Math.exp to rounding across the exponent range, and underflows to 0', () => {
  const cols = 41;
  const { k, bufs } = kernelInstance([cols, cols, cols]);
  const [S, B, G] = bufs; // B = 0, so the rescaled pass leaves G = U∘U with U = exp(S)
  for (let j = 0; j < cols; j++) S.a[j] = -760 + 19 * j; // −760 … 0: underflow, subnormal and normal range
  k.rowsRescaled(1, cols, S.ptr, B.ptr, G.ptr);
  for (let j = 0; j < cols; j++) {
    const u = Math.exp(S.a[j]);
    if (S.a[j] < -708) assert.equal(G.a[j], 0, `exp(${S.a[j]}) underflows to 0`);
    else if (u > 1e-150) assert.ok(Math.abs(Math.sqrt(G.a[j]) - u) <= 4e-16 * u, `exp(${S.a[j]}): ${Math.sqrt(G.a[j])} vs ${u}`);
  }
});

function attention(variant: Variant, n: number, d: number, reg: number, seed: number, scale = 0.7): AttentionProblem {
  const rng = new Rng(seed, 3);
  return {
    kind: 'attention',
    variant,
    n,
    d,
    reg,
    A1: randMatrix(rng, n, d, scale),
    A2: randMatrix(rng, n, d, scale),
    B: rowStochastic(rng, n, n),
    X0: randMatrix(rng, d, d, 0.5),
  };
}

function softmax(variant: Variant, n: number, d: number, reg: number, seed: number, scale = 0.7): SoftmaxProblem {
  const rng = new Rng(seed, 4);
  return {
    kind: 'softmax',
    variant,
    n,
    d,
    reg,
    A: randMatrix(rng, n, d, scale),
    b: rowStochastic(rng, 1, n).data,
    x0: randMatrix(rng, 1, d, 0.5).data,
  };
}

function compare(p: AttentionProblem | SoftmaxProblem, what: string) {
  const w = objectiveFor(p, 'wasm'),
    j = objectiveFor(p, 'js');
  assert.notEqual(w.constructor, j.constructor);
  const rng = new Rng(7, 5);
  const x = new Float64Array(w.dim).map(() => 0.5 * rng.normal());
  const v = new Float64Array(w.dim).map(() => rng.normal());
  const gw = new Float64Array(w.dim),
    gj = new Float64Array(w.dim);
  const Lw = w.lossGrad(x, gw),
    Lj = j.lossGrad(x, gj);
  assert.ok(Math.abs(Lw - Lj) <= 1e-13 * Math.abs(Lj), `${what}: loss ${Lw} vs ${Lj}`);
  assert.equal(w.loss(x), Lw, `${what}: loss() is lossGrad()'s value`);
  assert.ok(relErr(gw, gj) <= 1e-12, `${what}: gradient rel err ${relErr(gw, gj)}`);
  const hw = new Float64Array(w.dim),
    hj = new Float64Array(w.dim);
  w.hessVec(x, v, hw);
  j.hessVec(x, v, hj);
  assert.ok(relErr(hw, hj) <= 1e-12, `${what}: Hessian-vector rel err ${relErr(hw, hj)}`);
}

test('attention objectives: WASM and JavaScript agree to rounding (odd shapes, several row blocks, regularized)', () => {
  assert.ok(rowBlock(300) < 300, 'n = 300 spans several row blocks');
  for (const variant of VARIANTS)
    for (const [n, d] of [
      [1, 1],
      [2, 3],
      [5, 4],
      [7, 6],
      [13, 9],
      [64, 16],
      [300, 5],
    ])
      compare(attention(variant, n, d, n % 2 ? 0.1 : 0, n * 31 + d), `${variant} n=${n} d=${d}`);
});

test('vector objectives: WASM and JavaScript agree to rounding', () => {
  for (const variant of VARIANTS)
    for (const [n, d] of [
      [1, 1],
      [3, 2],
      [8, 5],
      [33, 7],
      [4097, 64],
    ])
      compare(softmax(variant, n, d, n % 2 ? 0.05 : 0, n + d), `${variant} n=${n} d=${d}`);
});

test('rescaled overflow: both paths refuse at the same score, row and column, with NaN gradients', () => {
  for (const p of [attention('rescaled', 150, 4, 0, 3, 6), softmax('rescaled', 50, 3, 0, 3, 60)]) {
    const w = objectiveFor(p, 'wasm'),
      j = objectiveFor(p, 'js');
    const x = new Float64Array(w.dim).fill(8);
    const gw = new Float64Array(w.dim),
      gj = new Float64Array(w.dim);
    assert.equal(w.lossGrad(x, gw), Infinity);
    assert.equal(j.lossGrad(x, gj), Infinity);
    assert.ok(w.overflow && j.overflow);
    assert.deepEqual({ ...w.overflow, value: 0 }, { ...j.overflow, value: 0 });
    assert.ok(Math.abs(w.overflow.value - j.overflow.value) <= 1e-12 * Math.abs(j.overflow.value));
    assert.ok(gw.every(Number.isNaN));
    // A point below the limit clears the flag.
    x.fill(0);
    assert.ok(Number.isFinite(w.loss(x)));
    assert.equal(w.overflow, undefined);
  }
});
