/**
 * Number, size and duration formatting, one style for the panel, the CLI and hovers: compact, and explicit about
 * non-finite values.
 */

/** `digits` significant digits; exponent form outside [1e-3, 1e5); "—" for a missing value, "∞", "NaN". */
export function num(v: number | undefined | null, digits = 4): string {
  if (v === undefined || v === null) return '—';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e5 ? String(Number(v.toPrecision(digits))) : v.toExponential(digits - 1);
}

/** "0.25 ± 0.012": a mean and its std, each to its significant digits; the mean alone when there is no std. */
export function meanStdText(mean: number | null | undefined, std: number | null | undefined, meanDigits = 4, stdDigits = 2): string {
  return std === null || std === undefined ? num(mean, meanDigits) : `${num(mean, meanDigits)} ± ${num(std, stdDigits)}`;
}

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** Thousands separators without locale data: 65536 → "65,536". */
export function group(v: number): string {
  return String(Math.round(v)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Binary units: 2^31 → "2.0 GiB", 2^28 → "256 MiB", 1536 → "1.5 KiB", 512 → "512 bytes". */
export function bytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  if (u === 0) return `${v} bytes`;
  return `${v < 10 ? v.toFixed(1) : v.toFixed(0)} ${units[u]}`;
}

/** A power of ten given by its exponent (bounds beyond the double range arrive as log10): "10^72.5", "10^−3.2". */
export function powerOfTen(log10: number): string {
  if (!Number.isFinite(log10)) return num(10 ** log10);
  const e = (Math.round(log10 * 10) / 10).toFixed(1); // rounding first turns −0.04 into "0.0", not "-0.0"
  return `10^${e.replace('-', '−')}`;
}

/** "lr = 0.5, steps = 200". */
export function optionsText(options: Record<string, number>): string {
  return Object.entries(options)
    .map(([k, v]) => `${k} = ${num(v, 6)}`)
    .join(', ');
}
