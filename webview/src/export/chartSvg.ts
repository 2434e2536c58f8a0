/**
 * A chart as SVG, built from what the uPlot holds — its columns, scales (log ones through uPlot's own valToPos), each
 * visible series' colour, width and dash, its bands, the axes' ticks and labels of the last draw — plus the marks a
 * draw hook adds (figure.ts), a title above and a legend below. Every colour is resolved to a concrete one
 * (colors.ts): the file shows the chart as the panel did in its theme, anywhere.
 */
import type uPlot from 'uplot';
import { paint, pageBackground, type Paint } from './colors';
import type { ChartSource, FigureMark, MarkerShape } from './figure';

const FONT = `system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif`;
const FONT_SIZE = 12;
const TITLE_HEIGHT = 28;
const LEGEND_ROW = 20;
const SWATCH = 24;

/** uPlot's per-axis results of the last draw: not in its typings, present on every drawn axis. */
interface DrawnAxis {
  _pos?: number;
  _size?: number;
  /** Where uPlot drew the axis label: its baseline, outside the tick labels. */
  _lpos?: number;
  _splits?: number[] | null;
  _values?: (string | number | null)[] | null;
}

type Fn<T> = T | ((...args: never[]) => T);

export function chartSvg(source: ChartSource, title: string): string {
  const u = source.plot;
  const px = devicePixelRatioOf(u);
  const width = u.width;
  const top = title ? TITLE_HEIGHT : 0;
  const box = { left: u.bbox.left / px, top: u.bbox.top / px + top, width: u.bbox.width / px, height: u.bbox.height / px };
  const legend = legendEntries(u, source);
  const legendRows = layoutLegend(legend, width);
  // The legend goes right under the plot and its bottom axis (uPlot's canvas may be taller).
  const legendTop = Math.min(top + u.height, Math.max(box.top + box.height, ...u.axes.map((a, i) => bottomOf(a, i, top)))) + 6;
  const height = Math.ceil(legendTop + legendRows.length * LEGEND_ROW + 8);
  const fg = axisColor(u);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${esc(FONT)}" font-size="${FONT_SIZE}">`,
    `<title>${esc(title)}</title>`,
    `<rect width="100%" height="100%"${fill(pageBackground())}/>`,
  );
  if (title) out.push(`<text x="${width / 2}" y="18" text-anchor="middle" font-weight="bold"${fill(fg)}>${esc(title)}</text>`);
  out.push(...axes(u, box, top));
  out.push(
    `<defs><clipPath id="plot"><rect x="${r(box.left)}" y="${r(box.top)}" width="${r(box.width)}" height="${r(box.height)}"/></clipPath></defs>`,
    `<g clip-path="url(#plot)">`,
    ...bands(u, box),
    ...series(u, box, source.drawnBy),
    ...source.marks.map((m) => mark(m, top)),
    `</g>`,
  );
  legendRows.forEach((row, ri) => {
    const y = legendTop + ri * LEGEND_ROW + LEGEND_ROW / 2;
    for (const e of row) {
      out.push(
        `<line x1="${r(e.x)}" y1="${r(y)}" x2="${r(e.x + SWATCH)}" y2="${r(y)}"${stroke(e.paint)} stroke-width="${Math.max(2, e.width)}"${dashAttr(e.dash)}/>`,
        `<text x="${r(e.x + SWATCH + 6)}" y="${r(y)}" dominant-baseline="middle"${fill(fg)}>${esc(e.label)}</text>`,
      );
    }
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** Where a bottom axis ends (its tick labels, then its label's line); 0 for any other axis. */
function bottomOf(axis: uPlot.Axis, i: number, top: number): number {
  const drawn = axis as uPlot.Axis & DrawnAxis;
  if (axis.show === false || sideOf(axis, i) !== 2 || drawn._pos === undefined) return 0;
  const labelled = typeof axis.label === 'string' && axis.label !== '';
  return top + (labelled && drawn._lpos !== undefined ? drawn._lpos + FONT_SIZE * 1.4 : drawn._pos + (drawn._size ?? 0));
}

/** uPlot's default sides: x at the bottom, the others left. */
function sideOf(axis: uPlot.Axis, i: number): number {
  return axis.side ?? (i === 0 ? 2 : 3);
}

function devicePixelRatioOf(u: uPlot): number {
  // The canvas' backing store over its CSS width: uPlot's pxRatio at the last size.
  return u.ctx.canvas.width / u.width || 1;
}

function axisColor(u: uPlot): Paint {
  const a = u.axes[1] ?? u.axes[0];
  return paint(call(a?.stroke, u, 1) ?? getComputedStyle(document.body).color);
}

function axes(u: uPlot, box: Box, top: number): string[] {
  const out: string[] = [];
  u.axes.forEach((axis, i) => {
    const drawn = axis as uPlot.Axis & DrawnAxis;
    if (axis.show === false || !drawn._splits || !drawn._values) return;
    const scaleKey = axis.scale ?? (i === 0 ? 'x' : 'y');
    const side = sideOf(axis, i);
    const horizontal = side === 0 || side === 2;
    const color = paint(call(axis.stroke, u, i));
    const grid = axis.grid?.show === false ? undefined : paint(call(axis.grid?.stroke, u, i));
    const ticks = axis.ticks?.show === false ? undefined : paint(call(axis.ticks?.stroke, u, i));
    const tickSize = axis.ticks?.size ?? 10;
    const pos = (drawn._pos ?? 0) + (horizontal ? top : 0);
    const dir = side === 1 || side === 2 ? 1 : -1;
    drawn._splits.forEach((value, j) => {
      const at = u.valToPos(value, scaleKey) + (horizontal ? box.left : box.top);
      if (!Number.isFinite(at)) return;
      if (grid && grid.opacity > 0)
        out.push(
          horizontal
            ? `<line x1="${r(at)}" y1="${r(box.top)}" x2="${r(at)}" y2="${r(box.top + box.height)}"${stroke(grid)}/>`
            : `<line x1="${r(box.left)}" y1="${r(at)}" x2="${r(box.left + box.width)}" y2="${r(at)}"${stroke(grid)}/>`,
        );
      if (ticks && ticks.opacity > 0)
        out.push(
          horizontal
            ? `<line x1="${r(at)}" y1="${r(pos)}" x2="${r(at)}" y2="${r(pos + dir * tickSize)}"${stroke(ticks)}/>`
            : `<line x1="${r(pos)}" y1="${r(at)}" x2="${r(pos + dir * tickSize)}" y2="${r(at)}"${stroke(ticks)}/>`,
        );
      const text = drawn._values![j];
      if (text === null || text === undefined) return;
      const off = pos + dir * (tickSize + 5);
      out.push(
        horizontal
          ? `<text x="${r(at)}" y="${r(off)}" text-anchor="middle" dominant-baseline="${dir > 0 ? 'hanging' : 'auto'}"${fill(color)}>${esc(String(text))}</text>`
          : `<text x="${r(off)}" y="${r(at)}" text-anchor="${dir > 0 ? 'start' : 'end'}" dominant-baseline="middle"${fill(color)}>${esc(String(text))}</text>`,
      );
    });
    const label = typeof axis.label === 'string' ? axis.label : '';
    if (!label) return;
    // uPlot's place for it: the baseline at _lpos, the text outside it (below a bottom axis, beside a side one).
    const at = (drawn._lpos ?? (drawn._pos ?? 0) + dir * (drawn._size ?? 50)) + (horizontal ? top : 0);
    out.push(
      horizontal
        ? `<text x="${r(box.left + box.width / 2)}" y="${r(at)}" text-anchor="middle" dominant-baseline="${dir > 0 ? 'text-before-edge' : 'text-after-edge'}" font-weight="bold"${fill(color)}>${esc(label)}</text>`
        : `<text transform="translate(${r(at)} ${r(box.top + box.height / 2)}) rotate(${dir > 0 ? 90 : -90})" text-anchor="middle" dominant-baseline="text-after-edge" font-weight="bold"${fill(color)}>${esc(label)}</text>`,
    );
  });
  return out;
}

interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Each band as polygons between its edges where both have values. */
function bands(u: uPlot, box: Box): string[] {
  const out: string[] = [];
  const list = (u as uPlot & { bands?: uPlot.Band[] }).bands ?? [];
  list.forEach((band, bi) => {
    const [hi, lo] = band.series;
    if (u.series[hi]?.show === false || u.series[lo]?.show === false) return;
    const color = paint(call(band.fill as Fn<string> | undefined, u, bi, null));
    if (!color.opacity) return;
    const xs = u.data[0];
    const key = u.series[hi].scale ?? 'y';
    let run: [number, number, number][] = [];
    const flush = () => {
      if (run.length > 1) {
        const upper = run.map(([x, y]) => `${r(x)},${r(y)}`);
        const lower = run.map(([x, , y]) => `${r(x)},${r(y)}`).reverse();
        out.push(`<polygon points="${[...upper, ...lower].join(' ')}"${fill(color)}/>`);
      }
      run = [];
    };
    for (let j = 0; j < xs.length; j++) {
      const a = u.data[hi][j];
      const b = u.data[lo][j];
      const at: [number, number, number] | undefined =
        a === null || a === undefined || b === null || b === undefined
          ? undefined
          : [box.left + u.valToPos(xs[j], 'x'), box.top + u.valToPos(a, key), box.top + u.valToPos(b, key)];
      if (at?.every(Number.isFinite)) run.push(at);
      else flush();
    }
    flush();
  });
  return out;
}

/** Each visible series uPlot draws: its line (broken at null, joined over undefined) and markers where shown. */
function series(u: uPlot, box: Box, drawnBy: ReadonlySet<number>): string[] {
  const out: string[] = [];
  const xs = u.data[0];
  u.series.forEach((s, i) => {
    if (i === 0 || s.show === false || drawnBy.has(i)) return;
    const color = paint(call(s.stroke, u, i));
    if (!color.opacity) return;
    const key = s.scale ?? 'y';
    const ys = u.data[i];
    const parts: string[] = [];
    const points: [number, number][] = [];
    let pen = false;
    for (let j = 0; j < xs.length; j++) {
      const v = ys[j];
      if (v === undefined || (v === null && s.spanGaps)) continue;
      if (v === null) {
        pen = false;
        continue;
      }
      const x = box.left + u.valToPos(xs[j], 'x');
      const y = box.top + u.valToPos(v, key);
      // A value the scale cannot place (a scale not yet ranged) is a gap, never "NaN" in the file.
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        pen = false;
        continue;
      }
      parts.push(`${pen ? 'L' : 'M'}${r(x)} ${r(y)}`);
      points.push([x, y]);
      pen = true;
    }
    const width = s.width ?? 1;
    if (parts.length)
      out.push(
        `<path d="${parts.join('')}" fill="none"${stroke(color)} stroke-width="${width}" stroke-linejoin="round"${dashAttr(s.dash)}/>`,
      );
    const show = s.points?.show;
    const marked = typeof show === 'function' ? show(u, i, 0, xs.length - 1) : show;
    if (marked) {
      const radius = (s.points?.size ?? 5) / 2;
      for (const [x, y] of points) out.push(`<circle cx="${r(x)}" cy="${r(y)}" r="${radius}"${fill(color)}/>`);
    }
  });
  return out;
}

function mark(m: FigureMark, top: number): string {
  const color = paint(m.color);
  if (m.kind === 'line') {
    const d = m.points.map(([x, y], j) => `${j ? 'L' : 'M'}${r(x)} ${r(y + top)}`).join('');
    return d ? `<path d="${d}" fill="none"${stroke(color)} stroke-width="${m.width}"${dashAttr(m.dash)}/>` : '';
  }
  const [x, t, mid, b] = [m.x, m.top + top, m.mid + top, m.bottom + top];
  const bar = `M${r(x)} ${r(t)}L${r(x)} ${r(b)}M${r(x - m.cap)} ${r(t)}L${r(x + m.cap)} ${r(t)}M${r(x - m.cap)} ${r(b)}L${r(x + m.cap)} ${r(b)}`;
  const look = m.hollow ? `${fill(pageBackground())}${stroke(color)} stroke-width="${m.width}"` : fill(color);
  return `<path d="${bar}" fill="none"${stroke(color)} stroke-width="${m.width}"/>\n${markerShape(m.marker, x, mid, m.radius, look)}`;
}

function markerShape(shape: MarkerShape, x: number, y: number, radius: number, look: string): string {
  if (shape === 'circle') return `<circle cx="${r(x)}" cy="${r(y)}" r="${radius}"${look}/>`;
  if (shape === 'square') {
    const h = radius * 0.85;
    return `<rect x="${r(x - h)}" y="${r(y - h)}" width="${r(2 * h)}" height="${r(2 * h)}"${look}/>`;
  }
  const q = radius * 1.25;
  return `<polygon points="${r(x)},${r(y - q)} ${r(x + q)},${r(y)} ${r(x)},${r(y + q)} ${r(x - q)},${r(y)}"${look}/>`;
}

interface LegendEntry {
  label: string;
  paint: Paint;
  width: number;
  dash?: readonly number[];
  /** Set by layoutLegend. */
  x: number;
}

/** Visible series with a label and a drawn colour (not a band's edges). */
function legendEntries(u: uPlot, source: ChartSource): LegendEntry[] {
  return u.series.flatMap((s, i) => {
    if (i === 0 || s.show === false || typeof s.label !== 'string' || s.class === 'band-edge') return [];
    const color = paint(call(s.stroke, u, i));
    if (!color.opacity && !source.drawnBy.has(i)) return [];
    return [{ label: s.label, paint: color, width: s.width ?? 1, dash: s.dash, x: 0 }];
  });
}

let measure: CanvasRenderingContext2D | undefined;

/** Entries left to right, wrapped into rows of the chart's width. */
function layoutLegend(entries: LegendEntry[], width: number): LegendEntry[][] {
  measure ??= document.createElement('canvas').getContext('2d')!;
  measure.font = `${FONT_SIZE}px ${FONT}`;
  const rows: LegendEntry[][] = [];
  let x = 8;
  for (const e of entries) {
    const w = SWATCH + 6 + measure.measureText(e.label).width + 18;
    if (!rows.length || (x + w > width && rows[rows.length - 1].length)) {
      rows.push([]);
      x = 8;
    }
    e.x = x;
    rows[rows.length - 1].push(e);
    x += w;
  }
  return rows;
}

function call<T>(f: Fn<T> | undefined, ...args: unknown[]): T | undefined {
  return typeof f === 'function' ? (f as (...a: unknown[]) => T)(...args) : f;
}

const r = (v: number) => String(Math.round(v * 100) / 100);

function fill(p: Paint): string {
  return ` fill="${p.color}"${p.opacity < 1 ? ` fill-opacity="${p.opacity}"` : ''}`;
}

function stroke(p: Paint): string {
  return ` stroke="${p.color}"${p.opacity < 1 ? ` stroke-opacity="${p.opacity}"` : ''}`;
}

function dashAttr(dash: readonly number[] | undefined): string {
  return dash?.length ? ` stroke-dasharray="${dash.join(' ')}"` : '';
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
