import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Variant } from '../../protocol/results';
import { hashName, Rng } from '../../server/src/math/random';
import { matmul, matmulBT, rowSoftmax } from '../../server/src/math/dense';
import { bytes } from '../../common/format';
import { TENSOR_TOLERANCE, tensorComparisonPasses } from '../../common/verdicts';
import { compare, kron, tensorCheck, TensorTooLarge, termScales, vectorizedLossGrad } from '../../server/src/math/tensor';
import type { AttentionProblem, Matrix } from '../../server/src/problem';

function randomMatrix(rng: Rng, rows: number, cols: number, scale = 1): Matrix {
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = scale * rng.normal();
  return { rows, cols, data };
}

/** Rows are probability distributions (the usual target), drawn as softmax of Gaussians. */
function randomTarget(rng: Rng, n: number): Matrix {
  const B = randomMatrix(rng, n, n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += B.data[i * n + j] = Math.exp(B.data[i * n + j]);
    for (let j = 0; j < n; j++) B.data[i * n + j] /= s;
  }
  return B;
}

function randomProblem(seed: number, n: number, d: number, variant: Variant, reg: number): AttentionProblem {
  const rng = new Rng(seed, hashName(`tensor-${n}x${d}-${variant}`));
  const A1 = randomMatrix(rng, n, d, 0.7);
  const A2 = randomMatrix(rng, n, d, 0.7);
  return { kind: 'attention', variant, n, d, reg, A1, A2, B: randomTarget(rng, n), X0: randomMatrix(rng, d, d, 0.5) };
}

/** S = A1·X·A2ᵀ by the plain triple sum, independent of the dense kernels. */
function naiveScores(A1: Matrix, X: Float64Array, A2: Matrix): number[][] {
  const n = A1.rows,
    d = A1.cols;
  const S: number[][] = [];
  for (let j0 = 0; j0 < n; j0++) {
    S.push([]);
    for (let j1 = 0; j1 < n; j1++) {
      let s = 0;
      for (let i0 = 0; i0 < d; i0++) for (let i1 = 0; i1 < d; i1++) s += A1.data[j0 * d + i0] * X[i0 * d + i1] * A2.data[j1 * d + i1];
      S[j0].push(s);
    }
  }
  return S;
}

const SHAPES: [number, number][] = [
  [1, 1],
  [2, 3],
  [5, 2],
  [7, 4],
  [3, 6],
  [16, 5],
];

test('kron matches the definition entry by entry (non-square factors)', () => {
  const rng = new Rng(11);
  for (const [n0, m0, n1, m1] of [
    [2, 3, 4, 5],
    [1, 4, 3, 1],
    [3, 3, 2, 2],
  ]) {
    const X = randomMatrix(rng, n0, m0),
      Y = randomMatrix(rng, n1, m1);
    const K = kron(X, Y);
    assert.equal(K.rows, n0 * n1);
    assert.equal(K.cols, m0 * m1);
    for (let j0 = 0; j0 < n0; j0++)
      for (let j1 = 0; j1 < n1; j1++)
        for (let i0 = 0; i0 < m0; i0++)
          for (let i1 = 0; i1 < m1; i1++)
            assert.equal(K.data[(j0 * n1 + j1) * K.cols + i0 * m1 + i1], X.data[j0 * m0 + i0] * Y.data[j1 * m1 + i1]);
  }
});

test('(A1⊗A2)[j0·n + j1, i0·d + i1] = A1[j0,i0]·A2[j1,i1], and (A1⊗A2)·vec(X) = vec(A1·X·A2ᵀ) row-major', () => {
  for (const [n, d] of SHAPES) {
    const p = randomProblem(5, n, d, 'normalized', 0);
    const K = kron(p.A1, p.A2);
    const rng = new Rng(17, n * 100 + d);
    for (let t = 0; t < 20; t++) {
      const j0 = Math.floor(rng.uniform() * n),
        j1 = Math.floor(rng.uniform() * n);
      const i0 = Math.floor(rng.uniform() * d),
        i1 = Math.floor(rng.uniform() * d);
      assert.equal(K.data[(j0 * n + j1) * d * d + i0 * d + i1], p.A1.data[j0 * d + i0] * p.A2.data[j1 * d + i1]);
    }
    const x = p.X0.data;
    const S = naiveScores(p.A1, x, p.A2);
    let maxS = 0;
    for (const row of S) for (const v of row) maxS = Math.max(maxS, Math.abs(v));
    for (let j0 = 0; j0 < n; j0++) {
      // Block j0 (rows j0·n … j0·n + n − 1) is A1[j0,:]⊗A2 and gives row j0 of S.
      const block = kron({ rows: 1, cols: d, data: p.A1.data.subarray(j0 * d, (j0 + 1) * d) }, p.A2);
      assert.deepEqual(block.data, K.data.subarray(j0 * n * d * d, (j0 + 1) * n * d * d));
      for (let j1 = 0; j1 < n; j1++) {
        let s = 0;
        for (let i = 0; i < d * d; i++) s += K.data[(j0 * n + j1) * d * d + i] * x[i];
        assert.ok(Math.abs(s - S[j0][j1]) <= 1e-13 * Math.max(maxS, 1e-300), `n=${n} d=${d} S[${j0},${j1}]: ${s} vs ${S[j0][j1]}`);
      }
    }
  }
});

