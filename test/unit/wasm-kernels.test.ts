/**
 * The WebAssembly SIMD kernels against the portable JavaScript path and against naive recomputation: gemm with
 * strides and accumulation on every remainder shape of its register blocks, and all four objectives (loss, gradient,
 * Hessian-vector product, overflow refusal) on shapes that exercise odd rows, odd columns and several row blocks;
 * the float32 kernels against the float64 ones (to float32 rounding) and against central differences.
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
import { runSolve } from '../../server/src/solver/run';
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

/** m×n×k shapes that hit every remainder of the register blocks (4 or 8 columns, 4 rows) and of the depth passes. */
const GEMM_SHAPES = [
  [1, 1, 1],
  [3, 5, 2],
  [4, 4, 4],
  [5, 7, 3],
  [9, 6, 130],
  [8, 3, 257],
  [12, 11, 40],
  [16, 13, 300],
  [7, 9, 5],
  [2, 9, 0],
];

for (const precision of [64, 32] as const) {
  // float32 products of O(1) entries over k ≤ 300 terms stay within k·2⁻²⁴ of the exact sums.
  const tol = precision === 64 ? 1e-13 : 3e-5;

  test(`gemm (float${precision}) matches a naive triple loop on every block remainder, with row strides, accumulation and k across passes`, () => {
    const rng = new Rng(11, precision);
    for (const [m, n, k] of GEMM_SHAPES) {
      const lda = k + 2,
        ldb = n + 1,
        ldc = n + 3;
      const { k: K, bufs } = kernelInstance([m * lda, Math.max(k, 1) * ldb, m * ldc], precision);
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
            assert.ok(Math.abs(C.a[i * ldc + j] - s) <= tol * (1 + Math.abs(s)), `m=${m} n=${n} k=${k} acc=${acc} (${i},${j})`);
          }
        // Padding between rows is left alone.
        for (let i = 0; i < m; i++) for (let j = n; j < ldc; j++) assert.equal(C.a[i * ldc + j], C0[i * ldc + j]);
      }
    }
  });

  test(`gemmPacked (float${precision}) on a packed B equals gemm on the plain one`, () => {
    const rng = new Rng(12, precision);
    const width = precision === 64 ? 4 : 8;
    for (const [m, n, k] of GEMM_SHAPES) {
      const ldc = n + 2;
      const panels = width * Math.ceil(n / width);
      const { k: K, bufs } = kernelInstance([m * k, k * n, k * panels, m * ldc, m * ldc], precision);
      const [A, B, P, C1, C2] = bufs;
      for (const buf of [A, B, C1]) for (let i = 0; i < buf.a.length; i++) buf.a[i] = rng.normal();
      C2.a.set(C1.a);
      K.pack(k, n, B.ptr, n, P.ptr);
      for (const acc of [0, 1]) {
        K.gemm(m, n, k, A.ptr, k, B.ptr, n, C1.ptr, ldc, acc);
        K.gemmPacked(m, n, k, A.ptr, k, P.ptr, C2.ptr, ldc, acc);
        for (let i = 0; i < C1.a.length; i++)
          assert.ok(Math.abs(C1.a[i] - C2.a[i]) <= tol * (1 + Math.abs(C1.a[i])), `m=${m} n=${n} k=${k} acc=${acc} [${i}]`);
      }
    }
  });
}

/** |a − b| in units in the last place of b (b a positive normal double). */
function ulps(a: number, b: number): number {
  return Math.abs(a - b) / 2 ** (Math.floor(Math.log2(b)) - 52);
}

