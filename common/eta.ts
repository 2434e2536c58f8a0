/**
 * Speed and time left of a run, from its progress: steps done of a total at wall-clock moments. One estimate for
 * the editor's notification and the panel. The speed is a mean over time weighted towards the last seconds, so noisy
 * batches average out and a stall lowers it; nothing is shown until a few samples over at least a second have come
 * in, and no estimate is ever negative, infinite or NaN.
 */
import { group } from './format';

/** The run at one moment: `done` of `total` steps at `atMs` (milliseconds, any fixed origin). */
export interface EtaSample {
  atMs: number;
  done: number;
  total: number;
}

/** What the estimate is built from; start with `undefined`, then pass each sample through `updateEta`. */
export interface EtaState {
  first: EtaSample;
  /** The newest: the most steps done so far, and the total as last reported. */
  last: EtaSample;
  /** The end of the last interval counted into the sums (a sample at the same moment waits for the next interval). */
  anchor: { atMs: number; done: number };
  /**
   * Steps and milliseconds, each interval weighted by e^(−age/τ) over its length (steps spread evenly in it): their
   * ratio is the smoothed speed, the same however often samples come.
   */
  weightedDone: number;
  weightedMs: number;
  /** Intervals of positive length counted. */
  intervals: number;
}

export type Eta = { kind: 'estimating' } | { kind: 'estimate'; stepsPerSecond: number; remainingMs: number };

/** τ: how fast old speed is forgotten (a step this long ago weighs 1/e of one now). */
export const ETA_TIME_CONSTANT_MS = 5000;
/** Intervals and wall time needed before an estimate is shown. */
export const ETA_MIN_INTERVALS = 3;
export const ETA_MIN_ELAPSED_MS = 1000;

const finite = (v: number) => (Number.isFinite(v) ? v : 0);
/** The weight of the last `dt` ms: ∫₀^dt e^(−s/τ) ds. */
const weight = (dt: number) => -ETA_TIME_CONSTANT_MS * Math.expm1(-dt / ETA_TIME_CONSTANT_MS);

/** The state after `s`. Steps never go back (a smaller `done` counts as no progress), nor does time. */
export function updateEta(state: EtaState | undefined, s: EtaSample): EtaState {
  const sample = { atMs: finite(s.atMs), done: Math.max(0, finite(s.done)), total: Math.max(0, finite(s.total)) };
  if (!state)
    return { first: sample, last: sample, anchor: { atMs: sample.atMs, done: sample.done }, weightedDone: 0, weightedMs: 0, intervals: 0 };
  const last = { atMs: Math.max(state.last.atMs, sample.atMs), done: Math.max(state.last.done, sample.done), total: sample.total };
  const dt = sample.atMs - state.anchor.atMs;
  if (!(dt > 0)) return { ...state, last };
  const [decay, w] = [Math.exp(-dt / ETA_TIME_CONSTANT_MS), weight(dt)];
  return {
    first: state.first,
    last,
    anchor: { atMs: sample.atMs, done: last.done },
    weightedDone: state.weightedDone * decay + (last.done - state.anchor.done) * (w / dt),
    weightedMs: state.weightedMs * decay + w,
    intervals: state.intervals + 1,
  };
}

/**
 * The estimate at `nowMs` (default: the last sample's time); the time since the last sample counts as time without
 * steps, so a run that stopped reporting slows down instead of keeping its last speed.
 */
export function estimateEta(state: EtaState | undefined, nowMs?: number): Eta {
  if (!state || state.last.total <= 0) return { kind: 'estimating' };
  const now = Math.max(state.anchor.atMs, finite(nowMs ?? state.last.atMs));
  const perMs = stepsPerMs(state, now);
  const left = Math.max(0, state.last.total - state.last.done);
  if (left === 0) return { kind: 'estimate', stepsPerSecond: perMs * 1000, remainingMs: 0 };
  if (state.intervals < ETA_MIN_INTERVALS || now - state.first.atMs < ETA_MIN_ELAPSED_MS) return { kind: 'estimating' };
  const remainingMs = left / perMs;
  return perMs > 0 && Number.isFinite(remainingMs)
    ? { kind: 'estimate', stepsPerSecond: perMs * 1000, remainingMs }
    : { kind: 'estimating' };
}

/** The smoothed speed at `now`, with the silence since the last counted interval as one more interval. */
function stepsPerMs(state: EtaState, now: number): number {
  const gap = now - state.anchor.atMs;
  const [decay, w] = [Math.exp(-gap / ETA_TIME_CONSTANT_MS), weight(gap)];
  const pending = gap > 0 ? (state.last.done - state.anchor.done) * (w / gap) : 0;
  const rate = (state.weightedDone * decay + pending) / (state.weightedMs * decay + w);
  return Number.isFinite(rate) ? rate : 0;
}

/**
 * Steps done and planned over a run's parts (solve blocks, repeats), each part's done capped at its total; the total
 * is unknown (0) while a part's is. What both the notification and the panel's card sample.
 */
export function stepsOverParts(parts: Iterable<{ done: number; total: number }>): { done: number; total: number } {
  const all = [...parts];
  const done = all.reduce((s, p) => s + Math.min(p.done, p.total), 0);
  return { done, total: all.every((p) => p.total > 0) ? all.reduce((s, p) => s + p.total, 0) : 0 };
}

/** "1,250 steps/s · 2 min 5 s left", "3.5 steps/s · 40 s left", or "estimating…". */
export function etaText(eta: Eta): string {
  if (eta.kind === 'estimating') return 'estimating…';
  const v = eta.stepsPerSecond;
  const speed = v >= 100 ? group(v) : v >= 10 ? v.toFixed(0) : v.toFixed(1);
  return `${speed} steps/s · ${timeLeft(eta.remainingMs)} left`;
}

/** Whole seconds below a minute, then minutes and seconds, then hours and minutes: an estimate, not a stopwatch. */
function timeLeft(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  const h = Math.floor(s / 3600);
  return h >= 100 ? `${h} h` : `${h} h ${Math.floor((s % 3600) / 60)} min`;
}
