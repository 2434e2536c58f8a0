/**
 * The heatmaps' colour scales, both colour-blind-safe and perceptually ordered: viridis (sequential, for the target and
 * the prediction, whose entries are probabilities) and ColorBrewer's RdBu (diverging, for signed matrices: the
 * difference and X), blue below 0, red above, its light neutral exactly at 0 and its ends at ±max |·|, so equal
 * distances from 0 get equally strong colours whatever their sign.
 */
import type { Rgb } from './theme';

export type ScaleKind = 'sequential' | 'diverging';

/** What a value's colour depends on: the kind and the range the colours span. */
export interface Scale {
  kind: ScaleKind;
  /** Sequential: the lowest and highest value; diverging: −m and m with m = max |·| (1 when all are 0). */
  lo: number;
  hi: number;
}

/** Viridis at 11 even stops (matplotlib's). */
const VIRIDIS = ['#440154', '#482475', '#414487', '#355f8d', '#2a788e', '#21918c', '#22a884', '#44bf70', '#7ad151', '#bddf26', '#fde725'];
/** RdBu reversed (negative blue), 7 stops: the middle one is the neutral. */
const BLUE_WHITE_RED = ['#2166ac', '#4393c3', '#92c5de', '#f7f7f7', '#f4a582', '#d6604d', '#b2182b'];

const STOPS: Record<ScaleKind, Rgb[]> = { sequential: VIRIDIS.map(hexRgb), diverging: BLUE_WHITE_RED.map(hexRgb) };

/** The colour of 0 on a diverging scale. */
export const NEUTRAL: Rgb = hexRgb('#f7f7f7');

/** A sequential scale over [lo, hi], or a diverging one symmetric about 0 reaching max |·| of [lo, hi]. */
export function scaleFor(kind: ScaleKind, lo: number, hi: number): Scale {
  if (kind === 'sequential') return { kind, lo, hi };
  const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  return { kind, lo: -m, hi: m };
}

/**
 * Where v falls on the scale, 0 to 1 (clamped); the middle when the range is empty or v is not a number. Computed on
 * halves: near the largest double, hi − lo itself overflows.
 */
export function position(s: Scale, v: number): number {
  if (!(s.hi > s.lo)) return 0.5;
  const t = (v / 2 - s.lo / 2) / (s.hi / 2 - s.lo / 2);
  return Number.isNaN(t) ? 0.5 : Math.min(1, Math.max(0, t));
}

/** The colour at position t (0 to 1), interpolated linearly between the stops. */
export function colorAt(kind: ScaleKind, t: number): Rgb {
  const stops = STOPS[kind];
  const x = t * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [stops[i], stops[i + 1]];
  return [0, 1, 2].map((c) => Math.round(a[c] + (b[c] - a[c]) * f)) as Rgb;
}

export function colorOf(s: Scale, v: number): Rgb {
  return colorAt(s.kind, position(s, v));
}

function hexRgb(hex: string): Rgb {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
}
