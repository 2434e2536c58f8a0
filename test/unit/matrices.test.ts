/**
 * The matrices a solve result carries for the panel's heatmaps (server/src/solver/matrices.ts,
 * common/matrixSummary.ts): the prediction and difference against a naive oracle and bit for bit against the
 * solver's kernel, the switch from full entries to pooled tiles at MATRIX_FULL_SIDE, and the pooled tiles, statistics
 * and worst rows on a target with one row planted off.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MATRIX_FULL_SIDE, MATRIX_POOLED_SIDE, MATRIX_WORST_ROWS } from '../../common/limits';
import { pool } from '../../common/matrixSummary';
import { Rng } from '../../server/src/math/random';
import { RowKernel } from '../../server/src/math/rows';
import { dataOf, scores } from '../../server/src/math/scores';
import type { AttentionProblem, Matrix, SoftmaxProblem } from '../../server/src/problem';
import { pointMatrices, runMatrices } from '../../server/src/solver/matrices';
import { randMatrix, rowStochastic } from './builders';

function attention(n: number, d: number, B: Matrix, variant: 'normalized' | 'rescaled' = 'normalized', seed = 1): AttentionProblem {
  const rng = new Rng(seed);
  return {
    kind: 'attention',
    variant,
    n,
    d,
    reg: 0,
    A1: randMatrix(rng, n, d, 0.7),
    A2: randMatrix(rng, n, d, 0.7),
    B,
    X0: { rows: d, cols: d, data: new Float64Array(d * d) },
  };
}

/** rowsoftmax(A1·X·A2ᵀ) by the definition: triple loops, exp without a shift. */
function naivePrediction(p: AttentionProblem, X: Float64Array): number[][] {
  const { n, d, A1, A2 } = p;
  return Array.from({ length: n }, (_, i) => {
    const s = Array.from({ length: n }, (_, j) => {
      let v = 0;
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) v += A1.data[i * d + a] * X[a * d + b] * A2.data[j * d + b];
      return Math.exp(v);
    });
    const sum = s.reduce((x, y) => x + y, 0);
    return s.map((e) => e / sum);
  });
}

function assertClose(actual: readonly number[], expected: readonly number[], tol: number, what: string) {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((v, k) => assert.ok(Math.abs(v - expected[k]) <= tol, `${what}[${k}]: ${v} vs ${expected[k]}`));
}

test('the prediction and difference equal rowsoftmax(A1·X·A2ᵀ) and its difference from B, for both variants', () => {
  for (const variant of ['normalized', 'rescaled'] as const) {
    const rng = new Rng(7);
    const p = attention(9, 4, rowStochastic(rng, 9, 9), variant);
    const X = randMatrix(rng, 4, 4, 0.8).data;
    const m = pointMatrices(p, X)!;
    const oracle = naivePrediction(p, X);
    assertClose(m.prediction.values!, oracle.flat(), 1e-15, `${variant} prediction`);
    assertClose(
      m.difference.values!,
      oracle.flat().map((v, k) => v - p.B.data[k]),
      1e-15,
      `${variant} difference`,
    );
    assert.deepEqual(m.X.values, Array.from(X));
    assert.deepEqual([m.prediction.rows, m.prediction.cols, m.X.rows, m.X.cols], [9, 9, 4, 4]);
    // Rows of a prediction are distributions: their sums print as 1.
    for (let i = 0; i < 9; i++) assert.ok(Math.abs(m.prediction.values!.slice(i * 9, i * 9 + 9).reduce((a, b) => a + b) - 1) < 1e-15);
  }
});

test('the prediction is bit for bit the solver kernel’s, streamed in row blocks', () => {
  const rng = new Rng(3);
  // 75 rows: two full blocks of 32 and an odd remainder.
  const n = 75;
  const p = attention(n, 5, rowStochastic(rng, n, n));
  const X = randMatrix(rng, 5, 5, 0.5).data;
  const kernel = new RowKernel('normalized', n, n, p.B.data);
  kernel.value(scores(dataOf(p), X));
  const m = pointMatrices(p, X)!;
  assert.deepEqual(m.prediction.values, Array.from(kernel.P));
  assert.deepEqual(m.difference.values, Array.from(kernel.R));
});

test('the vector form is a column: softmax(A·x) and its difference from b', () => {
  const rng = new Rng(11);
  const n = 6,
    d = 3;
  const A = randMatrix(rng, n, d, 1);
  const b = rowStochastic(rng, 1, n).data;
  const x = randMatrix(rng, d, 1, 1).data;
  const p: SoftmaxProblem = { kind: 'softmax', variant: 'normalized', n, d, reg: 0, A, b, x0: x };
  const z = Array.from({ length: n }, (_, i) => Math.exp(A.data[i * d] * x[0] + A.data[i * d + 1] * x[1] + A.data[i * d + 2] * x[2]));
  const sum = z.reduce((s, v) => s + v, 0);
  const r = runMatrices(p)!;
  assert.deepEqual([r.target.rows, r.target.cols, r.initial.prediction.rows, r.initial.prediction.cols, r.initial.X.cols], [n, 1, n, 1, 1]);
  assert.deepEqual(r.target.values, Array.from(b));
  assertClose(
    r.initial.prediction.values!,
    z.map((v) => v / sum),
    1e-15,
    'softmax',
  );
  assertClose(
    r.initial.difference.values!,
    z.map((v, i) => v / sum - b[i]),
    1e-15,
    'difference',
  );
});

