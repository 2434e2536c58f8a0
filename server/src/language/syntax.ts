/** Positions, ranges and the syntax tree of a .regress document. Lines and columns are 0-based UTF-16 offsets, as in LSP. */

export interface Pos {
  line: number;
  col: number;
}
export interface Span {
  start: Pos;
  end: Pos;
}

export type Severity = 'error' | 'warning' | 'info';
export interface Diagnostic {
  span: Span;
  severity: Severity;
  message: string;
}

export interface Ident {
  name: string;
  span: Span;
}

export interface NumberLit {
  type: 'number';
  value: number;
  /** Source text, e.g. "1e-3", for messages. */
  text: string;
  span: Span;
}
export interface MatrixLit {
  type: 'matrix';
  rows: NumberLit[][];
  span: Span;
}
/** `name(args)` or a bare generator name such as `zeros` (hasParens false). */
export interface Call {
  type: 'call';
  callee: Ident;
  args: Arg[];
  hasParens: boolean;
  span: Span;
}
export interface StringLit {
  type: 'string';
  value: string;
  span: Span;
}
/** A value that failed to parse: its error is already reported, so analysis treats it as silently unusable. */
export interface InvalidExpr {
  type: 'invalid';
  span: Span;
}
export type Expr = NumberLit | MatrixLit | Call | StringLit | InvalidExpr;
export interface Arg {
  name?: Ident;
  value: Expr;
  span: Span;
}

export interface ProblemStmt {
  type: 'problem';
  keyword: Ident;
  kind?: Ident;
  variant?: Ident;
  span: Span;
}
export interface AssignStmt {
  type: 'assign';
  name: Ident;
  value: Expr;
  span: Span;
}
export interface SolveStmt {
  type: 'solve';
  keyword: Ident;
  method?: Ident;
  options: { name: Ident; value: NumberLit; span: Span }[];
  span: Span;
}
/** `check bounds` or `check tensor`: extra checks run with every solve of the file. */
export interface CheckStmt {
  type: 'check';
  keyword: Ident;
  name: Ident;
  span: Span;
}
/** `experiment icl`: the file describes an experiment (settings only, no problem or solve blocks). */
export interface ExperimentStmt {
  type: 'experiment';
  keyword: Ident;
  kind: Ident;
  span: Span;
}
/**
 * `sweep NAME = v1, v2, …`: an experiment file runs once per value of one of its numeric settings. The values are
 * parsed as values (numbers, or anything else for the analysis to refuse at its place); `values` is empty when none
 * follow the `=`.
 */
export interface SweepStmt {
  type: 'sweep';
  keyword: Ident;
  setting: Ident;
  values: Expr[];
  span: Span;
}
export type Statement = ProblemStmt | AssignStmt | SolveStmt | CheckStmt | ExperimentStmt | SweepStmt;

export interface SyntaxTree {
  statements: Statement[];
  diagnostics: Diagnostic[];
  comments: Span[];
  lineCount: number;
}

export function spanOf(a: Span, b: Span): Span {
  return { start: a.start, end: b.end };
}
