/**
 * Zoom and pan of a chart (chart.ts) that zooms, by mouse, wheel and keyboard, on x and y:
 * - drag a box: a mostly horizontal drag zooms x, a mostly vertical one y, a diagonal one both (uPlot's adaptive drag);
 * - the wheel zooms about the cursor while the plot has focus (a click or Tab gives it) or with Ctrl/⌘ held, so a
 *   wheel passing over a chart still scrolls the panel; with Shift it zooms y;
 * - Shift-drag (or the middle button) pans x and y;
 * - keys on the focused plot: + and − zoom x, ← and → pan x, ↑ and ↓ pan y, Page Up and Page Down zoom y;
 * - 0, Escape, a double click or the "Reset zoom" button under the plot show all the data again.
 * Ranges are computed in the scale's own coordinates (log, asinh or linear), so a zoom on a log axis keeps its centre
 * where it is on screen; x never goes wider than the data nor past its ends. A y zoom holds while x changes (the y
 * scales stop following the data until reset). Charts of one ZoomGroup (a card's small multiples) share their x range.
 *
 * DOM hooks: the host's data-zoomed ("true" while zoomed in x or y), button.reset-zoom (disabled when not zoomed).
 */
import type uPlot from 'uplot';
import { el } from './dom';

type Range = [number, number];

/** Charts that show one x range: a zoom or reset in one applies to all. */
export class ZoomGroup {
  private readonly members = new Set<ChartZoom>();

  add(z: ChartZoom) {
    this.members.add(z);
  }

  delete(z: ChartZoom) {
    this.members.delete(z);
  }

  /** `range` undefined: reset. */
  publish(from: ChartZoom, range: Range | undefined) {
    for (const m of this.members) if (m !== from) m.applyX(range);
  }
}

/** The pixel drag below which uPlot's adaptive drag zooms one axis only. */
const UNI_DRAG_PX = 24;
/** One wheel notch zooms by this factor. */
const WHEEL_FACTOR = 1.25;

export class ChartZoom {
  readonly resetButton = el('button', {
    className: 'reset-zoom',
    text: 'Reset zoom',
    title: 'Show all the data (also 0 or Escape on the focused chart, or a double click)',
  });
  private u?: uPlot;
  private zoomY = false;
  private group?: ZoomGroup;
  private readonly off: (() => void)[] = [];

  constructor(
    private readonly host: HTMLElement,
    /** Sets the chart's data again with every scale fitted to it. */
    private readonly refit: () => void,
  ) {
    this.resetButton.disabled = true;
    this.resetButton.addEventListener('click', () => this.reset());
  }

  /** The options with this zoom's drag, double click, scales and hooks. */
  options<O extends Omit<uPlot.Options, 'width' | 'height'>>(o: O): O {
    const scales: Record<string, uPlot.Scale> = { y: {}, ...o.scales };
    for (const [key, s] of Object.entries(scales)) {
      if (key === 'x') continue;
      const auto = s.auto;
      // A y zoom holds while x changes: the scale stops following the data until reset.
      scales[key] = { ...s, auto: (u, reset) => !this.zoomY && (typeof auto === 'function' ? auto(u, reset) : (auto ?? true)) };
    }
    return {
      ...o,
      scales,
      cursor: {
        ...o.cursor,
        drag: { x: true, y: true, uni: UNI_DRAG_PX, setScale: false },
        bind: { ...o.cursor?.bind, dblclick: () => () => (this.reset(), null) },
      },
      hooks: { ...o.hooks, setSelect: [...(o.hooks?.setSelect ?? []), (u: uPlot) => this.selected(u)] },
    };
  }

  /** Binds the zoom to a new plot (after every (re)creation). */
  attach(u: uPlot) {
    this.detach();
    this.u = u;
    // A new plot starts fitted to the data.
    this.zoomY = false;
    const listen = <K extends keyof HTMLElementEventMap>(
      target: HTMLElement,
      type: K,
      f: (e: HTMLElementEventMap[K]) => void,
      opts?: AddEventListenerOptions,
    ) => {
      target.addEventListener(type, f, opts);
      this.off.push(() => target.removeEventListener(type, f, opts));
    };
    listen(u.over, 'wheel', (e) => this.wheel(u, e), { passive: false });
    listen(u.over, 'keydown', (e) => this.key(u, e));
    // Capture on the root runs before uPlot's own mousedown on the plot area, which would start a selection.
    listen(u.root, 'mousedown', (e) => this.panStart(u, e), { capture: true });
  }

