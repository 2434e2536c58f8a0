/**
 * A solve job's result on the scheduler side: the worker's finished blocks and checks, and, when a cancel had to
 * terminate the worker before the running block reported, that block rebuilt from the points it had streamed and
 * marked cancelled at the last k received (the user keeps what ran, never an empty "finished" run).
 */
import type { IterationPoint, RunResult, SolveResult } from '../../../protocol/results';
import type { SolveSpec } from '../problem';
import { withDefaults } from '../solver/methods';

/** What a solve job produced: the runs, and the data-move and tensor checks when requested and not cancelled. */
export type SolveJobResult = Pick<SolveResult, 'runs' | 'dataMove' | 'tensor'>;

export class SolveCollector {
  private readonly reported: SolveJobResult = { runs: [] };
  private readonly streamed = new Map<number, IterationPoint[]>();
  private startedAt?: number;

  constructor(private readonly specs: SolveSpec[]) {}

  started() {
    this.startedAt = Date.now();
  }

  points(runIndex: number, points: IterationPoint[]) {
    const kept = this.streamed.get(runIndex) ?? [];
    this.streamed.set(runIndex, kept);
    kept.push(...points);
  }

  runDone(result: RunResult) {
    this.streamed.delete(result.index);
    this.reported.runs.push(result);
  }

  checks(results: Pick<SolveResult, 'dataMove' | 'tensor'>) {
    Object.assign(this.reported, results);
  }

  /** Everything reported; after a terminated worker, plus the interrupted block (the one with points and no result). */
  result(): SolveJobResult {
    const runs = [...this.reported.runs];
    for (const [index, points] of this.streamed) {
      const spec = this.specs.find((s) => s.index === index);
      const last = points[points.length - 1];
      if (!spec || !last) continue;
      runs.push({
        index,
        method: spec.method,
        options: withDefaults(spec.method, spec.options),
        label: spec.label,
        iterations: points,
        final: {
          loss: last.loss,
          stopReason: 'cancelled',
          message: `the solver did not stop within the grace period after the cancel and was terminated at k = ${last.k}; the points it had sent are kept (the final iterate is not)`,
          iterations: last.k,
          elapsedMs: this.startedAt === undefined ? 0 : Date.now() - this.startedAt,
        },
      });
    }
    return { ...this.reported, runs };
  }
}
