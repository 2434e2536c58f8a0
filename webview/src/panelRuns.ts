/**
 * The runs the panel holds, as a card sees the others (compare.ts): listed in arrival order, oldest first, with a
 * signal when one starts, ends or leaves, so a card's list of runs to compare with and its baseline stay current.
 */
import type { Run } from './run';

export class PanelRuns {
  private readonly listeners = new Set<() => void>();

  constructor(private readonly runs: ReadonlyMap<string, Run>) {}

  list(): Run[] {
    return [...this.runs.values()];
  }

  get(runId: string): Run | undefined {
    return this.runs.get(runId);
  }

  /** Calls `listener` after every change; returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A run started, ended or left the panel. */
  changed() {
    this.listeners.forEach((l) => l());
  }
}