test('exp in the row kernels matches Math.exp to rounding across the exponent range, and underflows to 0', () => {
  const cols = 2049; // odd: the scalar tail runs too; the step is no multiple of ln 2/64, so every table entry is used
  const { k, bufs } = kernelInstance([cols, cols, cols]);
  const [S, B, G] = bufs; // B = 0, so the rescaled pass leaves G = U∘U with U = exp(S)
  for (let j = 0; j < cols; j++) S.a[j] = -760 + (1060 * j) / (cols - 1) + 1e-3 * Math.sin(j); // −760 … 300
  k.rowsRescaled(1, cols, S.ptr, B.ptr, G.ptr);
  for (let j = 0; j < cols; j++) {
    const u = Math.exp(S.a[j]);
    if (S.a[j] < -708) assert.equal(G.a[j], 0, `exp(${S.a[j]}) underflows to 0`);
    else if (u > 1e-150) assert.ok(Math.abs(Math.sqrt(G.a[j]) - u) <= 4e-16 * u, `exp(${S.a[j]}): ${Math.sqrt(G.a[j])} vs ${u}`);
  }
});

test('exp is within 1 ulp of Math.exp from −708 to 709 (both are within an ulp of the exact value)', () => {
  const cols = 4001;
  const { k, bufs } = kernelInstance([cols, cols, cols]);
  const [S, B, V] = bufs; // B = 0 and V = 0: the rescaled Hessian pass overwrites S with U = exp(S) itself
  for (let j = 0; j < cols; j++) S.a[j] = -707.9 + (1416.9 * j) / (cols - 1) - 1e-4 * Math.cos(3 * j); // −707.9 … 709
  const s = Float64Array.from(S.a);
  k.hessRescaled(1, cols, S.ptr, B.ptr, V.ptr);
  let worst = 0;
  for (let j = 0; j < cols; j++) worst = Math.max(worst, ulps(S.a[j], Math.exp(s[j])));
  assert.ok(worst <= 1, `largest distance from Math.exp: ${worst} ulp`);
});

/** x (a finite double) as m·2^e with m an integer. */
function exactParts(x: number): { m: bigint; e: number } {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x);
  const hi = v.getUint32(0),
    field = (hi >>> 20) & 0x7ff;
  const mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(v.getUint32(4));
  return field === 0 ? { m: mant, e: -1074 } : { m: mant | (1n << 52n), e: field - 1075 };
}

/**
 * The distance of y from e^x in ulps of y, against e^|x| computed in 400-bit fixed point (Taylor series of e^(|x|/2¹²),
 * then twelve squarings): an oracle independent of any floating-point exp.
 */
function ulpsFromExact(y: number, x: number): number {
  const F = 400n,
    P = 1n << F;
  const { m, e } = exactParts(Math.abs(x));
  const shift = BigInt(e) + F - 12n; // X = |x|/2¹² in fixed point: |x| ≥ 1e-3 here, so nothing is lost
  const X = shift >= 0n ? m << shift : m >> -shift;
  let term = P,
    R = P;
  for (let n = 1n; term > 0n; n++) {
    term = (term * X) / (n * P);
    R += term;
  }
  for (let i = 0; i < 12; i++) R = (R * R) >> F;
  const s = 1100n; // y·2^s and ulp(y)·2^s are integers
  const yp = exactParts(y);
  const Y = yp.m << (BigInt(yp.e) + s);
  const U = 1n << (BigInt(Math.floor(Math.log2(y)) - 52) + s);
  const [num, den] = x >= 0 ? [Y * P - R * (1n << s), P * U] : [Y * R - P * (1n << s), R * U];
  return Number(((num < 0n ? -num : num) * 10000n) / den) / 10000;
}

test('exp is within 0.85 ulp of the exact e^x (a 400-bit oracle)', () => {
  const cols = 601;
  const { k, bufs } = kernelInstance([cols, cols, cols]);
  const [S, B, V] = bufs;
  for (let j = 0; j < cols; j++) S.a[j] = -707.5 + (1416 * j) / (cols - 1) + 1e-3 * Math.sin(7 * j);
  const s = Float64Array.from(S.a);
  k.hessRescaled(1, cols, S.ptr, B.ptr, V.ptr);
  let worst = 0;
  for (let j = 0; j < cols; j++) worst = Math.max(worst, ulpsFromExact(S.a[j], s[j]));
  assert.ok(worst <= 0.85, `largest error: ${worst} ulp`);
  assert.ok(ulpsFromExact(Math.exp(1), 1) <= 0.5 && ulpsFromExact(Math.exp(-1), -1) <= 0.5, 'the oracle itself');
});

