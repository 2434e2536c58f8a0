/**
 * One matrix as a canvas heatmap (protocol/results.ts MatrixData): a cell per entry when the result carries them all,
 * else a cell per pooled tile showing the tile’s entry of largest |·| with its sign, else (a run restored from a
 * history too large for the tiles) only the statistics. Beside it a colour bar with its ticks (heatmapScale.ts), row
 * and column numbers, a high-contrast border. The pixels stay crisp: cells are whole CSS pixels, drawn at the screen's
 * pixel ratio without smoothing.
 *
 * Reading values: hovering shows the cell's row, column and value in full (String(v)) in a tooltip; the heatmap takes
 * focus, and the arrow keys (Home/End: first and last column, PageUp/PageDown: first and last row) move a cursor cell
 * whose value the readout below announces (aria-describedby, polite).
 *
 * DOM hooks for tests and tools: figure.heatmap[data-matrix][data-mode="full"|"pooled"|"stats"][data-rows][data-cols]
 * (cells drawn) [data-scale][data-lo][data-hi] (the colours' range) [data-cursor="i j"] (1-based, the cursor's cell);
 * its canvas[data-plot="left top cellWidth cellHeight"] (CSS pixels); .heatmap-tip; .heatmap-readout.
 */
import { num } from '../../common/format';
import type { MatrixData } from '../../protocol/results';
import { el } from './dom';
import type { Exportable, ExportFormat } from './exportable';
import { formula } from './formula';
import { colorAt, colorOf, scaleFor, type Scale, type ScaleKind } from './heatmapScale';
import { chartTheme, lineWidth, onThemeChange, resolveColor } from './theme';

export interface HeatmapOptions {
  /** The export's name and the data-matrix hook: "B (target)", "prediction". */
  label: string;
  /** Shown above the heatmap: what the matrix is, at which point. */
  title: string;
  matrix: MatrixData;
  scale: ScaleKind;
  /** A sequential scale's range (the target and the prediction share one); the matrix's own range when absent. */
  range?: [number, number];
}

/** Largest drawn side in CSS pixels, and a cell's smallest and largest side. */
const MAX_SIDE = 256;
const MIN_CELL = 2;
const MAX_CELL = 24;
const MARGIN = { left: 36, top: 18, gap: 12, bar: 12, ticks: 68, bottom: 6 };
const MIN_BAR_HEIGHT = 80;

/** The cells drawn: the entries, or the pooled tiles. */
interface Cells {
  rows: number;
  cols: number;
  value(i: number, j: number): number;
  /** The entries cell (i, j) covers, 1-based and inclusive. */
  span(i: number, j: number): { rows: [number, number]; cols: [number, number] };
}

export class Heatmap implements Exportable {
  readonly root: HTMLElement;
  readonly label: string;
  readonly formats: readonly ExportFormat[];
  private readonly canvas?: HTMLCanvasElement;
  private readonly tip = el('div', { className: 'heatmap-tip', attrs: { role: 'tooltip' } });
  private readonly readout = el('p', { className: 'heatmap-readout', attrs: { 'aria-live': 'polite' } });
  private readonly cells?: Cells;
  private readonly scale: Scale;
  private cursor?: [number, number];
  private readonly unwatchTheme: () => void;

