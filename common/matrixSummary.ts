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
  /** Σ v / (rows·cols): the mean where `sum` overflows (entries near the largest double). */
  private sumOverCount = 0;
  /** ‖·‖_F, scaled so that squares neither overflow nor underflow. */
  private readonly fro = new ScaledNorm();
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
    const count = this.rows * this.cols;
    const norm = new ScaledNorm();
    for (let j = 0; j < this.cols; j++) {
      const v = r[j];
      if (!Number.isFinite(v)) this.finite = false;
      if (v < this.min) this.min = v;
      if (v > this.max) this.max = v;
      this.sum += v;
      this.sumOverCount += v / count;
      norm.add(v);
      this.fro.add(v);
      this.values?.push(v);
    }
    if (this.pooled) poolRow(this.pooled, i, r, this.cols);
    this.rank(i, norm.value());
  }

  /** The summary, or undefined when an entry was not finite (JSON has no NaN or Infinity to carry it). */
  finish(): MatrixData | undefined {
    if (!this.finite || this.row !== this.rows) return undefined;
    const m: MatrixData = {
      rows: this.rows,
      cols: this.cols,
      stats: { min: this.min, max: this.max, mean: this.mean(), fro: this.fro.value() },
      worstRows: this.worst,
    };
    if (this.values) m.values = this.values;
    if (this.pooled) m.pooled = this.pooled;
    // Finite entries whose norm exceeds the largest double: a summary that cannot be written down is refused too.
    return Number.isFinite(m.stats.fro) ? m : undefined;
  }

  private mean(): number {
    const count = this.rows * this.cols;
    return Number.isFinite(this.sum) ? this.sum / count : this.sumOverCount;
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

/**
 * A 2-norm: √Σv² where the squares are safe (every |v| within 1e±150), else accumulated as scale·√ssq (LAPACK's
 * dnrm2), each entry divided by the largest |·| seen before it is squared, since squares of entries near 1e200 would
 * overflow and of entries near 1e-200 underflow to 0. The plain sum keeps ordinary matrices' norms to the last bit.
 */
class ScaledNorm {
  private plain = 0;
  private scale = 0;
  private ssq = 1;

  add(v: number) {
    const a = Math.abs(v);
    this.plain += v * v;
    if (a === 0) return;
    if (a > this.scale) {
      this.ssq = 1 + this.ssq * (this.scale / a) ** 2;
      this.scale = a;
    } else this.ssq += (a / this.scale) ** 2;
  }

  value(): number {
    if (this.scale === 0) return 0;
    return this.scale >= SAFE_MIN && this.scale <= SAFE_MAX ? Math.sqrt(this.plain) : this.scale * Math.sqrt(this.ssq);
  }
}

/** Entries within these magnitudes square without overflow or loss to underflow (up to 1e10 of them). */
const SAFE_MIN = 1e-150;
const SAFE_MAX = 1e149;

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
