/** Document symbols (the outline) and folding ranges (multi-line matrices, comment blocks). */
import { FoldingRangeKind, SymbolKind, type DocumentSymbol, type FoldingRange } from 'vscode-languageserver/node';
import type { Analysis } from '../language/analyze';
import { EXPERIMENT_SETTINGS, SETTINGS } from '../language/vocabulary';
import { toRange } from './convert';

export function documentSymbols(a: Analysis): DocumentSymbol[] {
  return a.tree.statements.map((s): DocumentSymbol => {
    const range = toRange(s.span);
    if (s.type === 'problem') {
      return {
        name: `problem ${s.kind?.name ?? ''} ${s.variant?.name ?? ''}`.trim(),
        kind: SymbolKind.Namespace,
        range,
        selectionRange: toRange(s.keyword.span),
      };
    }
    if (s.type === 'solve') {
      const label = [s.method?.name ?? '?', ...s.options.map((o) => `${o.name.name}=${o.value.text}`)].join(' ');
      return { name: `solve ${label}`, kind: SymbolKind.Event, range, selectionRange: toRange((s.method ?? s.keyword).span) };
    }
    if (s.type === 'experiment')
      return { name: `experiment ${s.kind.name}`, kind: SymbolKind.Namespace, range, selectionRange: toRange(s.keyword.span) };
    if (s.type === 'check') return { name: `check ${s.name.name}`, kind: SymbolKind.Boolean, range, selectionRange: toRange(s.name.span) };
    if (s.type === 'sweep') {
      const values = s.values.map((v) => (v.type === 'number' ? v.text : '?')).join(', ');
      return { name: `sweep ${s.setting.name}`, detail: values, kind: SymbolKind.Array, range, selectionRange: toRange(s.setting.span) };
    }
    const v = a.file === 'problem' ? a.shapes.get(s.name.name) : undefined;
    const setting = SETTINGS.some((x) => x.name === s.name.name) || EXPERIMENT_SETTINGS.some((x) => x.name === s.name.name);
    const detail = setting && s.value.type === 'number' ? s.value.text : v ? `${v.rows}×${v.cols}` : undefined;
    return {
      name: s.name.name,
      detail,
      kind: setting ? SymbolKind.Constant : SymbolKind.Variable,
      range,
      selectionRange: toRange(s.name.span),
    };
  });
}

export function foldingRanges(a: Analysis, text: string): FoldingRange[] {
  const lines = text.split(/\r\n|\r|\n/);
  const out: FoldingRange[] = [];
  for (const s of a.tree.statements) {
    if (s.type === 'assign' && s.value.type === 'matrix' && s.value.span.end.line > s.value.span.start.line) {
      out.push({ startLine: s.value.span.start.line, endLine: s.value.span.end.line - 1, kind: FoldingRangeKind.Region });
    }
  }
  // Runs of two or more whole-line comments fold as one.
  const commentLines = a.tree.comments.filter((c) => lines[c.start.line].slice(0, c.start.col).trim() === '').map((c) => c.start.line);
  let start = -1;
  for (let i = 0; i < commentLines.length; i++) {
    if (start < 0) start = commentLines[i];
    const endsRun = i === commentLines.length - 1 || commentLines[i + 1] !== commentLines[i] + 1;
    if (endsRun) {
      if (commentLines[i] > start) out.push({ startLine: start, endLine: commentLines[i], kind: FoldingRangeKind.Comment });
      start = -1;
    }
  }
  return out;
}
