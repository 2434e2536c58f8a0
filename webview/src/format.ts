/** Number formatting for the panel: compact, and explicit about non-finite values. */
export function num(v: number | undefined | null, digits = 4): string {
  if (v === undefined || v === null) return '—';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e5 ? String(Number(v.toPrecision(digits))) : v.toExponential(digits - 1);
}

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function optionsText(options: Record<string, number>): string {
  return Object.entries(options)
    .map(([k, v]) => `${k} = ${num(v, 6)}`)
    .join(', ');
}

/** A power of ten given by its exponent (bounds beyond the double range arrive as log10): "10^72.5", "10^−3.2". */
export function powerOfTen(log10: number): string {
  if (!Number.isFinite(log10)) return num(10 ** log10);
  const e = (Math.round(log10 * 10) / 10).toFixed(1); // rounding first turns −0.04 into "0.0", not "-0.0"
  return `10^${e.replace('-', '−')}`;
}
