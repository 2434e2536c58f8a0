/**
 * Spectral norms (bound checks, hover) by ml-matrix's SVD: a small decomposition done once per check or hover, not a
 * hot loop, so a well-kept library beats a hand-written power iteration that would need its own convergence test.
 */
import { Matrix as MlMatrix, SingularValueDecomposition } from 'ml-matrix';
import type { Matrix } from '../problem';

export function spectralNorm(M: Matrix): number {
  if (M.rows === 0 || M.cols === 0) return 0;
  const rows: number[][] = [];
  for (let i = 0; i < M.rows; i++) rows.push(Array.from(M.data.subarray(i * M.cols, (i + 1) * M.cols)));
  const svd = new SingularValueDecomposition(new MlMatrix(rows), {
    computeLeftSingularVectors: false,
    computeRightSingularVectors: false,
    autoTranspose: true,
  });
  return svd.diagonal[0] ?? 0;
}
