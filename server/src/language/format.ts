/**
 * Formatting: aligns the columns of multi-line literal matrices on the decimal point and trims trailing
 * whitespace. Everything else (comments, spacing the user chose) is left as written. Pure text → text.
 */
import { parse } from './parser';
import type { NumberLit } from './syntax';

export function formatDocument(text: string): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r\n|\r|\n/);
  const tree = parse(text);
  for (const s of tree.statements) {
    if (s.type !== 'assign' || s.value.type !== 'matrix') continue;
    const rows = s.value.rows;
    const rowLines = rows.map((r) => r[0].span.start.line);
    // Only one row per line, every row on its own line: otherwise the layout is the user's choice.
    if (rows.length < 2 || new Set(rowLines).size !== rows.length || rows.some((r) => r[r.length - 1].span.end.line !== r[0].span.start.line)) continue;
    if (rows.some((r) => r.length !== rows[0].length)) continue;
    const cols = rows[0].length;
    const intW = new Array<number>(cols).fill(0);
    const fracW = new Array<number>(cols).fill(0);
    const split = (n: NumberLit) => {
      const m = n.text.match(/^([+-]?\d*)(.*)$/)!;
      return [m[1], m[2]];
    };
    for (const r of rows) r.forEach((n, j) => {
      const [i, f] = split(n);
      intW[j] = Math.max(intW[j], i.length);
      fracW[j] = Math.max(fracW[j], f.length);
    });
    const openLine = s.value.span.start.line;
    // Rows under a first row that shares the '[' line align with it; otherwise indent one step.
    const indent = rowLines[0] === openLine ? ' '.repeat(rows[0][0].span.start.col) : (lines[s.span.start.line].match(/^\s*/)?.[0] ?? '') + '  ';
    rows.forEach((r, k) => {
      const line = rowLines[k];
      const cells = r.map((n, j) => {
        const [i, f] = split(n);
        return i.padStart(intW[j]) + f.padEnd(fracW[j]);
      });
      const body = cells.join('  ').trimEnd();
      const text = lines[line];
      const start = r[0].span.start.col;
      const end = r[r.length - 1].span.end.col;
      const prefix = line === openLine ? text.slice(0, start) : indent;
      lines[line] = prefix + body + text.slice(end);
    });
  }
  return lines.map((l) => l.replace(/[ \t]+$/, '')).join(eol);
}
