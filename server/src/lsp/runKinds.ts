/**
 * Each kind of run as the language server takes its request: what to run from the document's analysis (refusing the
 * wrong kind of file, a document with errors, a missing block), the run's title, how it ended for the server log, and
 * what the server keeps of its result. A new kind of run is one entry here.
 */
import { ResponseError } from 'vscode-languageserver/node';
import { RunErrorCodes, type WrongKindData } from '../../../protocol/lsp';
import type { RunKind, RunKinds, RunParams } from '../../../protocol/runs';
import { stopReasonText } from '../../../common/verdicts';
import { requestedChecks } from '../bounds/checks';
import type { JobInputs } from '../jobs/runKinds';
import type { Analysis } from '../language/analyze';
import type { LastBounds } from './boundsHover';
import { refuseErrors } from './requestAnalysis';

interface LspRunKind<K extends RunKind> {
  /** What to run; throws the request's refusal (RunErrorCodes). */
  input(analysis: Analysis, params: RunParams<K>): JobInputs[K];
  /** common/runTitle.ts's block, for a kind that runs one of several. */
  block?(params: RunParams<K>): number | undefined;
  /** How the run ended, for the server log. */
  outcome(result: RunKinds[K]['result']): string;
  /** What the server keeps of the result, once answered. */
  keep?(result: RunKinds[K]['result'], document: { uri: string; version: number }, lastBounds: LastBounds): void;
}

export const LSP_RUN_KINDS: { [K in RunKind]: LspRunKind<K> } = {
  solve: {
    input(a, params) {
      // Before the errors: a client that sent Solve for an experiment file learns to run the experiment instead.
      if (a.file === 'experiment') {
        if (a.sweep)
          throw wrongKind(
            'sweep',
            `This is an experiment file with a sweep (line ${a.sweep.line + 1}): run it with Attention Regression: Run Experiment (▶ Run sweep)`,
          );
        throw wrongKind('experiment', 'This is an experiment file: run it with Attention Regression: Run Experiment (▶ Run experiment)');
      }
      refuseErrors(a, 'problem', a.problem);
      const specs = params.solveIndex === undefined ? a.solves : a.solves.filter((s) => s.index === params.solveIndex);
      if (specs.length === 0) {
        const message =
          params.solveIndex === undefined
            ? 'The file has no solve block: add e.g. `solve gd lr = 0.5`'
            : `There is no valid solve block #${params.solveIndex + 1}`;
        throw new ResponseError(RunErrorCodes.noSuchSolve, message);
      }
      // Bounds are checked when the request asks (▶ Check bounds) or the file has `check bounds`; the tensor trick when it has `check tensor`.
      return {
        problem: a.problem,
        specs,
        checks: requestedChecks(a.checks, a.problem, params.bounds === true),
        blocksInFile: a.solves.length,
      };
    },
    block: (params) => params.solveIndex,
    outcome: (r) =>
      `${r.cancelled ? 'cancelled; ' : ''}${r.runs.map((b) => `#${b.index + 1} ${stopReasonText(b.final.stopReason)}${b.final.message ? ` (${b.final.message})` : ''}`).join(', ') || 'no block ran'}`,
    keep: (r, document, lastBounds) => lastBounds.record(document.uri, document.version, r),
  },
  experiment: {
    input(a) {
      refuseProblemFile(a);
      if (a.file === 'experiment' && a.sweep) {
        throw wrongKind(
          'sweep',
          `This experiment has a sweep (line ${a.sweep.line + 1}): it runs as a sweep (▶ Run sweep), one experiment per value`,
        );
      }
      const settings = a.file === 'experiment' ? a.settings : undefined;
      refuseErrors(a, 'experiment', settings);
      return { settings };
    },
    outcome: (r) => `${r.stopReason}${r.message ? ` (${r.message})` : ''}, ${r.repeats.length} of ${r.settings.repeats} repeats`,
  },
  sweep: {
    input(a) {
      refuseProblemFile(a);
      if (a.file === 'experiment' && !a.sweep)
        throw wrongKind(
          'experiment',
          'This experiment has no sweep line: run it with ▶ Run experiment (or add e.g. `sweep d = 5, 10, 20`)',
        );
      const run = a.file === 'experiment' ? a.sweep?.run : undefined;
      refuseErrors(a, 'experiment', run);
      return run;
    },
    outcome: (r) => `${r.stopReason}${r.message ? ` (${r.message})` : ''}, ${r.points.length} of ${r.sweep.values.length} points`,
  },
};

function wrongKind(kind: RunKind, message: string): ResponseError<WrongKindData> {
  return new ResponseError(RunErrorCodes.wrongKind, message, { kind });
}

/** A problem file asked to run as an experiment (or a sweep): it needs a solve. */
function refuseProblemFile(a: Analysis) {
  if (a.file === 'problem' && a.tree.statements.some((s) => s.type === 'problem')) {
    throw wrongKind('solve', 'This is a problem file, not an experiment: solve it with Attention Regression: Solve (▶ Solve)');
  }
}
