/**
 * Which iterations a run keeps and streams. Long runs (10⁷ steps) must not stream, store and draw every point: the
 * panel would fall minutes behind and the result would not fit in a message. A point is kept when it lies on a grid
 * that is dense at the start and thins out geometrically: every k below FULL, then HALF_OCTAVE points per doubling of
 * k (a stride that doubles with each octave). So a run of K steps keeps about FULL + HALF_OCTAVE·log₂(K/FULL) points
 * (about 7,800 for K = 10⁷), evenly spaced within each octave, which reads well on linear and on log axes alike. The
 * grid depends on k only, so streaming and the final result agree without coordination, and the final result adds
 * the best point and the last one wherever they fall.
 */
import type { IterationPoint } from '../../../protocol/results';

/** Every point below this k is kept (and a run of at most this many steps keeps them all). */
export const FULL = 1024;
/** Points kept per doubling of k beyond FULL. */
export const HALF_OCTAVE = 512;

/** Whether iteration k lies on the grid. */
export function onGrid(k: number): boolean {
  if (k < FULL) return true;
  // Octave j covers [FULL·2^j, FULL·2^(j+1)) with stride 2^(j+1), so HALF_OCTAVE points per octave.
  const stride = 2 ** (Math.floor(Math.log2(k / FULL)) + 1);
  return k % stride === 0;
}

export class Trajectory {
  private readonly kept: IterationPoint[] = [];
  private bestPoint: IterationPoint | undefined;
  private lastPoint: IterationPoint | undefined;

  /** `all`: keep every point (the CLI's `--all-points`). */
  constructor(private readonly all = false) {}

  /** Whether a point at iteration k will be kept (and streamed) when added. */
  keeps(k: number): boolean {
    return this.all || onGrid(k);
  }

  /** Whether p has a lower loss than every point added so far (it becomes the best when added). */
  improves(p: IterationPoint): boolean {
    return !this.bestPoint || p.loss < this.bestPoint.loss;
  }

  /** Records point p; returns whether it is kept (and so streamed now). */
  add(p: IterationPoint): boolean {
    if (this.improves(p)) this.bestPoint = p;
    this.lastPoint = p;
    if (!this.keeps(p.k)) return false;
    this.kept.push(p);
    return true;
  }

  get first(): IterationPoint | undefined {
    return this.kept[0];
  }

  get best(): IterationPoint | undefined {
    return this.bestPoint;
  }

  get last(): IterationPoint | undefined {
    return this.lastPoint;
  }

  /** The kept points plus the best and the last, in order of k. */
  points(): IterationPoint[] {
    const out = [...this.kept];
    for (const p of [this.bestPoint, this.lastPoint]) {
      if (!p || out.some((q) => q.k === p.k)) continue;
      const at = out.findIndex((q) => q.k > p.k);
      out.splice(at < 0 ? out.length : at, 0, p);
    }
    return out;
  }
}
