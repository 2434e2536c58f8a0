/**
 * Colours from VS Code's theme variables (set on <html> by the webview host), with fallbacks for the standalone
 * report. Read at chart creation; charts are recreated when the theme changes (chart.ts).
 *
 * Every series colour is checked against the panel's actual background with the WCAG contrast ratio and, below 3:1
 * (WCAG 2.1 AA for graphics), darkened on a light background or lightened on a dark one just enough (readableOn): Okabe–Ito's
 * orange and sky blue are about 2.3:1 on white, its yellow 1.3:1. The hues and their order stay, so the palette stays
 * colour-blind-safe; lines also differ by dash. High-contrast themes get thicker lines and markers on every point.
 */
export interface ChartTheme {
  foreground: string;
  grid: string;
  series: string[];
  /** A vscode-high-contrast(-light) theme: lines at least 2.5 px wide, every point marked. */
  highContrast: boolean;
}

/** WCAG 2.1 AA for graphical objects (lines, markers) against their background. */
export const GRAPHICS_CONTRAST = 3;
/** Line width in high-contrast themes, CSS pixels. */
const HIGH_CONTRAST_WIDTH = 2.5;

/** Distinct, colour-blind-friendly hues (Okabe–Ito). */
const SERIES = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#999999'];
/**
 * On a dark background Okabe–Ito's blue is too dark (contrast about 3:1 on #1f1f1f, less for a dotted line): the first
 * colour, which every chart gives its main line, trades places with the sky blue (7:1).
 */
const SERIES_DARK = ['#56B4E9', '#E69F00', '#009E73', '#CC79A7', '#0072B2', '#D55E00', '#F0E442', '#999999'];

export type Rgb = [number, number, number];

export function chartTheme(): ChartTheme {
  const css = getComputedStyle(document.body);
  const foreground = css.getPropertyValue('--vscode-foreground').trim() || css.color || '#333';
  const background = resolveColor(css.backgroundColor);
  const dark = relativeLuminance(background) < 0.2;
  return {
    foreground,
    grid: withAlpha(foreground, 0.15),
    series: (dark ? SERIES_DARK : SERIES).map((c) => toHex(readableOn(hexRgb(c), background, GRAPHICS_CONTRAST))),
    highContrast:
      document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light'),
  };
}

/** WCAG 2.1 relative luminance of an sRGB colour (channels 0–255). */
export function relativeLuminance([r, g, b]: Rgb): number {
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

/** WCAG 2.1 contrast ratio of two opaque colours, 1 to 21. */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * `color` with its OKLab lightness moved towards black (on a light background) or white (on a dark one) in 1 % steps
 * until it reaches `min` against `background`; unchanged when it already does. Hue and chroma stay (clipped to sRGB),
 * so a darkened orange is still orange rather than brown: mixing with black would also wash out the colour.
 */
export function readableOn(color: Rgb, background: Rgb, min: number): Rgb {
  const [l, a, b] = toOklab(color);
  const target = relativeLuminance(background) < 0.2 ? 1 : 0;
  for (let t = 0; t <= 1; t += 0.01) {
    const moved = fromOklab([l + (target - l) * t, a, b]);
    if (contrastRatio(moved, background) >= min) return moved;
  }
  return target ? [255, 255, 255] : [0, 0, 0];
}

const linear = (c: number) => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
const encode = (v: number) => Math.round(255 * Math.min(1, Math.max(0, v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055)));

/** sRGB → OKLab (Björn Ottosson's matrices). */
function toOklab(rgb: Rgb): [number, number, number] {
  const [r, g, b] = rgb.map(linear);
  const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  return [
    0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s,
    1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s,
    0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s,
  ];
}

/** OKLab → sRGB, each channel clipped to 0–255. */
function fromOklab([L, a, b]: [number, number, number]): Rgb {
  const l = (L + 0.3963377774 * a + 0.2158037573 * b) ** 3;
  const m = (L - 0.1055613458 * a - 0.0638541728 * b) ** 3;
  const s = (L - 0.0894841775 * a - 1.291485548 * b) ** 3;
  return [
    4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s,
    -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s,
    -0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s,
  ].map(encode) as Rgb;
}

export function seriesColor(theme: ChartTheme, index: number): string {
  return theme.series[index % theme.series.length];
}

/** A line's width in `theme`: as designed, or at least 2.5 px in high contrast. */
export function lineWidth(theme: ChartTheme, width: number): number {
  return theme.highContrast ? Math.max(width + 1, HIGH_CONTRAST_WIDTH) : width;
}

/** Any CSS colour at reduced opacity, via color-mix (Chromium ≥ 111, which every supported VS Code ships). */
export function withAlpha(color: string, alpha: number): string {
  return `color-mix(in srgb, ${color} ${Math.round(alpha * 100)}%, transparent)`;
}

let probe: CanvasRenderingContext2D | undefined;

/**
 * Any CSS colour (rgb(), hex, color-mix(), translucent) as the opaque sRGB the page shows, over white: the browser
 * parses and composites it on a 1×1 canvas.
 */
export function resolveColor(css: string): Rgb {
  probe ??= Object.assign(document.createElement('canvas'), { width: 1, height: 1 }).getContext('2d', { willReadFrequently: true })!;
  probe.fillStyle = '#ffffff';
  probe.fillRect(0, 0, 1, 1);
  probe.fillStyle = css;
  probe.fillRect(0, 0, 1, 1);
  const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
  return [r, g, b];
}

function hexRgb(hex: string): Rgb {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
}

function toHex(rgb: Rgb): string {
  return `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
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