  detach() {
    this.off.splice(0).forEach((f) => f());
    this.u = undefined;
  }

  join(group: ZoomGroup) {
    this.group = group;
    group.add(this);
  }

  leave() {
    this.group?.delete(this);
  }

  /** Zoomed in x (narrower than the data) or in y. */
  get zoomed(): boolean {
    return this.zoomY || this.zoomedX();
  }

  /** Called after every scale change: the host's data-zoomed and the button follow. */
  scaleChanged() {
    const zoomed = this.zoomed;
    this.host.dataset.zoomed = String(zoomed);
    this.resetButton.disabled = !zoomed;
  }

  /** Shows all the data, here and in the group. */
  reset(publish = true) {
    this.zoomY = false;
    this.refit();
    this.scaleChanged();
    if (publish) this.group?.publish(this, undefined);
  }

  /** Another chart of the group moved x (or reset, `range` undefined). */
  applyX(range: Range | undefined) {
    if (!range) this.reset(false);
    else this.u?.setScale('x', { min: range[0], max: range[1] });
  }

  /** A range in the scale's coordinates, clamped to the data for x, set and shared with the group. */
  private setX(u: uPlot, [a, b]: Range) {
    const t = transform(u, 'x');
    const [lo, hi] = this.dataX(u).map(t.to);
    const width = Math.min(b - a, hi - lo);
    const start = Math.min(Math.max(a, lo), hi - width);
    const range: Range = [t.from(start), t.from(start + width)];
    if (!(range[1] > range[0])) return;
    u.setScale('x', { min: range[0], max: range[1] });
    this.group?.publish(this, range);
  }

  /** Every y scale to `f` of its range in its own coordinates. */
  private setY(u: uPlot, f: (r: Range) => Range) {
    const keys = yScales(u);
    if (!keys.length) return;
    this.zoomY = true;
    u.batch(() => {
      for (const k of keys) {
        const t = transform(u, k);
        const [a, b] = f([t.to(u.scales[k].min!), t.to(u.scales[k].max!)]);
        setYRange(u, k, t.from(a), t.from(b));
      }
    });
    this.scaleChanged();
  }

  /** The end of a drag: the box's x and y extents (a full-width or full-height box leaves that axis). */
  private selected(u: uPlot) {
    const { left, top, width, height } = u.select;
    if (width <= 0 && height <= 0) return;
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    const [w, h] = plotSize(u);
    if (width > 0 && width < w - 1) {
      const t = transform(u, 'x');
      this.setX(u, [t.to(u.posToVal(left, 'x')), t.to(u.posToVal(left + width, 'x'))]);
    }
    if (height > 0 && height < h - 1) {
      this.zoomY = true;
      u.batch(() => {
        for (const k of yScales(u)) u.setScale(k, { min: u.posToVal(top + height, k), max: u.posToVal(top, k) });
      });
      this.scaleChanged();
    }
  }

  private wheel(u: uPlot, e: WheelEvent) {
    if (!(e.ctrlKey || e.metaKey || document.activeElement === u.over)) return;
    // Shift turns the wheel sideways in some browsers: deltaX then carries it.
    const delta = e.deltaY || e.deltaX;
    if (!delta) return;
    e.preventDefault();
    const factor = delta > 0 ? WHEEL_FACTOR : 1 / WHEEL_FACTOR;
    const rect = u.over.getBoundingClientRect();
    const about = (r: Range, at: number): Range => {
      const c = r[0] + at * (r[1] - r[0]);
      return [c - (c - r[0]) * factor, c + (r[1] - c) * factor];
    };
    if (e.shiftKey) this.setY(u, (r) => about(r, 1 - (e.clientY - rect.top) / rect.height));
    else this.setX(u, about(this.xRange(u), (e.clientX - rect.left) / rect.width));
  }

