/**
 * The panel's state, rebuilt only from run events (live, or replayed from a report), keyed by runId in arrival
 * order. Each event goes to its kind's reducer (registry.ts); what is common to every kind (a new run, its status, a
 * failure, the run cap, the snapshot) is handled here once.
 */
import { PANEL_RUNS } from '../../common/limits';
import { finishedStatus } from '../../common/verdicts';
import type { RunEvent, RunEventOf, RunKind, RunStatus } from '../../protocol/runs';
import type { PanelRunSnapshot } from '../../protocol/webview';
import { pointsOf, REGISTRY } from './registry';
import type { Run } from './run';

export type PanelState = 'empty' | RunStatus;

export class PanelModel {
  /** In arrival order, oldest first. */
  readonly runs = new Map<string, Run>();

  /**
   * Applies one event; returns the run it changed, or undefined when the event refers to no run the panel holds (or
   * to one of another kind). A started run replaces any run of the same id with a new object.
   */
  apply(e: RunEvent): Run | undefined {
    return this.reduce(e);
  }

  /** Generic in the kind, so each event's payloads meet its own entry's types (over the union of kinds they would not). */
  private reduce<K extends RunKind>(e: RunEvent<K>): Run<K> | undefined {
    const entry = REGISTRY[e.kind];
    switch (e.event) {
      case 'started':
        return this.add<K>({
          kind: e.kind,
          runId: e.runId,
          title: e.title,
          uri: e.uri,
          startedAt: e.startedAt,
          status: 'running',
          state: entry.started(e.data),
        });
      case 'failed': {
        // A run can fail before it started (an invalid document): it is shown anyway, named by the event.
        const run =
          this.find(e.runId, e.kind) ?? this.add<K>({ kind: e.kind, runId: e.runId, title: e.title, uri: e.uri, status: 'failed' });
        run.status = e.interrupted ? 'interrupted' : 'failed';
        // The client's error for a dropped connection says nothing the status does not.
        run.error = e.interrupted ? undefined : e.message;
        run.cancelRequested = false;
        return run;
      }
      case 'progress': {
        const run = this.find(e.runId, e.kind);
        if (!run?.state) return undefined;
        entry.progress(run.state, e.data);
        return run;
      }
      case 'finished': {
        const run = this.find(e.runId, e.kind);
        if (!run?.state) return undefined;
        entry.finished(run.state, e.result);
        // The event carries the answer ({ kind, result }); widened because the generic K hides that.
        run.status = finishedStatus(e as RunEventOf<'finished'>);
        run.cancelRequested = false;
        return run;
      }
    }
  }

  /** What the panel holds, for the host's snapshot request. */
  snapshot(): PanelRunSnapshot[] {
    return [...this.runs.values()].map((r) => ({ runId: r.runId, kind: r.kind, status: r.status, points: pointsOf(r) }));
  }

  /** The state the page advertises on <body data-panel-state>: the newest run's status, 'running' while any runs. */
  state(): PanelState {
    if (this.runs.size === 0) return 'empty';
    const all = [...this.runs.values()];
    if (all.some((r) => r.status === 'running')) return 'running';
    return all[all.length - 1].status;
  }

  private find<K extends RunKind>(runId: string, kind: K): Run<K> | undefined {
    const run = this.runs.get(runId);
    return run?.kind === kind ? (run as Run<K>) : undefined;
  }

  private add<K extends RunKind>(run: Run<K>): Run<K> {
    this.runs.delete(run.runId);
    this.runs.set(run.runId, run);
    while (this.runs.size > PANEL_RUNS) this.runs.delete(this.runs.keys().next().value!);
    return run;
  }
}
