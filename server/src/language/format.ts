/**
 * Formatting: aligns the columns of multi-line literal matrices on the decimal point and trims trailing
 * whitespace. Everything else (comments, spacing the user chose) is left as written. Pure text → text.
 *
 * It must never change meaning, so it works from the tokens and refuses what it cannot round-trip: a document
 * with syntax errors is left as it is, a matrix is realigned only when each of its lines holds nothing but that
 * row's numbers (plus the brackets and the assignment on the first line), and the result is re-lexed and kept only
 * if it has the same tokens and comments, in the same order, as the original.
 */
import { lex, type Token } from './lexer';
import { parse } from './parser';
import type { MatrixLit, NumberLit, Span, Statement } from './syntax';

/**
 * Larger documents are left as they are: formatting holds several token arrays of the text at once (a 16 MB literal
 * took the server past 6 GB), and nobody reads the alignment of a million-row literal.
 */
export const MAX_FORMAT_CHARS = 2 ** 20;

export function formatDocument(text: string): string {
  if (text.length > MAX_FORMAT_CHARS) return text;
  const tree = parse(text);
  if (tree.diagnostics.length) return text;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r\n|\r|\n/);
  const tokensByLine = new Map<number, Token[]>();
  for (const t of lex(text).tokens) {
    if (t.kind === 'newline' || t.kind === 'eof') continue;
    const list = tokensByLine.get(t.span.start.line) ?? [];
    list.push(t);
    tokensByLine.set(t.span.start.line, list);
  }
  // Lines shared by two statements (joined with ';') are never rewritten.
  const owners = new Map<number, number>();
  tree.statements.forEach((s, i) => {
    for (let l = s.span.start.line; l <= s.span.end.line; l++) owners.set(l, owners.has(l) && owners.get(l) !== i ? -1 : i);
  });
  tree.statements.forEach((s, i) => {
    if (s.type === 'assign' && s.value.type === 'matrix' && alignable(s, s.value, i, owners, tokensByLine)) align(s, s.value, lines);
  });
  const out = lines.map((l) => l.replace(/[ \t]+$/, '')).join(eol);
  return sameTokens(text, out) ? out : text;
}

/** One row per line, equal row lengths, and each row line holds only this statement's row numbers and brackets. */
function alignable(s: Statement, m: MatrixLit, index: number, owners: Map<number, number>, tokensByLine: Map<number, Token[]>): boolean {
  const rows = m.rows;
  if (rows.length < 2 || rows.some((r) => r.length !== rows[0].length)) return false;
  const rowLines = rows.map((r) => r[0].span.start.line);
  if (new Set(rowLines).size !== rows.length || rows.some((r) => r[r.length - 1].span.end.line !== r[0].span.start.line)) return false;
  return rows.every((r, k) => {
    const line = rowLines[k];
    if (owners.get(line) !== index) return false;
    const toks = tokensByLine.get(line) ?? [];
    const first = toks.indexOf(toks.find((t) => t.span.start.col === r[0].span.start.col)!);
    const body = toks.slice(first, first + r.length);
    const rest = toks.slice(first + r.length);
    // Before the row: only the statement's own `NAME = [` on its first line; after it: at most the closing bracket.
    const before = first === -1 ? [] : toks.slice(0, first);
    const beforeOk = line === s.span.start.line ? before.length <= 3 : before.length === 0;
    return first >= 0 && beforeOk && body.every((t) => t.kind === 'number') && rest.every((t) => t.kind === 'punct' && t.text === ']');
  });
}

function align(s: Statement, m: MatrixLit, lines: string[]) {
  const rows = m.rows;
  const rowLines = rows.map((r) => r[0].span.start.line);
  const cols = rows[0].length;
  const intW = new Array<number>(cols).fill(0);
  const fracW = new Array<number>(cols).fill(0);
  const split = (n: NumberLit) => {
    const parts = n.text.match(/^([+-]?\d*)(.*)$/)!;
    return [parts[1], parts[2]];
  };
  for (const r of rows)
    r.forEach((n, j) => {
      const [i, f] = split(n);
      intW[j] = Math.max(intW[j], i.length);
      fracW[j] = Math.max(fracW[j], f.length);
    });
  const openLine = m.span.start.line;
  // Rows under a first row that shares the '[' line align with it; otherwise indent one step. The gap after '['
  // is the user's minus the padding this pass puts before the first cell, so a second pass changes nothing.
  const pad = intW[0] - split(rows[0][0])[0].length;
  const lead = rowLines[0] === openLine ? m.span.start.col + 1 + Math.max(0, rows[0][0].span.start.col - m.span.start.col - 1 - pad) : 0;
  const indent = rowLines[0] === openLine ? ' '.repeat(lead) : (lines[s.span.start.line].match(/^\s*/)?.[0] ?? '') + '  ';
  rows.forEach((r, k) => {
    const line = rowLines[k];
    const body = r
      .map((n, j) => {
        const [i, f] = split(n);
        return i.padStart(intW[j]) + f.padEnd(fracW[j]);
      })
      .join('  ')
      .trimEnd();
    const text = lines[line];
    const prefix = line === openLine ? text.slice(0, m.span.start.col + 1).padEnd(lead) : indent;
    lines[line] = prefix + body + text.slice(r[r.length - 1].span.end.col);
  });
}

/** The same tokens (kind and text, newlines included) and the same comments, in order: only spacing differs. */
function sameTokens(a: string, b: string): boolean {
  const la = lex(a),
    lb = lex(b);
  if (la.tokens.length !== lb.tokens.length || la.comments.length !== lb.comments.length || la.diagnostics.length !== lb.diagnostics.length)
    return false;
  const linesA = a.split(/\r\n|\r|\n/),
    linesB = b.split(/\r\n|\r|\n/);
  const comment = (lines: string[], c: Span) => lines[c.start.line].slice(c.start.col, c.end.col);
  return (
    la.tokens.every((t, i) => t.kind === lb.tokens[i].kind && t.text === lb.tokens[i].text) &&
    la.comments.every((c, i) => comment(linesA, c) === comment(linesB, lb.comments[i]))
  );
}
