/** The blocked dense kernels against naive triple loops, on every remainder case of their 2- and 4-way blocking. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matmul, matmulAT, matmulBT } from '../../server/src/math/dense';
import { Rng } from '../../server/src/math/random';
import type { Matrix } from '../../server/src/problem';
import { randMatrix } from './builders';

function naive(A: Matrix, B: Matrix, transA: boolean, transB: boolean): Float64Array {
  const m = transA ? A.cols : A.rows,
    k = transA ? A.rows : A.cols,
    n = transB ? B.rows : B.cols;
  const at = (M: Matrix, i: number, j: number, t: boolean) => (t ? M.data[j * M.cols + i] : M.data[i * M.cols + j]);
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) out[i * n + j] += at(A, i, p, transA) * at(B, p, j, transB);
  return out;
}

function close(got: Float64Array, want: Float64Array, what: string) {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < got.length; i++)
    assert.ok(Math.abs(got[i] - want[i]) <= 1e-13 * (1 + Math.abs(want[i])), `${what}[${i}]: ${got[i]} vs ${want[i]}`);
}

test('matmul, matmulBT and matmulAT equal the naive products for every size from 1 to 9', () => {
  const rng = new Rng(5, 5);
  for (let m = 1; m <= 9; m++) {
    for (let k = 1; k <= 9; k++) {
      for (const n of [1, 2, 3, 7]) {
        const A = randMatrix(rng, m, k, 1),
          B = randMatrix(rng, k, n, 1),
          Bt = randMatrix(rng, n, k, 1),
          At = randMatrix(rng, k, m, 1);
        close(matmul(A, B).data, naive(A, B, false, false), `matmul ${m}×${k}·${k}×${n}`);
        close(matmulBT(A, Bt).data, naive(A, Bt, false, true), `matmulBT ${m}×${k}·(${n}×${k})ᵀ`);
        close(matmulAT(At, B).data, naive(At, B, true, false), `matmulAT (${k}×${m})ᵀ·${k}×${n}`);
        // Results overwrite a reused output completely.
        const C = { rows: m, cols: n, data: new Float64Array(m * n).fill(7) };
        close(matmul(A, B, C).data, naive(A, B, false, false), 'matmul into a dirty buffer');
        C.data.fill(7);
        close(matmulBT(A, Bt, C).data, naive(A, Bt, false, true), 'matmulBT into a dirty buffer');
      }
    }
  }
});
