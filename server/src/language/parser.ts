/**
 * Recursive-descent parser for .regress. Statements are line-based (a literal matrix may span lines inside
 * brackets). On a syntax error it reports once and skips to the end of the statement, so one mistake gives one
 * diagnostic, never a cascade. Never throws; work is linear in the input.
 */
import { lex, type Token } from './lexer';
import type {
  Arg,
  CheckStmt,
  Diagnostic,
  ExperimentStmt,
  Expr,
  Ident,
  MatrixLit,
  NumberLit,
  SolveStmt,
  Span,
  Statement,
  SweepStmt,
  SyntaxTree,
} from './syntax';

export function parse(text: string): SyntaxTree {
  const lexed = lex(text);
  const p = new Parser(lexed.tokens);
  const statements = p.document();
  return { statements, diagnostics: [...lexed.diagnostics, ...p.diagnostics], comments: lexed.comments, lineCount: lexed.lineCount };
}

class SyntaxError extends Error {
  constructor(
    readonly span: Span,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Deepest nesting of values (generator calls inside calls). The parser and every walk over the tree (analysis,
 * hover, outline) recurse per level, so a bound here keeps them all far from the stack limit.
 */
export const MAX_NESTING = 32;

class Parser {
  readonly diagnostics: Diagnostic[] = [];
  private i = 0;
  private depth = 0;
  /** Bracket depth while skipping, so recovery does not stop at a newline inside a literal matrix. */
  constructor(private readonly tokens: Token[]) {}

  private get tok(): Token {
    return this.tokens[this.i];
  }
  private next(): Token {
    const t = this.tokens[this.i];
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  private is(kind: Token['kind'], text?: string): boolean {
    return this.tok.kind === kind && (text === undefined || this.tok.text === text);
  }

  document(): Statement[] {
    const out: Statement[] = [];
    while (!this.is('eof')) {
      if (this.is('newline') || this.is('punct', ';')) {
        this.next();
        continue;
      }
      const start = this.i;
      try {
        out.push(this.statement());
        this.endOfStatement();
      } catch (e) {
        if (!(e instanceof SyntaxError)) throw e;
        this.diagnostics.push({ span: e.span, severity: 'error', message: e.message });
        if (this.i === start) this.next();
        this.skipStatement();
      }
    }
    return out;
  }

  private statement(): Statement {
    const t = this.tok;
    if (t.kind !== 'ident') {
      throw new SyntaxError(
        t.span,
        `Expected a statement (problem …, experiment …, NAME = value, solve METHOD …, check WHAT or sweep NAME = values), found ${describe(t)}`,
      );
    }
    const after = this.tokens[this.i + 1];
    if (t.text === 'problem' && !(after.kind === 'punct' && after.text === '=')) return this.problem();
    if (t.text === 'solve' && !(after.kind === 'punct' && after.text === '=')) return this.solve();
    if (t.text === 'check' && !(after.kind === 'punct' && after.text === '=')) return this.check();
    if (t.text === 'experiment' && !(after.kind === 'punct' && after.text === '=')) return this.experiment();
    if (t.text === 'sweep' && !(after.kind === 'punct' && after.text === '=')) return this.sweep();
    const name = this.ident();
    if (!this.is('punct', '=')) {
      throw new SyntaxError(
        this.is('newline') || this.is('eof') ? name.span : this.tok.span,
        `Expected '=' after '${name.name}' (write ${name.name} = value)`,
      );
    }
    this.next();
    let value: Expr;
    try {
      value = this.expr();
    } catch (e) {
      // Keep the assignment with an error node, so analysis does not also report the name as missing.
      if (!(e instanceof SyntaxError)) throw e;
      this.diagnostics.push({ span: e.span, severity: 'error', message: e.message });
      this.skipStatement();
      value = { type: 'invalid', span: e.span };
    }
    return { type: 'assign', name, value, span: { start: name.span.start, end: value.span.end } };
  }

  private problem(): Statement {
    const keyword = this.ident();
    const kind = this.is('ident') ? this.ident() : undefined;
    const variant = kind && this.is('ident') ? this.ident() : undefined;
    if (!kind) throw new SyntaxError(keyword.span, "Expected the problem kind after 'problem': attention or softmax");
    return { type: 'problem', keyword, kind, variant, span: { start: keyword.span.start, end: (variant ?? kind).span.end } };
  }

  private solve(): SolveStmt {
    const keyword = this.ident();
    if (!this.is('ident'))
      throw new SyntaxError(
        this.is('newline') || this.is('eof') ? keyword.span : this.tok.span,
        "Expected a method after 'solve': gd, armijo, newton or lbfgs",
      );
    const method = this.ident();
    const options: SolveStmt['options'] = [];
    while (this.is('ident') || this.is('punct', ',')) {
      if (this.is('punct', ',')) {
        this.next();
        continue;
      }
      const name = this.ident();
      if (!this.is('punct', '='))
        throw new SyntaxError(name.span, `Expected '=' after option '${name.name}' (write ${name.name} = number)`);
      this.next();
      if (!this.is('number'))
        throw new SyntaxError(this.tok.span, `Expected a number for option '${name.name}', found ${describe(this.tok)}`);
      const value = this.number();
      options.push({ name, value, span: { start: name.span.start, end: value.span.end } });
    }
    const last = options.length ? options[options.length - 1].span : method.span;
    return { type: 'solve', keyword, method, options, span: { start: keyword.span.start, end: last.end } };
  }

  /** `check NAME`; whether NAME is a known check is the analysis' business (it gives "did you mean" hints). */
  private check(): CheckStmt {
    const keyword = this.ident();
    if (!this.is('ident'))
      throw new SyntaxError(
        this.is('newline') || this.is('eof') ? keyword.span : this.tok.span,
        "Expected what to check after 'check': bounds or tensor",
      );
    const name = this.ident();
    return { type: 'check', keyword, name, span: { start: keyword.span.start, end: name.span.end } };
  }

  /** `experiment KIND`; whether KIND is known is the analysis' business. */
  private experiment(): ExperimentStmt {
    const keyword = this.ident();
    if (!this.is('ident'))
      throw new SyntaxError(
        this.is('newline') || this.is('eof') ? keyword.span : this.tok.span,
        "Expected the experiment after 'experiment': icl",
      );
    const kind = this.ident();
    return { type: 'experiment', keyword, kind, span: { start: keyword.span.start, end: kind.span.end } };
  }

  /** `sweep NAME = v1, v2, …`; which settings and values are allowed is the analysis' business. */
  private sweep(): SweepStmt {
    const keyword = this.ident();
    if (!this.is('ident'))
      throw new SyntaxError(
        this.is('newline') || this.is('eof') ? keyword.span : this.tok.span,
        "Expected the setting after 'sweep' (write e.g. sweep d = 5, 10, 20)",
      );
    const setting = this.ident();
    if (!this.is('punct', '='))
      throw new SyntaxError(
        this.is('newline') || this.is('eof') ? setting.span : this.tok.span,
        `Expected '=' after 'sweep ${setting.name}' (write sweep ${setting.name} = v1, v2, …)`,
      );
    const eq = this.next();
    const values: Expr[] = [];
    if (!(this.is('newline') || this.is('eof') || this.is('punct', ';'))) {
      for (;;) {
        values.push(this.expr());
        if (!this.is('punct', ',')) break;
        const comma = this.next();
        if (this.is('newline') || this.is('eof') || this.is('punct', ';'))
          throw new SyntaxError(comma.span, "Expected a value after ',' (or remove the ',')");
      }
    }
    const end = values.length ? values[values.length - 1].span.end : eq.span.end;
    return { type: 'sweep', keyword, setting, values, span: { start: keyword.span.start, end } };
  }

  private expr(): Expr {
    if (this.depth >= MAX_NESTING)
      throw new SyntaxError(this.tok.span, `Values nested too deeply: at most ${MAX_NESTING} levels of calls inside calls`);
    this.depth++;
    try {
      return this.value();
    } finally {
      this.depth--;
    }
  }

  private value(): Expr {
    const t = this.tok;
    if (t.kind === 'number') return this.number();
    if (t.kind === 'string') {
      this.next();
      return { type: 'string', value: t.text.slice(1, -1), span: t.span };
    }
    if (t.kind === 'punct' && t.text === '[') return this.matrix();
    if (t.kind === 'ident') {
      const callee = this.ident();
      if (!this.is('punct', '(')) return { type: 'call', callee, args: [], hasParens: false, span: callee.span };
      this.next();
      const args: Arg[] = [];
      for (;;) {
        this.skipNewlines();
        if (this.is('punct', ')')) break;
        args.push(this.arg());
        this.skipNewlines();
        if (this.is('punct', ',')) {
          this.next();
          continue;
        }
        if (!this.is('punct', ')'))
          throw new SyntaxError(this.tok.span, `Expected ',' or ')' in the arguments of ${callee.name}(…), found ${describe(this.tok)}`);
      }
      const close = this.next();
      return { type: 'call', callee, args, hasParens: true, span: { start: callee.span.start, end: close.span.end } };
    }
    throw new SyntaxError(t.span, `Expected a value (a number, [matrix], generator or name), found ${describe(t)}`);
  }

  private arg(): Arg {
    const after = this.tokens[this.i + 1];
    if (this.is('ident') && after.kind === 'punct' && after.text === '=') {
      const name = this.ident();
      this.next();
      const value = this.expr();
      return { name, value, span: { start: name.span.start, end: value.span.end } };
    }
    const value = this.expr();
    return { value, span: value.span };
  }

  /** `[ 1 2 3 ; 4 5 6 ]` or one row per line; entries separated by spaces or commas. */
  private matrix(): MatrixLit {
    const open = this.next();
    const rows: NumberLit[][] = [];
    let row: NumberLit[] = [];
    for (;;) {
      const t = this.tok;
      if (t.kind === 'number') {
        row.push(this.number());
      } else if (t.kind === 'punct' && t.text === ',') {
        this.next();
      } else if (t.kind === 'newline' || (t.kind === 'punct' && t.text === ';')) {
        this.next();
        if (row.length) rows.push(row);
        row = [];
      } else if (t.kind === 'punct' && t.text === ']') {
        this.next();
        if (row.length) rows.push(row);
        return { type: 'matrix', rows, span: { start: open.span.start, end: t.span.end } };
      } else if (t.kind === 'eof' || (t.kind === 'ident' && row.length === 0)) {
        // A statement keyword or name at the start of a row means the ']' was forgotten: stop here.
        throw new SyntaxError(open.span, "Unclosed '[': add ']' after the last row");
      } else {
        throw new SyntaxError(t.span, `Expected a number in the matrix, found ${describe(t)}`);
      }
    }
  }

  private number(): NumberLit {
    const t = this.next();
    return { type: 'number', value: Number(t.text), text: t.text, span: t.span };
  }

  private ident(): Ident {
    const t = this.next();
    return { name: t.text, span: t.span };
  }

  private skipNewlines() {
    while (this.is('newline')) this.next();
  }

  private endOfStatement() {
    if (this.is('newline') || this.is('eof') || this.is('punct', ';')) return;
    throw new SyntaxError(this.tok.span, `Unexpected ${describe(this.tok)} at the end of the statement`);
  }

  /** Skip to the next newline outside brackets/parentheses (recovery). */
  private skipStatement() {
    let depth = 0;
    while (!this.is('eof')) {
      const t = this.tok;
      if (t.kind === 'punct' && (t.text === '[' || t.text === '(')) depth++;
      if (t.kind === 'punct' && (t.text === ']' || t.text === ')')) depth = Math.max(0, depth - 1);
      if (t.kind === 'newline' && depth === 0) return;
      // An unclosed bracket must not swallow the rest of the file: a name at a line start ends the skip.
      if (t.kind === 'ident' && depth > 0 && this.tokens[this.i - 1]?.kind === 'newline') return;
      this.next();
    }
  }
}

function describe(t: Token): string {
  if (t.kind === 'eof') return 'the end of the file';
  if (t.kind === 'newline') return 'the end of the line';
  return `'${t.text}'`;
}
