/**
 * Colours from VS Code's theme variables (set on <html> by the webview host), with fallbacks for the standalone
 * report. Read at chart creation; the panel recreates charts when the theme changes.
 */
export interface ChartTheme {
  foreground: string;
  grid: string;
  series: string[];
}

/** Distinct, colour-blind-friendly hues (Okabe–Ito) that read on light and dark backgrounds. */
const SERIES = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#999999'];

export function chartTheme(): ChartTheme {
  const css = getComputedStyle(document.body);
  const foreground = css.getPropertyValue('--vscode-foreground').trim() || css.color || '#333';
  return { foreground, grid: withAlpha(foreground, 0.15), series: SERIES };
}

export function seriesColor(theme: ChartTheme, index: number): string {
  return theme.series[index % theme.series.length];
}

/** Any CSS colour at reduced opacity, via color-mix (Chromium ≥ 111, which every supported VS Code ships). */
export function withAlpha(color: string, alpha: number): string {
  return `color-mix(in srgb, ${color} ${Math.round(alpha * 100)}%, transparent)`;
}

/** Calls `onChange` when VS Code switches theme (it swaps the body's vscode-light/dark/high-contrast class). */
export function watchTheme(onChange: () => void): void {
  let last = document.body.className;
  new MutationObserver(() => {
    if (document.body.className === last) return;
    last = document.body.className;
    onChange();
  }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
