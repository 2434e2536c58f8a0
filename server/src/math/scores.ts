/**
 * Scores S at a point for given data, allocating (for checks and tools; the objectives keep their own buffers).
 * Matrix form S = A1·X·A2ᵀ (n×n); vector form S = (A·x)ᵀ as one row. The bound checks call this with the problem's
 * data (weight moves) or with transformed data (the self-attention move); the tensor check with the problem's.
 */
import type { Matrix, Problem } from '../problem';
import { matmul, matmulBT, mulVec } from './dense';

/** The data the scores depend on: [A1, A2] for the matrix form, [A] for the vector form. */
export type Data = Matrix[];

export function dataOf(p: Problem): Data {
  return p.kind === 'attention' ? [p.A1, p.A2] : [p.A];
}

/** Rows and columns of S. */
export function scoreShape(p: Problem): [number, number] {
  return p.kind === 'attention' ? [p.n, p.n] : [1, p.n];
}

/** The target as rows×cols, the same layout as S. */
export function targetOf(p: Problem): Float64Array {
  return p.kind === 'attention' ? p.B.data : p.b;
}

export function scores(data: Data, x: Float64Array): Float64Array {
  if (data.length === 2) {
    const [A1, A2] = data;
    const d = A1.cols;
    const T = matmul(A1, { rows: d, cols: d, data: x });
    return matmulBT(T, A2).data;
  }
  return mulVec(data[0], x);
}
