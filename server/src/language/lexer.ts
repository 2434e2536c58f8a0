/** Tokenizer for .regress: numbers, identifiers, strings, punctuation, newlines; `#` starts a comment. Never throws. */
import type { Diagnostic, Span } from './syntax';

export type TokenKind = 'number' | 'ident' | 'string' | 'punct' | 'newline' | 'eof';
export interface Token {
  kind: TokenKind;
  text: string;
  span: Span;
}

export interface Lexed {
  tokens: Token[];
  comments: Span[];
  diagnostics: Diagnostic[];
  lineCount: number;
}

const PUNCT = new Set(['=', '[', ']', '(', ')', ',', ';']);
const NUMBER = /[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;

// Character tests by code, not regular expressions: the lexer sees every byte of multi-megabyte literals.
const isDigitOrDot = (c: number) => (c >= 48 && c <= 57) || c === 46;
const isIdentStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || c === 0xfeff;

export function lex(text: string): Lexed {
  const tokens: Token[] = [];
  const comments: Span[] = [];
  const diagnostics: Diagnostic[] = [];
  let line = 0;
  let lineStart = 0;
  let i = 0;
  const at = (offset: number) => ({ line, col: offset - lineStart });

  while (i < text.length) {
    const ch = text[i];
    if (ch === '\n' || ch === '\r') {
      const start = at(i);
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      // Zero-width at the end of the line, so a range pointing at it stays inside the line.
      tokens.push({ kind: 'newline', text: '\n', span: { start, end: start } });
      line++;
      lineStart = i;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\f' || ch === '\v' || ch === '\uFEFF') {
      i++;
      continue;
    }
    if (ch === '#') {
      const start = at(i);
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
      comments.push({ start, end: at(i) });
      continue;
    }
    // A sign belongs to a number only where a value can start, so `a-1` style typos still lex sensibly.
    const prev = tokens[tokens.length - 1];
    const code = text.charCodeAt(i);
    const signAllowed =
      !prev || prev.kind === 'punct' || prev.kind === 'newline' || (prev.kind === 'number' && isSpace(text.charCodeAt(i - 1)));
    if (isDigitOrDot(code) || ((ch === '+' || ch === '-') && signAllowed && isDigitOrDot(text.charCodeAt(i + 1)))) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (m) {
        push(tokens, 'number', m[0], at(i), at(i + m[0].length));
        i += m[0].length;
        continue;
      }
    }
    if (isIdentStart(code)) {
      IDENT.lastIndex = i;
      const m = IDENT.exec(text)!;
      push(tokens, 'ident', m[0], at(i), at(i + m[0].length));
      i += m[0].length;
      continue;
    }
    if (ch === '"') {
      const start = i;
      i++;
      while (i < text.length && text[i] !== '"' && text[i] !== '\n' && text[i] !== '\r') i++;
      if (text[i] === '"') {
        i++;
        push(tokens, 'string', text.slice(start, i), at(start), at(i));
      } else {
        diagnostics.push({ span: { start: at(start), end: at(i) }, severity: 'error', message: 'Unterminated string: add the closing "' });
        push(tokens, 'string', text.slice(start, i) + '"', at(start), at(i));
      }
      continue;
    }
    if (PUNCT.has(ch)) {
      push(tokens, 'punct', ch, at(i), at(i + 1));
      i++;
      continue;
    }
    // Skip a run of unexpected characters and report it once.
    const start = i;
    while (i < text.length && !/[\sA-Za-z0-9_#"=[\](),;.+-]/.test(text[i])) i++;
    if (i === start) i++;
    diagnostics.push({
      span: { start: at(start), end: at(i) },
      severity: 'error',
      message: `Unexpected character${i - start > 1 ? 's' : ''} '${text.slice(start, i)}'`,
    });
  }
  tokens.push({ kind: 'eof', text: '', span: { start: at(i), end: at(i) } });
  return { tokens, comments, diagnostics, lineCount: line + 1 };
}

function push(tokens: Token[], kind: TokenKind, text: string, start: { line: number; col: number }, end: { line: number; col: number }) {
  tokens.push({ kind, text, span: { start, end } });
}
