/**
 * What a hover shows about a matrix, as numbers: shape, norms, range and whether rows are distributions. Computed
 * where the matrix is (the analysis worker); the spectral norm, an SVD, is left for later.
 */
import type { Matrix } from '../problem';

/** Largest matrix whose spectral norm is computed (SVD cost grows fast: 0.7 s at 500×500). */
export const SVD_MAX_ENTRIES = 250_000;

export interface MatrixStats {
  rows: number;
  cols: number;
  fro: number;
  min: number;
  max: number;
  /** Every row (a vector: the whole vector) is non-negative and sums to 1. */
  distributions: boolean;
  /** Undefined until computed; a string says why it is not shown. */
  spectral?: number | string;
}

/** Everything but a matrix's spectral norm, in one pass over the entries. */
export function matrixStats(m: Matrix, vector: boolean): MatrixStats {
  let fro = 0,
    min = Infinity,
    max = -Infinity;
  for (const v of m.data) {
    fro += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const rowLen = vector ? m.rows : m.cols;
  let distributions = min >= 0;
  for (let i = 0; distributions && i < m.data.length; i += rowLen) {
    let s = 0;
    for (let j = 0; j < rowLen; j++) s += m.data[i + j];
    distributions = Math.abs(s - 1) <= 1e-9;
  }
  // A vector's spectral norm is its 2-norm: no SVD.
  const spectral = vector ? Math.sqrt(fro) : m.data.length > SVD_MAX_ENTRIES ? 'not computed (large)' : undefined;
  return { rows: m.rows, cols: m.cols, fro: Math.sqrt(fro), min, max, distributions, spectral };
}