  constructor(private readonly opts: HeatmapOptions) {
    const m = opts.matrix;
    this.label = opts.label;
    const range = opts.range ?? [m.stats.min, m.stats.max];
    this.scale = scaleFor(opts.scale, range[0], range[1]);
    this.cells = cellsOf(m);
    const mode = m.values ? 'full' : m.pooled ? 'pooled' : 'stats';
    this.formats = this.cells ? ['png', 'csv', 'json'] : ['csv', 'json'];
    this.root = el('figure', {
      className: 'heatmap',
      data: {
        matrix: opts.label,
        mode,
        rows: String(this.cells?.rows ?? 0),
        cols: String(this.cells?.cols ?? 0),
        scale: opts.scale,
        lo: String(this.scale.lo),
        hi: String(this.scale.hi),
      },
    });
    this.root.append(el('figcaption', { text: opts.title }));
    if (this.cells) {
      this.readout.id = `heatmap-readout-${nextId++}`;
      const canvas = el('canvas', {
        attrs: {
          tabindex: '0',
          role: 'img',
          'aria-roledescription': 'heatmap',
          'aria-label': `${opts.title}, ${m.rows}×${m.cols}${m.values ? '' : `, pooled into ${this.cells.rows}×${this.cells.cols} tiles`}. Arrow keys move a cursor cell whose value is read below`,
          'aria-describedby': this.readout.id,
        },
      });
      this.canvas = canvas;
      canvas.addEventListener('mousemove', (e) => this.hover(e));
      canvas.addEventListener('mouseleave', () => (this.tip.hidden = true));
      canvas.addEventListener('keydown', (e) => this.key(e));
      canvas.addEventListener('blur', () => (this.tip.hidden = true));
      this.tip.hidden = true;
      const plot = el('div', { className: 'heatmap-plot' }, [canvas, this.tip]);
      this.root.append(plot);
      if (m.pooled) {
        const p = m.pooled;
        this.root.append(
          el('p', {
            className: 'note',
            text: `Pooled max |·| over ${p.tileRows}×${p.tileCols} tiles: each cell is its tile’s entry of largest |·|, with its sign.`,
          }),
        );
      }
      this.root.append(this.readout);
    } else {
      this.root.append(
        el('p', { className: 'note', text: `${m.rows}×${m.cols}: its entries were not kept (the saved history keeps its size down).` }),
      );
    }
    this.root.append(statsLine(m));
    this.unwatchTheme = onThemeChange(() => this.draw());
    this.draw();
  }

  destroy() {
    this.unwatchTheme();
  }

  async render(format: ExportFormat): Promise<string> {
    const m = this.opts.matrix;
    if (format === 'json') return JSON.stringify({ label: this.label, title: this.opts.title, ...m });
    if (format === 'csv') return csv(m);
    if (format !== 'png' || !this.cells) throw new Error(`${this.label} does not export as ${format}`);
    const canvas = document.createElement('canvas');
    const scale = Math.max(2, window.devicePixelRatio || 1);
    this.paint(canvas, scale, { title: this.opts.title, background: resolveColor(getComputedStyle(document.body).backgroundColor) });
    return canvas.toDataURL('image/png');
  }

  /** Draws on screen at the screen's pixel ratio. */
  private draw() {
    if (!this.canvas) return;
    this.paint(this.canvas, window.devicePixelRatio || 1, {});
  }

  private geometry(titled: boolean) {
    const c = this.cells!;
    const cellW = clamp(Math.floor(MAX_SIDE / c.cols), MIN_CELL, MAX_CELL);
    const cellH = clamp(Math.floor(MAX_SIDE / c.rows), MIN_CELL, MAX_CELL);
    const left = MARGIN.left;
    const top = MARGIN.top + (titled ? 18 : 0);
    const w = c.cols * cellW;
    const h = c.rows * cellH;
    const barH = Math.max(h, MIN_BAR_HEIGHT);
    const barX = left + w + MARGIN.gap;
    return { cellW, cellH, left, top, w, h, barX, barH, width: barX + MARGIN.bar + MARGIN.ticks, height: top + barH + MARGIN.bottom };
  }

