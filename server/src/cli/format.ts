/** Plain-text output of the CLI: diagnostics in the compiler convention, numbers, and the solve summary table. */
import type { SolveResult } from '../../../protocol/results';
import { num as formatNumber } from '../../../common/format';
import type { Diagnostic } from '../language/syntax';

export function formatDiagnostic(file: string, d: Diagnostic): string {
  return `${file}:${d.span.start.line + 1}:${d.span.start.col + 1}: ${d.severity}: ${d.message}`;
}

/** Numbers in the style of the panel (common/format.ts), with five significant digits: enough to compare with --json. */
export const num = (v: number) => formatNumber(v, 5);

export function summaryTable(r: SolveResult): string {
  const head = ['#', 'method', 'iterations', 'initial loss', 'final loss', '‖∇L‖ final', 'stop', 'time'];
  const rows = r.runs.map((run) => {
    const first = run.iterations[0];
    const last = run.iterations[run.iterations.length - 1];
    return [
      String(run.index + 1),
      run.label,
      String(run.final.iterations),
      first ? num(first.loss) : '-',
      num(run.final.loss),
      last ? num(last.gradNorm) : '-',
      run.final.stopReason,
      `${run.final.elapsedMs.toFixed(0)} ms`,
    ];
  });
  const p = r.problem;
  const title = `${r.source}: ${p.kind} ${p.variant}, n = ${p.n}, d = ${p.d}${p.reg ? `, reg = ${p.reg}` : ''} (loss = 0.5·‖·‖²)`;
  const notes = r.runs.filter((run) => run.final.message).map((run) => `  #${run.index + 1}: ${run.final.message}`);
  return [title, ...table(head, rows), ...notes].join('\n');
}

/** Left-aligned columns under a header and a rule, as lines. */
export function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}
