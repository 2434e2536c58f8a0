/**
 * Scores S at a point for given data: the quantity both sides of the equivalence are functions of. Matrix form
 * S = A1·X·A2ᵀ (n×n); vector form S = (A·x)ᵀ as one row. The bound checks call this with the problem's data
 * (weight moves) or with transformed data (the self-attention move).
 */
import { matmul, matmulBT } from '../math/dense';
import type { Matrix, Problem } from '../problem';

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
  const [A] = data;
  const out = new Float64Array(A.rows);
  for (let i = 0; i < A.rows; i++) {
    let s = 0;
    for (let j = 0; j < A.cols; j++) s += A.data[i * A.cols + j] * x[j];
    out[i] = s;
  }
  return out;
}

/** Row-wise softmax (normalized) or exp (rescaled) of S, and the row sums α = Σ exp(S) as logs (no overflow). */
export function rowOutputs(S: Float64Array, rows: number, cols: number, normalized: boolean): { out: Float64Array; logAlpha: Float64Array } {
  const out = new Float64Array(S.length);
  const logAlpha = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) max = Math.max(max, S[o + j]);
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += Math.exp(S[o + j] - max);
    logAlpha[i] = max + Math.log(sum);
    for (let j = 0; j < cols; j++) out[o + j] = normalized ? Math.exp(S[o + j] - max) / sum : Math.exp(S[o + j]);
  }
  return { out, logAlpha };
}
