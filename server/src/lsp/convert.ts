/** Conversions between the language's own types and LSP's. */
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic, type Range } from 'vscode-languageserver/node';
import type { Diagnostic, Span } from '../language/syntax';

export function toRange(s: Span): Range {
  return { start: { line: s.start.line, character: s.start.col }, end: { line: s.end.line, character: s.end.col } };
}

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

export function toLspDiagnostic(d: Diagnostic): LspDiagnostic {
  return { range: toRange(d.span), severity: SEVERITY[d.severity], message: d.message, source: 'regress' };
}

export function contains(s: Span, line: number, col: number): boolean {
  const afterStart = line > s.start.line || (line === s.start.line && col >= s.start.col);
  const beforeEnd = line < s.end.line || (line === s.end.line && col <= s.end.col);
  return afterStart && beforeEnd;
}