test('float32 exp matches Math.exp to float32 rounding on −87 … 44, and underflows to 0 below −87', () => {
  const cols = 263; // not a multiple of 4: the scalar tail runs too
  const { k, bufs } = kernelInstance([cols, cols, cols], 32);
  const [S, B, G] = bufs; // B = 0: G = U∘U with U = exp(S)
  for (let j = 0; j < cols; j++) S.a[j] = -95 + 0.53 * j; // −95 … 44.3
  k.rowsRescaled(1, cols, S.ptr, B.ptr, G.ptr);
  for (let j = 0; j < cols; j++) {
    const s = S.a[j],
      u = Math.exp(s);
    if (s < -87) assert.equal(G.a[j], 0, `exp(${s}) underflows to 0`);
    else if (u > 1e-18 && u < 1e18) assert.ok(Math.abs(Math.sqrt(G.a[j]) - u) <= 4e-7 * u, `exp(${s}): ${Math.sqrt(G.a[j])} vs ${u}`);
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

/** The float32 objective against the float64 one at the same point: agreement to float32 rounding. */
function compare32(p: AttentionProblem | SoftmaxProblem, what: string) {
  const f = objectiveFor(p, 'wasm', 32),
    w = objectiveFor(p, 'wasm', 64);
  assert.notEqual(f, w);
  const rng = new Rng(8, 5);
  const x = new Float64Array(w.dim).map(() => 0.5 * rng.normal());
  const v = new Float64Array(w.dim).map(() => rng.normal());
  const gf = new Float64Array(w.dim),
    gw = new Float64Array(w.dim);
  const Lf = f.lossGrad(x, gf),
    Lw = w.lossGrad(x, gw);
  assert.ok(Math.abs(Lf - Lw) <= 1e-5 * Math.abs(Lw), `${what}: loss ${Lf} vs ${Lw}`);
  if (p.n > 4) assert.notEqual(Lf, Lw, `${what}: the float32 loss carries float32 rounding`);
  assert.equal(f.loss(x), Lf, `${what}: loss() is lossGrad()'s value`);
  assert.ok(relErr(gf, gw) <= 1e-5, `${what}: gradient rel err ${relErr(gf, gw)}`);
  const hf = new Float64Array(w.dim),
    hw = new Float64Array(w.dim);
  f.hessVec(x, v, hf);
  w.hessVec(x, v, hw);
  assert.ok(relErr(hf, hw) <= 1e-5, `${what}: Hessian-vector rel err ${relErr(hf, hw)}`);
}

test('float32 objectives agree with float64 to float32 rounding (attention and vector, both variants, odd shapes)', () => {
  for (const variant of VARIANTS) {
    for (const [n, d] of [
      [1, 1],
      [5, 4],
      [13, 9],
      [64, 16],
      [300, 5],
      [37, 21],
    ])
      compare32(attention(variant, n, d, n % 2 ? 0.1 : 0, n * 31 + d), `float32 ${variant} n=${n} d=${d}`);
    for (const [n, d] of [
      [3, 2],
      [33, 7],
      [4097, 64],
    ])
      compare32(softmax(variant, n, d, n % 2 ? 0.05 : 0, n + d), `float32 vector ${variant} n=${n} d=${d}`);
  }
});

test('float32 gradients and Hessian-vector products match central differences of the float32 loss (loose tolerance)', () => {
  for (const variant of VARIANTS)
    for (const p of [attention(variant, 23, 6, 0.05, 5), softmax(variant, 40, 9, 0, 6)]) {
      const obj = objectiveFor(p, 'wasm', 32);
      const rng = new Rng(9, 6);
      const x = new Float64Array(obj.dim).map(() => 0.5 * rng.normal());
      const v = new Float64Array(obj.dim).map(() => rng.normal());
      const g = new Float64Array(obj.dim);
      obj.lossGrad(x, g);
      // h balances the O(h²) truncation against float32 rounding of the loss (~1e-7·L / h).
      const h = 1e-3;
      const xp = x.map((xi, i) => xi + h * v[i]),
        xm = x.map((xi, i) => xi - h * v[i]);
      const fd = (obj.loss(xp) - obj.loss(xm)) / (2 * h);
      const gv = g.reduce((s, gi, i) => s + gi * v[i], 0);
      assert.ok(Math.abs(fd - gv) <= 2e-3 * Math.abs(gv) + 1e-5, `${p.kind} ${variant}: directional derivative ${gv} vs ${fd}`);
      const gp = new Float64Array(obj.dim),
        gm = new Float64Array(obj.dim),
        hv = new Float64Array(obj.dim);
      obj.lossGrad(xp, gp);
      obj.lossGrad(xm, gm);
      obj.hessVec(x, v, hv);
      const hfd = gp.map((a, i) => (a - gm[i]) / (2 * h));
      assert.ok(relErr(hv, hfd) <= 2e-3, `${p.kind} ${variant}: Hessian-vector vs differences of gradients, rel err ${relErr(hv, hfd)}`);
    }
});

test('float32 rescaled: refuses above the float32 limit, below the float64 one, at the same place as the other paths', () => {
  const p = attention('rescaled', 150, 4, 0, 3, 6);
  const f = objectiveFor(p, 'wasm', 32),
    w = objectiveFor(p, 'wasm', 64),
    j = objectiveFor(p, 'js');
  const x = new Float64Array(f.dim).fill(8);
  const g = new Float64Array(f.dim);
  assert.equal(f.lossGrad(x, g), Infinity);
  assert.equal(j.lossGrad(x, new Float64Array(f.dim)), Infinity);
  assert.ok(f.overflow && j.overflow);
  assert.deepEqual({ row: f.overflow.row, col: f.overflow.col }, { row: j.overflow.row, col: j.overflow.col });
  assert.ok(f.overflow.limit < 44.4 && f.overflow.limit < j.overflow.limit - 300, `float32 limit ${f.overflow.limit}`);
  assert.ok(g.every(Number.isNaN));
  // Scaling x down crosses the float32 limit long before the float64 one: some scale is between the two.
  const between = [0.3, 0.1, 0.03, 0.01].find((c) => {
    x.fill(c);
    return Number.isFinite(w.loss(x)) && f.loss(x) === Infinity;
  });
  assert.ok(between !== undefined, 'float32 refuses where float64 still evaluates');
  assert.ok(f.overflow && f.overflow.value > f.overflow.limit);
  x.fill(0);
  assert.ok(Number.isFinite(f.loss(x)));
  assert.equal(f.overflow, undefined);
});

test('a solve block with float32 = 1 runs on the float32 kernels and tracks the float64 run to float32 rounding', () => {
  const p = attention('normalized', 40, 6, 0, 17);
  const base = { index: 0, method: 'gd' as const, line: 0, label: 'gd' };
  const hooks = { onPoint() {}, cancelled: () => false };
  const r64 = runSolve(p, { ...base, options: { lr: 0.5, steps: 30 } }, hooks);
  const r32 = runSolve(p, { ...base, options: { lr: 0.5, steps: 30, float32: 1 } }, hooks);
  assert.equal(r32.options.float32, 1);
  assert.equal(r64.options.float32, 0);
  assert.equal(r32.final.iterations, 30);
  for (let k = 0; k <= 30; k++) {
    const a = r64.iterations[k].loss,
      b = r32.iterations[k].loss;
    assert.ok(Math.abs(a - b) <= 1e-5 * a, `k=${k}: ${b} vs ${a}`);
  }
  assert.notEqual(r32.final.loss, r64.final.loss);
});