test('column-major vec would need A2⊗A1: with it the identity fails (the check can tell conventions apart)', () => {
  const p = randomProblem(6, 4, 3, 'normalized', 0);
  const x = p.X0.data;
  const S = Float64Array.from(naiveScores(p.A1, x, p.A2).flat());
  const wrong = kron(p.A2, p.A1);
  const pred = new Float64Array(16),
    grad = new Float64Array(9);
  vectorizedLossGrad(p, wrong, x, pred, grad);
  const c = compare(S, pred, termScales(p, wrong, x).predictions);
  assert.ok(c.relDiff > 1e-2 && c.scaledDiff > 1e-2, JSON.stringify(c));
  assert.equal(tensorComparisonPasses(c), false);
});

test('at a stationary point (X0 = X*, B planted) the gradient is rounding noise: rel diff is huge, diff/terms passes', () => {
  for (const variant of ['normalized', 'rescaled'] as const) {
    const p = randomProblem(31, 8, 3, variant, 0);
    const P = rowSoftmax(matmulBT(matmul(p.A1, p.X0), p.A2));
    const r = tensorCheck({ ...p, B: P });
    // The planted B makes the normalized residual vanish; the rescaled one is u − α·softmax(S) = 0 as well.
    assert.ok(r.gradient.matrixMax < 1e-14, `${variant}: ${r.gradient.matrixMax}`);
    assert.ok(r.gradient.scaledDiff <= 1e-13, JSON.stringify(r.gradient));
    assert.ok(r.gradient.scale > 1e-3, 'the terms are not small');
    assert.equal(r.pass, true);
    assert.ok(r.probe.gradient.relDiff <= 1e-12);
  }
});

for (const variant of ['normalized', 'rescaled'] as const) {
  for (const reg of [0, 0.3]) {
    test(`tensorCheck, ${variant}, reg = ${reg}: matrix and vectorized forms agree to rounding on several shapes`, () => {
      for (const [n, d] of SHAPES) {
        const p = randomProblem(9, n, d, variant, reg);
        const r = tensorCheck(p);
        assert.deepEqual(r.sizes, { n, d, rows: n * n, cols: d * d, bytes: n * n * d * d * 8, limitBytes: 256 * 2 ** 20 });
        assert.deepEqual(r.problem, { kind: 'attention', variant, n, d, reg });
        for (const [at, pt] of [
          ['X0', r],
          ['probe', r.probe],
        ] as const) {
          for (const q of ['predictions', 'loss', 'gradient'] as const) {
            assert.ok(pt[q].relDiff <= 1e-12, `n=${n} d=${d} ${at} ${q}: rel ${pt[q].relDiff}`);
            assert.ok(pt[q].scaledDiff <= pt[q].relDiff && pt[q].scale >= pt[q].matrixMax);
            // With n = 1 the single softmax row is 1 = B, so the loss and gradient vanish (without reg).
            if (q === 'predictions' || n > 1 || reg > 0) assert.ok(pt[q].matrixMax > 0, `n=${n} d=${d} ${at} ${q} is not trivially zero`);
          }
          assert.ok(Number.isFinite(pt.loss.matrix));
        }
        assert.equal(r.pass, true);
        assert.equal(r.tolerance, TENSOR_TOLERANCE);
        assert.ok(r.timing.matrixGradMs > 0 && r.timing.kroneckerGradMs > 0 && r.timing.matrixRepeats >= 1);
      }
    });
  }
}

test('the vectorized gradient is the gradient of the vectorized loss (central differences)', () => {
  for (const variant of ['normalized', 'rescaled'] as const) {
    const p = randomProblem(21, 5, 3, variant, 0.2);
    const K = kron(p.A1, p.A2);
    const D = 9,
      pred = new Float64Array(25),
      grad = new Float64Array(D),
      scratch = new Float64Array(D);
    const x = Float64Array.from(p.X0.data);
    vectorizedLossGrad(p, K, x, pred, grad);
    const h = 1e-6;
    for (let i = 0; i < D; i++) {
      const xi = x[i];
      x[i] = xi + h;
      const up = vectorizedLossGrad(p, K, x, pred, scratch);
      x[i] = xi - h;
      const down = vectorizedLossGrad(p, K, x, pred, scratch);
      x[i] = xi;
      const fd = (up - down) / (2 * h);
      assert.ok(Math.abs(fd - grad[i]) <= 1e-7 * Math.max(1, Math.abs(grad[i])), `${variant} ∂/∂x[${i}]: ${fd} vs ${grad[i]}`);
    }
  }
});

test('too large: TensorTooLarge names the size in doubles, bytes and binary units, before allocating', () => {
  const p = randomProblem(3, 12, 4, 'normalized', 0);
  assert.throws(
    () => tensorCheck(p, 1024),
    (e: unknown) => {
      assert.ok(e instanceof TensorTooLarge);
      assert.equal(e.bytes, 18432);
      assert.equal(e.limitBytes, 1024);
      assert.match(e.message, /A1⊗A2 would be 144 × 16 doubles = 18 KiB \(18,432 bytes\); the tensor check builds it only up to 1\.0 KiB/);
      return true;
    },
  );
  // Exactly at the limit is allowed.
  assert.equal(tensorCheck(p, 18432).sizes.bytes, 18432);
  // A size that could never be allocated fails fast with the same message shape.
  const big: AttentionProblem = { ...p, n: 256, d: 64 };
  assert.throws(
    () => tensorCheck(big),
    /A1⊗A2 would be 65,536 × 4,096 doubles = 2\.0 GiB \(2,147,483,648 bytes\); the tensor check builds it only up to 256 MiB/,
  );
  assert.equal(bytes(2 ** 31), '2.0 GiB');
  assert.equal(bytes(256 * 2 ** 20), '256 MiB');
  assert.equal(bytes(100), '100 bytes');
});
