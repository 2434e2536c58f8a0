/**
 * A solve run's result on the scheduler side: the workers' finished blocks, in block order whatever order they
 * finished in, and the checks, and, when a cancel had to terminate a worker before its running block reported, that
 * block (one per worker) rebuilt from the points it had streamed and marked cancelled at the last k received (the
 * user keeps what ran, never an empty "finished" run).
 */
import type { IterationPoint, ProblemSummary, BlockResult, SolveResult } from '../../../protocol/results';
import type { SolveProgress } from '../../../protocol/runs';
import type { SolveSpec } from '../problem';
import { withDefaults } from '../language/methods';
import type { Collector, ResultMeta } from './collector';
import type { SolveJobResult } from './messages';

export class SolveCollector implements Collector<'solve'> {
  private readonly runs: BlockResult[] = [];
  private checks: Omit<SolveJobResult, 'runs'> = {};
  private readonly streamed = new Map<number, IterationPoint[]>();
  private startedAt?: number;

  constructor(
    private readonly problem: ProblemSummary,
    private readonly specs: SolveSpec[],
    private readonly meta: ResultMeta,
  ) {}

  started() {
    this.startedAt = Date.now();
  }

  progress(p: SolveProgress): SolveProgress {
    const kept = this.streamed.get(p.block) ?? [];
    this.streamed.set(p.block, kept);
    kept.push(...p.points);
    return p;
  }

  result({ runs, ...checks }: SolveJobResult): boolean {
    for (const r of runs) {
      this.streamed.delete(r.index);
      this.runs.push(r);
    }
    this.checks = { ...this.checks, ...checks };
    return false;
  }

  /** Everything reported; after a terminated worker, plus the interrupted blocks (those with points and no result). */
  final(cancelled: boolean): SolveResult {
    const runs = [...this.runs];
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
    runs.sort((a, b) => a.index - b.index);
    return { ...this.meta, problem: this.problem, runs, ...this.checks, ...(cancelled ? { cancelled } : {}) };
  }
}
