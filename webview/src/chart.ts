/**
 * What every chart of the panel shares: a uPlot in a host element, sized to the host's width (ResizeObserver),
 * rebuilt with the new colours when the theme changes, redrawn at most once per animation frame however many events
 * arrive (uPlot draws 10⁵–10⁶ points per frame on canvas, but not once per message), and released on destroy: the
 * observer disconnected, the theme listener dropped, the pending frame cancelled, uPlot destroyed (which removes its
 * DOM from the host). A resize is applied in the next frame too: resizing inside the observer's callback changes
 * the host's layout while observations are delivered, which the browser reports as an error ("ResizeObserver loop").
 *
 * The host's data-points says how many points are on screen after the last draw (not merely received).
 *
 * Keyboard and screen readers (uPlot draws on a canvas, for the mouse): the host is a figure named by the subclass'
 * aria-label; the plot area takes focus; every legend entry is a toggle button (Tab, then Enter or Space); a "Show
 * data" disclosure under the plot renders the columns the chart draws as a table, built when opened. A chart whose
 * options drag on x zooms and pans in x and y by mouse, wheel and keys, with a "Reset zoom" button (chartZoom.ts); a
 * zoomed chart keeps its view while live data arrives. The host's data-x-range and data-y-range hold the x and y
 * scales' "min max" after every change, for tests and tools.
 */
import uPlot from 'uplot';
import { num } from '../../common/format';
import { ChartZoom, type ZoomGroup } from './chartZoom';
import { el } from './dom';
import type { ChartSource, FigureMark } from './export/figure';
import { chartTheme, onThemeChange, type ChartTheme } from './theme';

export abstract class Chart {
  private plot?: uPlot;
  private frame = 0;
  /** What the next frame does. */
  private pending = { data: false, size: false };
  private readonly resize: ResizeObserver;
  private readonly unwatchTheme: () => void;
  private readonly table = el('details', { className: 'chart-data' }, [el('summary', { text: 'Show data' })]);
  private readonly zoom: ChartZoom;

  constructor(
    protected readonly host: HTMLElement,
    private readonly height: number,
  ) {
    this.zoom = new ChartZoom(host, () => this.refit());
    this.resize = new ResizeObserver(() => this.schedule('size'));
    this.resize.observe(host);
    this.unwatchTheme = onThemeChange(() => this.create());
    host.setAttribute('role', 'figure');
    this.table.addEventListener('toggle', () => this.fillTable());
  }

  /** uPlot's options but the size; read at every (re)creation, so colours follow the theme. */
  protected abstract options(theme: ChartTheme): Omit<uPlot.Options, 'width' | 'height'>;
  /** The columns to draw now. */
  protected abstract data(): uPlot.AlignedData;
  /** Points on screen after a draw, for data-points; `drawn` hooks further bookkeeping. */
  protected abstract drawnPoints(): number;
  protected drawn(): void {}

  /**
   * (Re)builds the plot: first by the subclass, last in its constructor (its own fields are set only then); again on
   * a theme change or when the series change.
   */
  create() {
    this.plot?.destroy();
    const theme = chartTheme();
    // Options first: a subclass may prepare the data they describe.
    const own = this.options(theme);
    const zoomable = !!own.cursor?.drag?.x;
    const options = zoomable ? this.zoom.options(own) : own;
    const hooks = { ...options.hooks, setScale: [...(options.hooks?.setScale ?? []), (u: uPlot) => this.recordRange(u)] };
    // Legend markers as thick as their lines (2 px at least), so a high-contrast theme's wider lines show there too.
    const legend = {
      ...options.legend,
      markers: { width: (u: uPlot, i: number) => Math.max(2, u.series[i].width ?? 0), ...options.legend?.markers },
    };
    this.plot = new uPlot({ ...options, hooks, legend, ...this.size() }, this.data(), this.host);
    this.makeAccessible(this.plot, zoomable);
    if (zoomable) this.zoom.attach(this.plot);
    // uPlot appends its root to the host: the reset button and the data table stay below it.
    this.host.append(...(zoomable ? [this.zoom.resetButton] : []), this.table);
    this.zoom.scaleChanged();
    this.recordDrawn();
  }

  /** Schedules a redraw with the current data: one per animation frame. */
  update() {
    this.schedule('data');
  }

  /** Shares the x range with the other charts of `group` (a card's small multiples). */
  linkZoom(group: ZoomGroup) {
    this.zoom.join(group);
  }

  destroy() {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.resize.disconnect();
    this.unwatchTheme();
    this.zoom.detach();
    this.zoom.leave();
    this.plot?.destroy();
    this.plot = undefined;
  }

  /** The plot as it stands, for an export (export/chartExport.ts); undefined once destroyed. */
  exportSource(): ChartSource | undefined {
    if (!this.plot) return undefined;
    const { drawnBy, marks } = this.exportMarks();
    return { plot: this.plot, drawnBy, marks };
  }

  /** Marks a draw hook adds instead of uPlot's paths for the series `drawnBy` (none by default). */
  protected exportMarks(): { drawnBy: ReadonlySet<number>; marks: FigureMark[] } {
    return { drawnBy: new Set(), marks: [] };
  }

