/**
 * The panel's choices that outlive a reload (VS Code keeps them in the webview state): read once, checked, saved on
 * change. Only what the user chose is saved; the rest takes its default.
 */
import type { Host } from './host';
import { METRICS, X_AXES, type Metric, type XAxis } from './solveModel';

interface SavedState {
  /** The quantities a solve card charts side by side. */
  metrics?: Metric[];
  /** The x axis of a solve card's charts. */
  xAxis?: XAxis;
  /** The run pinned as the baseline of each file (by URI): overlaid on every newer run of the file. */
  pins?: Record<string, string>;
  /** Spec index of the solve block whose bounds are charted. */
  boundsBlock?: number;
}

/** Every quantity that a run has, step size included where the method defines one. */
const DEFAULT_METRICS: readonly Metric[] = METRICS;

export class Prefs {
  private state: SavedState;

  constructor(private readonly host: Host) {
    const saved = host.getState<Partial<Record<keyof SavedState, unknown>>>();
    const state: SavedState = {};
    if (Array.isArray(saved?.metrics)) state.metrics = METRICS.filter((m) => (saved.metrics as unknown[]).includes(m));
    if (X_AXES.includes(saved?.xAxis as XAxis)) state.xAxis = saved!.xAxis as XAxis;
    if (typeof saved?.pins === 'object' && saved.pins !== null) {
      const pins = Object.entries(saved.pins).filter((e): e is [string, string] => typeof e[1] === 'string');
      if (pins.length) state.pins = Object.fromEntries(pins);
    }
    if (Number.isInteger(saved?.boundsBlock)) state.boundsBlock = saved!.boundsBlock as number;
    this.state = state;
  }

  get metrics(): readonly Metric[] {
    return this.state.metrics ?? DEFAULT_METRICS;
  }

  set metrics(metrics: readonly Metric[]) {
    this.save({ ...this.state, metrics: METRICS.filter((m) => metrics.includes(m)) });
  }

  get xAxis(): XAxis {
    return this.state.xAxis ?? 'k';
  }

  set xAxis(xAxis: XAxis) {
    this.save({ ...this.state, xAxis });
  }

  /** The run pinned as the baseline of the file `uri`, if any. */
  pin(uri: string): string | undefined {
    return this.state.pins?.[uri];
  }

  /** Pins `runId` as the baseline of `uri`, or unpins the file's baseline (undefined). */
  setPin(uri: string, runId: string | undefined) {
    const pins = { ...this.state.pins };
    if (runId === undefined) delete pins[uri];
    else pins[uri] = runId;
    const next: SavedState = { ...this.state, pins };
    if (!Object.keys(pins).length) delete next.pins;
    this.save(next);
  }

  /** Read when a run's bounds arrive: the choice may change on another card while this run is going. */
  get boundsBlock(): number | undefined {
    return this.state.boundsBlock;
  }

  set boundsBlock(index: number) {
    this.save({ ...this.state, boundsBlock: index });
  }

  private save(state: SavedState) {
    this.state = state;
    this.host.setState(state);
  }
}
