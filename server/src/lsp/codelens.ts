/**
 * CodeLens: ▶ Solve and ▶ Check bounds above each solve block, ▶ Solve all above the problem line when there are
 * several; ▶ Run experiment (▶ Run sweep when it has a `sweep` line) above the `experiment` line of an experiment file.
 */
import type { CodeLens } from 'vscode-languageserver/node';
import { Commands } from '../../../protocol/names';
import type { Analysis } from '../language/analyze';
import { toRange } from './convert';

export function codeLenses(uri: string, a: Analysis): CodeLens[] {
  if (a.file === 'experiment') {
    const at = { line: a.line, character: 0 };
    // The command takes the kind of run as an optional second argument: a sweep file runs as a sweep.
    const command = a.sweep
      ? { title: '▶ Run sweep', command: Commands.runExperiment, arguments: [uri, 'sweep'] }
      : { title: '▶ Run experiment', command: Commands.runExperiment, arguments: [uri] };
    return [{ range: { start: at, end: at }, command }];
  }
  const lenses: CodeLens[] = a.solveStmts.flatMap((s, index) => [
    { range: toRange(s.span), command: { title: '▶ Solve', command: Commands.solve, arguments: [uri, index] } },
    { range: toRange(s.span), command: { title: '▶ Check bounds', command: Commands.checkBounds, arguments: [uri, index] } },
  ]);
  const problem = a.tree.statements.find((s) => s.type === 'problem');
  if (problem && a.solveStmts.length > 1) {
    lenses.push({
      range: toRange(problem.span),
      command: { title: `▶ Solve all (${a.solveStmts.length})`, command: Commands.solve, arguments: [uri] },
    });
  }
  return lenses;
}
