/**
 * Colours from VS Code's theme variables (set on <html> by the webview host), with fallbacks for the standalone
 * report. Read at chart creation; charts are recreated when the theme changes (chart.ts).
 */
export interface ChartTheme {
  foreground: string;
  grid: string;
  series: string[];
}

/** Distinct, colour-blind-friendly hues (Okabe–Ito) that read on light and dark backgrounds. */
const SERIES = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#999999'];
/**
 * On a dark background Okabe–Ito's blue is too dark (contrast about 3:1 on #1f1f1f, less for a dotted line): the first
 * colour, which every chart gives its main line, trades places with the sky blue (7:1).
 */
const SERIES_DARK = ['#56B4E9', '#E69F00', '#009E73', '#CC79A7', '#0072B2', '#D55E00', '#F0E442', '#999999'];

export function chartTheme(): ChartTheme {
  const css = getComputedStyle(document.body);
  const foreground = css.getPropertyValue('--vscode-foreground').trim() || css.color || '#333';
  return { foreground, grid: withAlpha(foreground, 0.15), series: isDark(css.backgroundColor) ? SERIES_DARK : SERIES };
}

/** A background darker than mid-grey (relative luminance below 0.2); a transparent or unreadable one counts as light. */
function isDark(background: string): boolean {
  const m = /^rgba?\((\d+), (\d+), (\d+)(?:, ([\d.]+))?\)$/.exec(background);
  if (!m || m[4] === '0') return false;
  const [r, g, b] = [m[1], m[2], m[3]].map((c) => {
    const v = Number(c) / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.2;
}

export function seriesColor(theme: ChartTheme, index: number): string {
  return theme.series[index % theme.series.length];
}

/** Any CSS colour at reduced opacity, via color-mix (Chromium ≥ 111, which every supported VS Code ships). */
export function withAlpha(color: string, alpha: number): string {
  return `color-mix(in srgb, ${color} ${Math.round(alpha * 100)}%, transparent)`;
}

const themeListeners = new Set<() => void>();
let themeObserver: MutationObserver | undefined;

/**
 * Calls `listener` when VS Code switches theme (it swaps the body's vscode-light/dark/high-contrast class); returns
 * the unsubscribe. One observer serves every listener.
 */
export function onThemeChange(listener: () => void): () => void {
  if (!themeObserver) {
    let last = document.body.className;
    themeObserver = new MutationObserver(() => {
      if (document.body.className === last) return;
      last = document.body.className;
      themeListeners.forEach((l) => l());
    });
    themeObserver.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }
  themeListeners.add(listener);
  return () => themeListeners.delete(listener);
}
