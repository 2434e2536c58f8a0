/**
 * CodeLens: ▶ Solve and ▶ Check bounds above each solve block, ▶ Solve all above the problem line when there are
 * several; ▶ Run experiment above the `experiment` line of an experiment file.
 */
import type { CodeLens } from 'vscode-languageserver/node';
import type { Analysis } from '../language/analyze';
import { toRange } from './convert';

export const SOLVE_COMMAND = 'regressLab.solve';
export const CHECK_BOUNDS_COMMAND = 'regressLab.checkBounds';
export const RUN_EXPERIMENT_COMMAND = 'regressLab.runExperiment';

export function codeLenses(uri: string, a: Analysis): CodeLens[] {
  if (a.experiment) {
    const at = { line: a.experiment.line, character: 0 };
    return [{ range: { start: at, end: at }, command: { title: '▶ Run experiment', command: RUN_EXPERIMENT_COMMAND, arguments: [uri] } }];
  }
  const lenses: CodeLens[] = a.solveStmts.flatMap((s, index) => [
    { range: toRange(s.span), command: { title: '▶ Solve', command: SOLVE_COMMAND, arguments: [uri, index] } },
    { range: toRange(s.span), command: { title: '▶ Check bounds', command: CHECK_BOUNDS_COMMAND, arguments: [uri, index] } },
  ]);
  const problem = a.tree.statements.find((s) => s.type === 'problem');
  if (problem && a.solveStmts.length > 1) {
    lenses.push({ range: toRange(problem.span), command: { title: `▶ Solve all (${a.solveStmts.length})`, command: SOLVE_COMMAND, arguments: [uri] } });
  }
  return lenses;
}
