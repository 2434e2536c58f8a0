/**
 * Log-scale axes shared by the panel's charts. Our own ranges and splits, because uPlot's log ranges and splits
 * break (RangeError) on values below about 1e-16, and losses here reach 1e-30 (Newton at the planted solution). The
 * iteration axis on an asinh scale (log above 1, linear below, so k = 0 stays) gets ticks at 0 and 1, 2, 5 × 10ᵉ.
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
  return {
    ...axisStyle(theme),
    label,
    size: 70,
    splits: (_u, _i, min, max) => (drawable(min, max) ? decadeSplits(min, max) : []),
    filter: (_u, splits) => splits,
    values: (_u, vals) => vals.map(decadeLabel),
  };
}

/** The x axis of an asinh scale of iterations (trajectoryChart.ts): ticks at 0, 1, 2, 5, 10, 20, … spaced on screen. */
export function asinhAxis(theme: ChartTheme, label: string): uPlot.Axis {
  return {
    ...axisStyle(theme),
    label,
    splits: (_u, _i, min, max) => asinhSplits(min, max),
    filter: (_u, splits) => splits,
    values: (_u, vals) => vals.map((v) => (v < 1e6 ? String(v) : stepLabel(v))),
  };
}

/** 0 and 1-2-5 values within [min, max], dropping any closer on screen than a tenth of the axis to the one before. */
function asinhSplits(min: number, max: number): number[] {
  const candidates = [0, ...stepValues(0, Math.max(0, Math.ceil(Math.log10(Math.max(1, max)))))];
  const span = Math.asinh(max) - Math.asinh(min);
  const out: number[] = [];
  for (const v of candidates) {
    if (v < min || v > max) continue;
    if (out.length && Math.asinh(v) - Math.asinh(out[out.length - 1]) < span / 10) continue;
    out.push(v);
  }
  return out;
}

/** Whole decades around the data. */
export function decadeRange(min: number | null, max: number | null): [number, number] {
  if (min === null || max === null || !(min > 0) || !(max > 0)) return [0.1, 10];
  const lo = Math.floor(Math.log10(min));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(max)));
  return [10 ** lo, 10 ** hi];
}

/** Whether a log axis can tick [min, max]: both ends finite and above 0 (log10(0) = −∞ would never end a loop). */
function drawable(min: number, max: number): boolean {
  return min > 0 && max > min && Number.isFinite(max);
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

/**
 * A log scale snapped to 1-2-5 steps around the data, for quantities that stay within a decade or two (an
 * experiment's losses: whole decades would squeeze the comparison into a third of the plot).
 */
export function stepLogScale(): uPlot.Scale {
  return { distr: 3, log: 10, range: (_u, min, max) => stepRange(min, max) };
}

/** The y axis of `stepLogScale`: ticks at 1, 2 and 5 per decade over up to two decades, else at decades. */
export function stepLogAxis(theme: ChartTheme, label: string): uPlot.Axis {
  return {
    ...logAxis(theme, label),
    splits: (_u, _i, min, max) => (!drawable(min, max) ? [] : Math.log10(max / min) <= 2 ? stepSplits(min, max) : decadeSplits(min, max)),
    values: (_u, vals) => vals.map(stepLabel),
  };
}

const STEPS = [1, 2, 5];

/** The 1-2-5 values at or below `min` and at or above `max` (a step apart at least). */
function stepRange(min: number | null, max: number | null): [number, number] {
  if (min === null || max === null || !(min > 0) || !(max > 0)) return [0.1, 10];
  const values = stepValues(Math.floor(Math.log10(min)) - 1, Math.ceil(Math.log10(max)) + 1);
  const bottom = values.filter((v) => v <= min * (1 + 1e-9)).length - 1;
  const top = values.findIndex((v) => v >= max * (1 - 1e-9));
  return [values[bottom], values[Math.max(top, bottom + 1)]];
}

function stepSplits(min: number, max: number): number[] {
  return stepValues(Math.floor(Math.log10(min)), Math.ceil(Math.log10(max))).filter((v) => v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9));
}

/** 1, 2, 5 × 10^e for e from `from` to `to`, built from decimal strings so 2e-4 is exactly the double of "2e-4". */
function stepValues(from: number, to: number): number[] {
  const out: number[] = [];
  for (let e = from; e <= to; e++) for (const m of STEPS) out.push(Number(`${m}e${e}`));
  return out;
}

/** 0.002 … 5000 in plain digits, other values as 5e−4. */
function stepLabel(v: number): string {
  const e = Math.floor(Math.log10(v) + 1e-9);
  if (e >= -3 && e <= 3) return String(Number(v.toPrecision(1)));
  const m = Math.round(v / 10 ** e);
  return `${m}e${e < 0 ? '−' : ''}${Math.abs(e)}`;
}