  /** The heatmap, its axes and colour bar, the cursor; with a title and a background for an exported file. */
  private paint(canvas: HTMLCanvasElement, ratio: number, extra: { title?: string; background?: [number, number, number] }) {
    const c = this.cells!;
    const g = this.geometry(extra.title !== undefined);
    canvas.width = Math.round(g.width * ratio);
    canvas.height = Math.round(g.height * ratio);
    canvas.style.width = `${g.width}px`;
    canvas.style.height = `${g.height}px`;
    canvas.dataset.plot = `${g.left} ${g.top} ${g.cellW} ${g.cellH}`;
    const ctx = canvas.getContext('2d')!;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.imageSmoothingEnabled = false;
    if (extra.background) {
      ctx.fillStyle = `rgb(${extra.background.join(',')})`;
      ctx.fillRect(0, 0, g.width, g.height);
    }
    const theme = chartTheme();
    const font = getComputedStyle(document.body).fontFamily || 'sans-serif';
    ctx.font = `11px ${font}`;
    ctx.fillStyle = theme.foreground;
    if (extra.title) {
      ctx.textAlign = 'left';
      ctx.textBaseline = 'top';
      ctx.fillText(extra.title, 4, 4);
    }

    // One pixel a cell, scaled up without smoothing: crisp cells of whole CSS pixels.
    const image = document.createElement('canvas');
    image.width = c.cols;
    image.height = c.rows;
    const ictx = image.getContext('2d')!;
    const data = ictx.createImageData(c.cols, c.rows);
    for (let i = 0; i < c.rows; i++)
      for (let j = 0; j < c.cols; j++) {
        const [r, gr, b] = colorOf(this.scale, c.value(i, j));
        const o = 4 * (i * c.cols + j);
        data.data[o] = r;
        data.data[o + 1] = gr;
        data.data[o + 2] = b;
        data.data[o + 3] = 255;
      }
    ictx.putImageData(data, 0, 0);
    ctx.drawImage(image, g.left, g.top, g.w, g.h);

    // The colour bar, top = hi.
    const bar = document.createElement('canvas');
    bar.width = 1;
    bar.height = 256;
    const bctx = bar.getContext('2d')!;
    const bdata = bctx.createImageData(1, 256);
    for (let k = 0; k < 256; k++) {
      const [r, gr, b] = colorAt(this.scale.kind, 1 - k / 255);
      bdata.data.set([r, gr, b, 255], 4 * k);
    }
    bctx.putImageData(bdata, 0, 0);
    ctx.drawImage(bar, g.barX, g.top, MARGIN.bar, g.barH);

    ctx.strokeStyle = theme.foreground;
    ctx.lineWidth = lineWidth(theme, 1);
    ctx.strokeRect(g.left - 0.5, g.top - 0.5, g.w + 1, g.h + 1);
    ctx.strokeRect(g.barX - 0.5, g.top - 0.5, MARGIN.bar + 1, g.barH + 1);

    // Ticks: the ends and the middle (0 on a diverging scale).
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    const ticks: [number, number][] = [
      [this.scale.hi, g.top],
      [(this.scale.lo + this.scale.hi) / 2, g.top + g.barH / 2],
      [this.scale.lo, g.top + g.barH],
    ];
    for (const [v, y] of ticks) {
      ctx.beginPath();
      ctx.moveTo(g.barX + MARGIN.bar, y);
      ctx.lineTo(g.barX + MARGIN.bar + 3, y);
      ctx.stroke();
      ctx.fillText(num(v, 3), g.barX + MARGIN.bar + 5, y);
    }

    // Row numbers down the left, column numbers along the top: the first and the last.
    const m = this.opts.matrix;
    ctx.textBaseline = 'bottom';
    ctx.textAlign = 'left';
    ctx.fillText('1', g.left, g.top - 3);
    if (m.cols > 1) {
      ctx.textAlign = 'right';
      ctx.fillText(String(m.cols), g.left + g.w, g.top - 3);
    }
    ctx.textAlign = 'right';
    ctx.textBaseline = 'top';
    ctx.fillText('1', g.left - 4, g.top);
    if (m.rows > 1) {
      ctx.textBaseline = 'bottom';
      ctx.fillText(String(m.rows), g.left - 4, g.top + g.h);
    }
    ctx.textBaseline = 'middle';
    ctx.fillText('i', g.left - 4, g.top + g.h / 2);
    if (g.w >= 40) {
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      ctx.fillText('j', g.left + g.w / 2, g.top - 3);
    }

    if (this.cursor) {
      // Dark, then light inside: visible on every colour of both scales.
      const [i, j] = this.cursor;
      const x = g.left + j * g.cellW,
        y = g.top + i * g.cellH;
      ctx.lineWidth = 3;
      ctx.strokeStyle = '#000000';
      ctx.strokeRect(x - 0.5, y - 0.5, g.cellW + 1, g.cellH + 1);
      ctx.lineWidth = 1;
      ctx.strokeStyle = '#ffffff';
      ctx.strokeRect(x - 0.5, y - 0.5, g.cellW + 1, g.cellH + 1);
    }
  }

  /** The cell under the pointer, or undefined outside the cells. */
  private cellAt(x: number, y: number): [number, number] | undefined {
    const g = this.geometry(false);
    const i = Math.floor((y - g.top) / g.cellH),
      j = Math.floor((x - g.left) / g.cellW);
    return i >= 0 && j >= 0 && i < this.cells!.rows && j < this.cells!.cols ? [i, j] : undefined;
  }

  private hover(e: MouseEvent) {
    const cell = this.cellAt(e.offsetX, e.offsetY);
    if (!cell) {
      this.tip.hidden = true;
      return;
    }
    this.showTip(cell);
  }

