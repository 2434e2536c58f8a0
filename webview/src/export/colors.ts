/**
 * CSS colours as the concrete colours a file can hold: whatever the page uses (a hex, rgb(), a theme variable's value,
 * color-mix() with transparency) is drawn by the browser on a transparent 1×1 canvas and read back, so an exported
 * chart never carries var(--vscode-…) or color-mix(), which only the panel's page can resolve.
 */
export interface Paint {
  /** `#rrggbb`. */
  color: string;
  /** 0–1; 0 for a colour that is not drawn (transparent, none). */
  opacity: number;
}

let probe: CanvasRenderingContext2D | undefined;

/** A colour as drawn; a gradient, a pattern or nothing counts as not drawn. */
export function paint(css: unknown): Paint {
  if (typeof css !== 'string' || !css || css === 'transparent' || css === 'none') return { color: '#000000', opacity: 0 };
  probe ??= Object.assign(document.createElement('canvas'), { width: 1, height: 1 }).getContext('2d', { willReadFrequently: true })!;
  probe.clearRect(0, 0, 1, 1);
  probe.fillStyle = '#000000';
  probe.fillStyle = css;
  probe.fillRect(0, 0, 1, 1);
  const [r, g, b, a] = probe.getImageData(0, 0, 1, 1).data;
  return { color: `#${[r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('')}`, opacity: Math.round((a / 255) * 1000) / 1000 };
}

/** The page's background as drawn (the body's, else white: the standalone report outside VS Code). */
export function pageBackground(): Paint {
  const p = paint(getComputedStyle(document.body).backgroundColor);
  return p.opacity > 0 ? { ...p, opacity: 1 } : { color: '#ffffff', opacity: 1 };
}
