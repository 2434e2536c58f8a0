/**
 * What every chart of the panel shares: a uPlot in a host element, sized to the host's width (ResizeObserver),
 * rebuilt with the new colours when the theme changes, redrawn at most once per animation frame however many events
 * arrive (uPlot draws 10⁵–10⁶ points per frame on canvas, but not once per message), and released on destroy: the
 * observer disconnected, the theme listener dropped, the pending frame cancelled, uPlot destroyed (which removes its
 * DOM from the host). A resize is applied in the next frame too: resizing inside the observer's callback changes
 * the host's layout while observations are delivered, which the browser reports as an error ("ResizeObserver loop").
 *
 * The host's data-points says how many points are on screen after the last draw (not merely received).
 */
import uPlot from 'uplot';
import { chartTheme, onThemeChange, type ChartTheme } from './theme';

export abstract class Chart {
  private plot?: uPlot;
  private frame = 0;
  /** What the next frame does. */
  private pending = { data: false, size: false };
  private readonly resize: ResizeObserver;
  private readonly unwatchTheme: () => void;

  constructor(
    protected readonly host: HTMLElement,
    private readonly height: number,
  ) {
    this.resize = new ResizeObserver(() => this.schedule('size'));
    this.resize.observe(host);
    this.unwatchTheme = onThemeChange(() => this.create());
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
    const options = this.options(theme);
    this.plot = new uPlot({ ...options, ...this.size() }, this.data(), this.host);
    this.recordDrawn();
  }

  /** Schedules a redraw with the current data: one per animation frame. */
  update() {
    this.schedule('data');
  }

  destroy() {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.resize.disconnect();
    this.unwatchTheme();
    this.plot?.destroy();
    this.plot = undefined;
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
      this.plot.setData(this.data());
      this.recordDrawn();
    }
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
 * stopped at k = 0 would otherwise leave an empty chart.
 */
export function markersWhenSparse(): uPlot.Series.Points {
  return {
    show: (u, i, i0, i1) => {
      const ys = u.data[i];
      let n = 0;
      for (let j = i0; j <= i1 && n < 2; j++) if (ys[j] !== null && ys[j] !== undefined) n++;
      return n < 2;
    },
  };
}
