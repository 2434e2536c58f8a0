/** The panel's choices that outlive a reload (VS Code keeps them in the webview state): read once, saved on change. */
import type { Host } from './host';
import { METRICS, type Metric } from './solveModel';

interface SavedState {
  metric: Metric;
  /** Spec index of the solve block whose bounds are charted. */
  boundsBlock?: number;
}

export class Prefs {
  private state: SavedState;

  constructor(private readonly host: Host) {
    const saved = host.getState<Partial<SavedState>>();
    this.state = {
      metric: saved?.metric && METRICS.includes(saved.metric) ? saved.metric : 'loss',
      ...(Number.isInteger(saved?.boundsBlock) ? { boundsBlock: saved!.boundsBlock } : {}),
    };
  }

  get metric(): Metric {
    return this.state.metric;
  }

  set metric(metric: Metric) {
    this.save({ ...this.state, metric });
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
