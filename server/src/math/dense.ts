/**
 * Dense row-major Float64Array kernels for the hot loops. Hand-written because the solver's data live in flat
 * typed arrays: ml-matrix (measured at parity on a plain 256² product, see `npm run bench`) stores a matrix as
 * arrays of rows, so each call from the solver would convert and allocate both ways; it is used only for small
 * decompositions (SVD, Cholesky). Both are far from BLAS (ml-matrix was measured 67–116× slower): the WebAssembly
 * SIMD backend behind the same Objective interface is where the speed will come from. Loop orders keep the
 * innermost loop contiguous (i-k-j).
 */
import type { Matrix } from '../problem';

export function zeros(rows: number, cols: number): Matrix {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

/** C = A·B (A: m×k, B: k×n). */
export function matmul(A: Matrix, B: Matrix, C: Matrix = zeros(A.rows, B.cols)): Matrix {
  const m = A.rows, k = A.cols, n = B.cols, a = A.data, b = B.data, c = C.data;
  c.fill(0);
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      if (aip === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
    }
  }
  return C;
}

/** C = A·Bᵀ (A: m×k, B: n×k): dot products of rows, both contiguous. */
export function matmulBT(A: Matrix, B: Matrix, C: Matrix = zeros(A.rows, B.rows)): Matrix {
  const m = A.rows, k = A.cols, n = B.rows, a = A.data, b = B.data, c = C.data;
  for (let i = 0; i < m; i++) {
    const ai = i * k;
    for (let j = 0; j < n; j++) {
      const bj = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ai + p] * b[bj + p];
      c[i * n + j] = s;
    }
  }
  return C;
}

/** C = Aᵀ·B (A: k×m, B: k×n): accumulates outer products of rows. */
export function matmulAT(A: Matrix, B: Matrix, C: Matrix = zeros(A.cols, B.cols)): Matrix {
  const k = A.rows, m = A.cols, n = B.cols, a = A.data, b = B.data, c = C.data;
  c.fill(0);
  for (let p = 0; p < k; p++) {
    const ap = p * m, bp = p * n;
    for (let i = 0; i < m; i++) {
      const api = a[ap + i];
      if (api === 0) continue;
      const ci = i * n;
      for (let j = 0; j < n; j++) c[ci + j] += api * b[bp + j];
    }
  }
  return C;
}

/** Row-wise softmax of S into P, max-shifted so no exp overflows (math spec §6.2). */
export function rowSoftmax(S: Matrix, P: Matrix = zeros(S.rows, S.cols)): Matrix {
  const n = S.cols, s = S.data, p = P.data;
  for (let i = 0; i < S.rows; i++) {
    const o = i * n;
    let max = -Infinity;
    for (let j = 0; j < n; j++) if (s[o + j] > max) max = s[o + j];
    let sum = 0;
    for (let j = 0; j < n; j++) {
      const e = Math.exp(s[o + j] - max);
      p[o + j] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let j = 0; j < n; j++) p[o + j] *= inv;
  }
  return P;
}

export function norm2(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

export function toRows(M: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < M.rows; i++) out.push(Array.from(M.data.subarray(i * M.cols, (i + 1) * M.cols)));
  return out;
}

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** y += a·x. */
export function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += a * x[i];
}
