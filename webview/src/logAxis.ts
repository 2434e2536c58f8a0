/**
 * Log-scale y axis shared by the panel's charts. Our own ranges and splits, because uPlot's log ranges and splits
 * break (RangeError) on values below about 1e-16, and losses here reach 1e-30 (Newton at the planted solution).
 */
import type uPlot from 'uplot';
import type { ChartTheme } from './theme';

/** Tick, grid and label colours of every axis. */
export function axisStyle(theme: ChartTheme) {
  return { stroke: theme.foreground, grid: { stroke: theme.grid, width: 1 }, ticks: { stroke: theme.grid, width: 1 } };
}

/** The y scale: base-10 log over whole decades around the data. */
export function logScale(): uPlot.Scale {
  return { distr: 3, log: 10, range: (_u, min, max) => decadeRange(min, max) };
}

/** The y axis of `logScale`: one labelled tick per (thinned) decade. */
export function logAxis(theme: ChartTheme, label: string): uPlot.Axis {
  return { ...axisStyle(theme), label, size: 70, splits: (_u, _i, min, max) => decadeSplits(min, max), filter: (_u, splits) => splits, values: (_u, vals) => vals.map(decadeLabel) };
}

/** Whole decades around the data. */
export function decadeRange(min: number | null, max: number | null): [number, number] {
  if (min === null || max === null || !(min > 0) || !(max > 0)) return [0.1, 10];
  const lo = Math.floor(Math.log10(min));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(max)));
  return [10 ** lo, 10 ** hi];
}

/** 0.001 … 1000 in plain digits, other decades as 1e−12. */
function decadeLabel(v: number): string {
  const e = Math.round(Math.log10(v));
  return e >= -3 && e <= 3 ? String(Number(`1e${e}`)) : `1e${e < 0 ? '−' : ''}${Math.abs(e)}`;
}

/** One tick per decade, thinned to at most 8 labels (every 2nd, 5th, 10th… decade). */
function decadeSplits(min: number, max: number): number[] {
  const lo = Math.round(Math.log10(min));
  const hi = Math.round(Math.log10(max));
  const span = Math.max(1, hi - lo);
  const every = [1, 2, 5, 10, 20, 50].find((e) => span / e <= 8) ?? 100;
  const out: number[] = [];
  for (let e = Math.ceil(lo / every) * every; e <= hi; e += every) out.push(Number(`1e${e}`));
  return out;
}