  private showTip([i, j]: [number, number]) {
    const g = this.geometry(false);
    this.tip.textContent = this.describe(i, j);
    this.tip.hidden = false;
    // Beside the cell, on the side with more room, so it never covers the cell it reads.
    const right = j < this.cells!.cols / 2;
    this.tip.style.left = `${right ? g.left + (j + 1) * g.cellW + 6 : g.left + j * g.cellW - 6 - this.tip.offsetWidth}px`;
    this.tip.style.top = `${g.top + i * g.cellH}px`;
  }

  /** "row 3, column 5: 0.0123…" or, pooled, the tile's rows and columns and its largest |·|; 1-based. */
  private describe(i: number, j: number): string {
    const c = this.cells!;
    const s = c.span(i, j);
    const v = String(c.value(i, j));
    if (this.opts.matrix.values) return `row ${s.rows[0]}, column ${s.cols[0]}: ${v}`;
    return `rows ${s.rows[0]}–${s.rows[1]}, columns ${s.cols[0]}–${s.cols[1]}: largest |·| ${v}`;
  }

  private key(e: KeyboardEvent) {
    const c = this.cells!;
    const [i, j] = this.cursor ?? [0, 0];
    const moves: Record<string, [number, number]> = {
      ArrowUp: [i - 1, j],
      ArrowDown: [i + 1, j],
      ArrowLeft: [i, j - 1],
      ArrowRight: [i, j + 1],
      Home: [i, 0],
      End: [i, c.cols - 1],
      PageUp: [0, j],
      PageDown: [c.rows - 1, j],
    };
    const next = moves[e.key];
    if (!next) return;
    e.preventDefault();
    // The first key shows the cursor where it starts.
    const at: [number, number] = this.cursor ? [clamp(next[0], 0, c.rows - 1), clamp(next[1], 0, c.cols - 1)] : [0, 0];
    this.cursor = at;
    this.root.dataset.cursor = `${at[0] + 1} ${at[1] + 1}`;
    this.readout.textContent = this.describe(at[0], at[1]);
    this.showTip(at);
    this.draw();
  }
}

let nextId = 0;

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

function cellsOf(m: MatrixData): Cells | undefined {
  const values = m.values;
  if (values)
    return {
      rows: m.rows,
      cols: m.cols,
      value: (i, j) => values[i * m.cols + j],
      span: (i, j) => ({ rows: [i + 1, i + 1], cols: [j + 1, j + 1] }),
    };
  const p = m.pooled;
  if (!p) return undefined;
  return {
    rows: p.rows,
    cols: p.cols,
    value: (i, j) => p.extreme[i * p.cols + j],
    span: (i, j) => ({
      rows: [i * p.tileRows + 1, Math.min(m.rows, (i + 1) * p.tileRows)],
      cols: [j * p.tileCols + 1, Math.min(m.cols, (j + 1) * p.tileCols)],
    }),
  };
}

function statsLine(m: MatrixData): HTMLElement {
  const s = m.stats;
  return el(
    'p',
    { className: 'meta heatmap-stats' },
    formula(`${m.rows}×${m.cols} · min ${num(s.min)} · max ${num(s.max)} · mean ${num(s.mean)} · ‖·‖_F ${num(s.fro)}`),
  );
}

/** The entries (a header of column numbers, a row number first), or the pooled tiles, or the statistics; in full. */
function csv(m: MatrixData): string {
  const lines: string[] = [];
  if (m.values) {
    lines.push(['row', ...Array.from({ length: m.cols }, (_, j) => String(j + 1))].join(','));
    for (let i = 0; i < m.rows; i++) lines.push([String(i + 1), ...m.values.slice(i * m.cols, (i + 1) * m.cols).map(String)].join(','));
  } else if (m.pooled) {
    const cells = cellsOf(m)!;
    lines.push('first row,last row,first column,last column,largest |entry| (signed)');
    for (let i = 0; i < cells.rows; i++)
      for (let j = 0; j < cells.cols; j++) {
        const s = cells.span(i, j);
        lines.push([s.rows[0], s.rows[1], s.cols[0], s.cols[1], cells.value(i, j)].map(String).join(','));
      }
  } else {
    lines.push('statistic,value');
    for (const [k, v] of Object.entries(m.stats)) lines.push(`${k},${String(v)}`);
  }
  return `${lines.join('\n')}\n`;
}