test(`entries are carried in full up to ${MATRIX_FULL_SIDE} a side, pooled beyond`, () => {
  for (const [n, full] of [
    [MATRIX_FULL_SIDE, true],
    [MATRIX_FULL_SIDE + 1, false],
  ] as const) {
    const rng = new Rng(5);
    const m = runMatrices(attention(n, 2, rowStochastic(rng, n, n)))!;
    assert.equal(m.target.values !== undefined, full, `n = ${n}`);
    assert.equal(m.target.pooled !== undefined, !full, `n = ${n}`);
    assert.equal(m.initial.prediction.values !== undefined, full);
    // X is 2×2: always in full.
    assert.equal(m.initial.X.values?.length, 4);
    if (!full) {
      const t = m.target.pooled!;
      assert.deepEqual([t.tileRows, t.tileCols, t.rows, t.cols], [3, 3, 43, 43]);
      assert.ok(t.rows <= MATRIX_POOLED_SIDE);
    }
  }
});

test('a target row planted off: the worst rows, the pooled tiles and the statistics show it', () => {
  const n = 200,
    off = 137;
  // X = 0 predicts uniform rows: 1/n exactly (exp(0) = 1, sum n); B is uniform but for row 137.
  const B = new Float64Array(n * n).fill(1 / n);
  B[off * n + 5] += 0.3;
  B[off * n + 6] -= 0.2;
  B[42 * n + 199] += 0.01;
  const m = runMatrices(attention(n, 3, { rows: n, cols: n, data: B }))!.initial.difference;
  assert.equal(m.values, undefined);
  assert.deepEqual(
    m.worstRows.slice(0, 2).map((w) => w.row),
    [off, 42],
  );
  assert.equal(m.worstRows.length, MATRIX_WORST_ROWS);
  const e5 = 1 / n - B[off * n + 5],
    e6 = 1 / n - B[off * n + 6],
    e42 = 1 / n - B[42 * n + 199];
  assert.equal(m.worstRows[0].norm, Math.sqrt(e5 * e5 + e6 * e6));
  assert.equal(m.worstRows[1].norm, Math.sqrt(e42 * e42));
  // Every other row's difference is exactly 0.
  assert.ok(m.worstRows.slice(2).every((w) => w.norm === 0));
  const t = m.pooled!;
  assert.deepEqual([t.tileRows, t.tileCols, t.rows, t.cols], [4, 4, 50, 50]);
  // Tile (34, 1) holds both planted entries: it shows the one of largest |·|, with its sign.
  assert.equal(t.extreme[Math.floor(off / 4) * 50 + 1], e5);
  assert.equal(t.extreme[Math.floor(42 / 4) * 50 + 49], e42);
  assert.equal(t.extreme.filter((v) => v !== 0).length, 2);
  // Summed in row order, as the rows stream in.
  assert.deepEqual(m.stats, { min: e5, max: e6, mean: (e42 + e5 + e6) / (n * n), fro: Math.sqrt(e42 * e42 + (e5 * e5 + e6 * e6)) });
});

test('pooling entries given in full gives the tiles the server streams', () => {
  const rng = new Rng(9);
  const n = MATRIX_FULL_SIDE + 40;
  const p = attention(n, 3, rowStochastic(rng, n, n));
  const X = randMatrix(rng, 3, 3, 1).data;
  const streamed = pointMatrices(p, X)!.prediction.pooled!;
  const flat = naivePrediction(p, X).flat();
  const again = pool(n, n, flat);
  assert.deepEqual([again.rows, again.cols, again.tileRows], [streamed.rows, streamed.cols, streamed.tileRows]);
  assertClose(again.extreme, streamed.extreme, 1e-15, 'tiles');
});

test('a non-finite prediction gives no matrices rather than nulls in the JSON', () => {
  const rng = new Rng(2);
  const p = attention(4, 2, rowStochastic(rng, 4, 4));
  assert.equal(pointMatrices(p, Float64Array.from([Infinity, 0, 0, 0])), undefined);
});

test('a cancelled run stops computing its matrices between blocks of rows', () => {
  const rng = new Rng(6);
  const n = 100;
  const p = attention(n, 2, rowStochastic(rng, n, n));
  let polls = 0;
  const m = pointMatrices(p, new Float64Array(4), () => ++polls > 2);
  assert.equal(m, undefined);
  // Polled before each block of 32 rows: stopped before the third.
  assert.equal(polls, 3);
  assert.ok(pointMatrices(p, new Float64Array(4), () => false));
});
