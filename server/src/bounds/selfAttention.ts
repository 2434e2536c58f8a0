/**
 * The self-attention data move (math spec §3.5, our instantiation): one residual single-head softmax layer applied
 * to the document, A' = A + rowsoftmax(A·WQ·WKᵀ·Aᵀ/√k)·A·WV·WP. O(n²k + ndk) with the dense kernels.
 */
import { matmul, matmulBT, rowSoftmax } from '../math/dense';
import type { Matrix, SelfAttentionMove } from '../problem';

export function selfAttentionLayer(A: Matrix, m: SelfAttentionMove): Matrix {
  const Q = matmul(A, m.WQ);
  const K = matmul(A, m.WK);
  const logits = matmulBT(Q, K);
  const inv = 1 / Math.sqrt(m.k);
  for (let i = 0; i < logits.data.length; i++) logits.data[i] *= inv;
  const P = rowSoftmax(logits);
  const update = matmul(matmul(P, matmul(A, m.WV)), m.WP);
  const out = { rows: A.rows, cols: A.cols, data: Float64Array.from(A.data) };
  for (let i = 0; i < out.data.length; i++) out.data[i] += update.data[i];
  return out;
}