  private schedule(what: 'data' | 'size') {
    this.pending[what] = true;
    if (!this.frame) this.frame = requestAnimationFrame(() => this.flush());
  }

  private flush() {
    const { data, size } = this.pending;
    this.frame = 0;
    this.pending = { data: false, size: false };
    if (!this.plot) return;
    const want = this.size();
    if (size && want.width !== this.plot.width) this.plot.setSize(want);
    if (data) {
      // A zoomed view stays where the user put it; otherwise the scales follow the data.
      if (this.zoom.zoomed) {
        this.plot.setData(this.data(), false);
        this.plot.redraw();
      } else this.plot.setData(this.data());
      this.recordDrawn();
      if (this.table.open) this.fillTable();
    }
  }

  /** Focus, keys and roles for what uPlot built (see the module comment). */
  private makeAccessible(u: uPlot, zoomable: boolean) {
    const label = this.host.getAttribute('aria-label') ?? '';
    u.over.tabIndex = 0;
    u.over.setAttribute('role', 'img');
    u.over.setAttribute(
      'aria-label',
      zoomable ? `${label}. Keys: + and − zoom, arrows pan, Page Up and Page Down zoom the y axis, 0 or Escape resets` : label,
    );
    u.root.querySelectorAll<HTMLElement>('.u-legend .u-series').forEach((row, i) => {
      if (i === 0) return;
      const toggle = row.querySelector('th')!;
      toggle.tabIndex = 0;
      toggle.setAttribute('role', 'button');
      toggle.setAttribute('aria-pressed', String(u.series[i].show !== false));
      toggle.addEventListener('keydown', (e) => {
        if (e.key !== 'Enter' && e.key !== ' ') return;
        e.preventDefault();
        toggle.dispatchEvent(new MouseEvent('click', { bubbles: true }));
      });
    });
    u.hooks.setSeries = [
      ...(u.hooks.setSeries ?? []),
      (_u, i) => {
        const row = i === null ? undefined : u.root.querySelectorAll('.u-legend .u-series')[i];
        row?.querySelector('th')?.setAttribute('aria-pressed', String(u.series[i!].show !== false));
      },
    ];
  }

  private recordRange(u: uPlot) {
    const { min, max } = u.scales.x;
    if (min !== undefined && max !== undefined) this.host.dataset.xRange = `${min} ${max}`;
    const y = u.scales.y;
    if (typeof y?.min === 'number' && typeof y.max === 'number') this.host.dataset.yRange = `${y.min} ${y.max}`;
    this.zoom.scaleChanged();
  }

  /** The current data with every scale fitted to it (a zoom reset). */
  private refit() {
    if (!this.plot) return;
    this.plot.setData(this.data());
    this.recordDrawn();
  }

  /** The plotted columns as a table (x per row, one column per series), while the disclosure is open. */
  private fillTable() {
    this.table.querySelector('.table-scroll')?.remove();
    if (!this.table.open || !this.plot) return;
    const u = this.plot;
    const header = el(
      'tr',
      {},
      u.series.map((s) => el('th', { text: typeof s.label === 'string' ? s.label : '', attrs: { scope: 'col' } })),
    );
    const rows = Array.from(u.data[0], (x, r) =>
      el('tr', {}, [
        el('th', { text: String(x), attrs: { scope: 'row' } }),
        ...u.data.slice(1).map((column) => el('td', { text: num(column[r] as number | null | undefined) })),
      ]),
    );
    this.table.append(
      el('div', { className: 'table-scroll' }, [el('table', { className: 'numbers' }, [el('thead', {}, [header]), el('tbody', {}, rows)])]),
    );
  }

  private size() {
    return { width: Math.max(200, this.host.clientWidth), height: this.height };
  }

  private recordDrawn() {
    this.host.dataset.points = String(this.drawnPoints());
    this.drawn();
  }
}

/**
 * The border style of a line's legend marker: dashed or dotted like the line (a first dash of 2 px or less reads as
 * dots), so the legend tells lines apart by more than their colour.
 */
export function legendDash(dash: readonly number[] | undefined): string {
  return !dash?.length ? 'solid' : dash[0] <= 2 ? 'dotted' : 'dashed';
}

/**
 * A series' markers, shown only while it has fewer than two values in view: a lone point draws no line, and a run that
 * stopped at k = 0 would otherwise leave an empty chart. In a high-contrast theme also while few points are in view
 * (a line then reads by its markers as well as its colour); on a dense series markers would merge into a thick band
 * that hides the dashes telling lines apart.
 */
export function markersWhenSparse(theme: ChartTheme): uPlot.Series.Points {
  return {
    ...(theme.highContrast ? { size: 7 } : {}),
    show: (u, i, i0, i1) => {
      if (theme.highContrast && i1 - i0 < HIGH_CONTRAST_MARKERS) return true;
      const ys = u.data[i];
      let n = 0;
      for (let j = i0; j <= i1 && n < 2; j++) if (ys[j] !== null && ys[j] !== undefined) n++;
      return n < 2;
    },
  };
}

/** Points in view below which a high-contrast theme marks every point. */
const HIGH_CONTRAST_MARKERS = 60;
