/**
 * A matrix's display form (protocol/results.ts MatrixData), built row by row so that an n×n matrix of any size is
 * never held whole: the server streams the rows of a prediction into it as it computes them, and the extension's
 * history pools the entries it drops with the same code (`pool`), so a pooled matrix reads alike whichever end
 * pooled it.
 */
import type { MatrixData, PooledMatrix } from '../protocol/results';
import { MATRIX_FULL_SIDE, MATRIX_POOLED_SIDE, MATRIX_WORST_ROWS } from './limits';

/** The tiles of a rows×cols matrix: as few entries a tile as keep at most MATRIX_POOLED_SIDE tiles down and across. */
export function poolGrid(rows: number, cols: number): Omit<PooledMatrix, 'extreme'> {
  const tileRows = Math.max(1, Math.ceil(rows / MATRIX_POOLED_SIDE));
  const tileCols = Math.max(1, Math.ceil(cols / MATRIX_POOLED_SIDE));
  return { tileRows, tileCols, rows: Math.ceil(rows / tileRows), cols: Math.ceil(cols / tileCols) };
}

/** Row by row, in order: `add` each row, then `finish`. */
export class MatrixSummarizer {
  private readonly values?: number[];
  private readonly pooled?: PooledMatrix;
  private row = 0;
  private min = Infinity;
  private max = -Infinity;
  private sum = 0;
  private sumSq = 0;
  private finite = true;
  /** Largest norms first, at most MATRIX_WORST_ROWS. */
  private readonly worst: { row: number; norm: number }[] = [];

  constructor(
    readonly rows: number,
    readonly cols: number,
  ) {
    if (rows <= MATRIX_FULL_SIDE && cols <= MATRIX_FULL_SIDE) this.values = [];
    else this.pooled = emptyPool(rows, cols);
  }

  add(r: ArrayLike<number>) {
    const i = this.row++;
    let sq = 0;
    for (let j = 0; j < this.cols; j++) {
      const v = r[j];
      if (!Number.isFinite(v)) this.finite = false;
      if (v < this.min) this.min = v;
      if (v > this.max) this.max = v;
      this.sum += v;
      sq += v * v;
      this.values?.push(v);
    }
    this.sumSq += sq;
    if (this.pooled) poolRow(this.pooled, i, r, this.cols);
    this.rank(i, Math.sqrt(sq));
  }

  /** The summary, or undefined when an entry was not finite (JSON has no NaN or Infinity to carry it). */
  finish(): MatrixData | undefined {
    if (!this.finite || this.row !== this.rows) return undefined;
    const m: MatrixData = {
      rows: this.rows,
      cols: this.cols,
      stats: { min: this.min, max: this.max, mean: this.sum / (this.rows * this.cols), fro: Math.sqrt(this.sumSq) },
      worstRows: this.worst,
    };
    if (this.values) m.values = this.values;
    if (this.pooled) m.pooled = this.pooled;
    return m;
  }

  private rank(row: number, norm: number) {
    const w = this.worst;
    if (w.length === MATRIX_WORST_ROWS && norm <= w[w.length - 1].norm) return;
    let at = w.length;
    while (at > 0 && w[at - 1].norm < norm) at--;
    w.splice(at, 0, { row, norm });
    if (w.length > MATRIX_WORST_ROWS) w.pop();
  }
}

/** The pooled form of a matrix given in full (row-major). */
export function pool(rows: number, cols: number, values: readonly number[]): PooledMatrix {
  const p = emptyPool(rows, cols);
  for (let i = 0; i < rows; i++) poolRow(p, i, values.slice(i * cols, (i + 1) * cols), cols);
  return p;
}

function emptyPool(rows: number, cols: number): PooledMatrix {
  const g = poolGrid(rows, cols);
  return { ...g, extreme: new Array<number>(g.rows * g.cols).fill(0) };
}

/** Keeps, per tile, the entry of largest |·| seen so far (ties: the first). */
function poolRow(p: PooledMatrix, i: number, r: ArrayLike<number>, cols: number) {
  const base = Math.floor(i / p.tileRows) * p.cols;
  for (let j = 0; j < cols; j++) {
    const t = base + Math.floor(j / p.tileCols);
    if (Math.abs(r[j]) > Math.abs(p.extreme[t])) p.extreme[t] = r[j];
  }
}