  /** + / − halve or double the x span about its centre, arrows pan by a quarter, Page Up / Down zoom y, 0 / Escape reset. */
  private key(u: uPlot, e: KeyboardEvent) {
    if (!u.data[0].length) return;
    const [min, max] = this.xRange(u);
    const mid = (min + max) / 2;
    const span = max - min;
    const x: Record<string, Range> = {
      '+': [mid - span / 4, mid + span / 4],
      '=': [mid - span / 4, mid + span / 4],
      '-': [mid - span, mid + span],
      ArrowLeft: [min - span / 4, max - span / 4],
      ArrowRight: [min + span / 4, max + span / 4],
    };
    const y: Record<string, (r: Range) => Range> = {
      ArrowUp: ([a, b]) => [a + (b - a) / 4, b + (b - a) / 4],
      ArrowDown: ([a, b]) => [a - (b - a) / 4, b - (b - a) / 4],
      PageUp: ([a, b]) => [a + (b - a) / 4, b - (b - a) / 4],
      PageDown: ([a, b]) => [a - (b - a) / 2, b + (b - a) / 2],
    };
    if (e.key in x) this.setX(u, x[e.key]);
    else if (e.key in y) this.setY(u, y[e.key]);
    else if (e.key === '0' || e.key === 'Escape') this.reset();
    else return;
    e.preventDefault();
  }

  /** Shift-drag or the middle button: the view follows the pointer in x and y until the button is released. */
  private panStart(u: uPlot, e: MouseEvent) {
    if (!(e.button === 1 || (e.button === 0 && e.shiftKey)) || !u.over.contains(e.target as Node)) return;
    e.preventDefault();
    e.stopPropagation();
    const [w, h] = plotSize(u);
    const x0 = this.xRange(u);
    const ys = yScales(u).map((k) => {
      const t = transform(u, k);
      return { k, t, r: [t.to(u.scales[k].min!), t.to(u.scales[k].max!)] as Range };
    });
    const move = (m: MouseEvent) => {
      const dx = ((m.clientX - e.clientX) / w) * (x0[1] - x0[0]);
      this.setX(u, [x0[0] - dx, x0[1] - dx]);
      const fy = (m.clientY - e.clientY) / h;
      if (fy === 0 || !ys.length) return;
      this.zoomY = true;
      u.batch(() => {
        for (const { k, t, r } of ys) {
          const dy = fy * (r[1] - r[0]);
          setYRange(u, k, t.from(r[0] + dy), t.from(r[1] + dy));
        }
      });
      this.scaleChanged();
    };
    const up = () => {
      document.removeEventListener('mousemove', move);
      document.removeEventListener('mouseup', up);
    };
    document.addEventListener('mousemove', move);
    document.addEventListener('mouseup', up);
  }

  /** The x range in the scale's coordinates. */
  private xRange(u: uPlot): Range {
    const t = transform(u, 'x');
    const [lo, hi] = this.dataX(u);
    return [t.to(u.scales.x.min ?? lo), t.to(u.scales.x.max ?? hi)];
  }

  /** The first and last x of the data. */
  private dataX(u: uPlot): Range {
    const xs = u.data[0];
    return [xs[0], xs[xs.length - 1]];
  }

  private zoomedX(): boolean {
    const u = this.u;
    if (!u || u.data[0].length < 2) return false;
    const [lo, hi] = this.dataX(u);
    const { min, max } = u.scales.x;
    const eps = 1e-9 * (hi - lo);
    return min !== undefined && max !== undefined && (min > lo + eps || max < hi - eps);
  }
}

/** A scale's coordinates: log10 for a log scale, asinh for an asinh one, the value for a linear one. */
function transform(u: uPlot, key: string): { to(v: number): number; from(c: number): number } {
  const s = u.scales[key];
  if (s.distr === 3) return { to: Math.log10, from: (c) => 10 ** c };
  if (s.distr === 4) {
    const k = s.asinh ?? 1;
    return { to: (v) => Math.asinh(v / k), from: (c) => k * Math.sinh(c) };
  }
  return { to: (v) => v, from: (c) => c };
}

/** The y scales a zoom moves: every scale but x that has a range and is not derived from another. */
function yScales(u: uPlot): string[] {
  return Object.keys(u.scales).filter((k) => {
    const s = u.scales[k];
    return k !== 'x' && !s.from && typeof s.min === 'number' && typeof s.max === 'number';
  });
}

/** The plot area's size in CSS pixels. */
function plotSize(u: uPlot): [number, number] {
  const r = u.over.getBoundingClientRect();
  return [r.width, r.height];
}

/**
 * Sets a y scale to [min, max] if the scale can show it: finite ends in order, and above 0 on a log scale. Zoomed out
 * far enough, a log scale's lower end underflows to 0 (10^-330), where its ticks would be log10(0) = −∞.
 */
function setYRange(u: uPlot, key: string, min: number, max: number) {
  if (!(max > min) || !Number.isFinite(min) || !Number.isFinite(max)) return;
  if (u.scales[key].distr === 3 && !(min > 0)) return;
  u.setScale(key, { min, max });
}
