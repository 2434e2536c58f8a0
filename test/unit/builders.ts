/** Seeded random data for the numerics tests (the repository's own PRNG, never Math.random). */
import { Rng } from '../../server/src/math/random';
import type { Matrix } from '../../server/src/problem';

/** Independent N(0, scale²) entries. */
export function randMatrix(rng: Rng, rows: number, cols: number, scale: number): Matrix {
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = scale * rng.normal();
  return { rows, cols, data };
}

/** Rows are probability vectors with strictly positive entries. */
export function rowStochastic(rng: Rng, rows: number, cols: number): Matrix {
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += data[i * cols + j] = 0.05 + rng.uniform();
    for (let j = 0; j < cols; j++) data[i * cols + j] /= s;
  }
  return { rows, cols, data };
}
