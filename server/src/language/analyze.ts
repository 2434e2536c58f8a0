/**
 * Semantic analysis of a parsed .regress document: checks names, sizes, shapes, numbers and solve options,
 * evaluates the data (literals, seeded generators, references, planted targets) and produces the numeric
 * Problem. Every message points at the construct it is about. The Problem is only produced when there are no errors.
 * With `build: false` it only checks what needs no numbers (time linear in the text, no file access): the language
 * server does that on its main thread and builds on a worker.
 */
import type { MethodName, ProblemKind, Variant } from '../../../protocol/results';
import { matmul, matmulBT, rowSoftmax, zeros } from '../math/dense';
import { RESCALED_EXP_LIMIT, rescaledLimit } from '../math/rows';
import type { Matrix, Problem, SolveSpec } from '../problem';
import { METHODS, METHOD_NAMES, withDefaults } from './methods';
import { parseDataFile, resolveDataPath, type FileAccess, type LoadResult } from './datafiles';
import type { Analysis, ProblemAnalysis } from './analysis';
import { analyzeExperiment } from './experiment';
import { callParams } from './params';
import { parse } from './parser';
import { readSetting } from './settings';
import { hashName, Rng } from '../math/random';
import type { AssignStmt, Call, Diagnostic, Expr, MatrixLit, ProblemStmt, Severity, SolveStmt, Span, SyntaxTree } from './syntax';
import { CHECKS, DATA, type DataInfo, type Dim, GENERATORS, hint, MOVE_NAMES, PROBLEM_KINDS, SETTINGS, VARIANTS } from './vocabulary';

/** Largest matrix the language will build (entries); beyond it the user gets an error, not an out-of-memory crash. */
export const MAX_ENTRIES = 1 << 25;

/**
 * Most floating-point operations the build may take (planted targets and overflow checks, each a product
 * A1·X·A2ᵀ): about a minute at the 2–3 GFLOP/s of the JavaScript kernels. n = d = 2048 (34 GFLOP a product) passes;
 * n = d = 5792, which MAX_ENTRIES allows, would take 777 GFLOP.
 */
export const MAX_BUILD_FLOPS = 150e9;

/** Largest CSV file parsed: parsing takes about 1 s per 20 MB and up to ten times the file's size in memory. */
export const MAX_CSV_BYTES = 64 * 2 ** 20;

/** The data of a value a cheap analysis checked but did not build. */
const UNBUILT = new Float64Array(0);

export type { Analysis, ExperimentAnalysis, ProblemAnalysis } from './analysis';

/**
 * The largest matrix a problem of this kind builds: attention holds B and the scores S (n×n), A1, A2 (n×d) and X
 * (d×d); the vector form only A (n×d) and vectors (its Newton Hessian is d×d only up to `dense` ≤ 400 parameters).
 */
export function largestMatrix(kind: ProblemKind, n: number, d: number): { entries: number; what: string } {
  const candidates =
    kind === 'attention'
      ? [
          { entries: n * n, what: `the ${n}×${n} matrices B and S = A1·X·A2ᵀ` },
          { entries: n * d, what: `the ${n}×${d} matrices A1 and A2` },
          { entries: d * d, what: `the ${d}×${d} matrix X` },
        ]
      : [{ entries: n * d, what: `the ${n}×${d} matrix A` }];
  return candidates.reduce((a, b) => (b.entries > a.entries ? b : a));
}

const mib = (entries: number) => `${((entries * 8) / 2 ** 20).toLocaleString('en', { maximumFractionDigits: 0 })} MiB`;

/** Floating-point operations of the scores A1·X·A2ᵀ (attention) or A·x (softmax): a planted target or an overflow check. */
function scoresFlops(kind: ProblemKind, n: number, d: number): number {
  return kind === 'attention' ? 2 * n * d * (d + n) : 2 * n * d;
}

const gflop = (flops: number) => `${(flops / 1e9).toLocaleString('en', { maximumFractionDigits: 0 })} GFLOP`;

/**
 * `files` gives access to the workspace for load(); without it (untitled buffers) load() is an error.
 * `build: false` checks without building: no data, no files read, no Problem, and only diagnostics the full analysis
 * also gives.
 */
export function analyze(text: string, files?: FileAccess, { build = true }: { build?: boolean } = {}): Analysis {
  const tree = parse(text);
  return tree.statements.some((s) => s.type === 'experiment') ? analyzeExperiment(tree) : new Analyzer(tree, files, build).run();
}

class Analyzer {
  private readonly diags: Diagnostic[];
  private kind?: ProblemKind;
  private variant?: Variant;
  private problemStmt?: ProblemStmt;
  private readonly assigns = new Map<string, AssignStmt>();
  private readonly values = new Map<string, { stmt?: AssignStmt; matrix: Matrix }>();
  private readonly failed = new Set<string>();
  /** Data files read by this analysis, by the path as written. */
  private readonly loads = new Map<string, LoadResult>();
  private readonly visiting = new Set<string>();
  /** Work counted against MAX_BUILD_FLOPS so far. */
  private flops = 0;
  private n?: number;
  private d?: number;
  private seed = 0;
  private reg = 0;
  private k?: number;
  private layers = 1;

  constructor(
    private readonly tree: SyntaxTree,
    private readonly files: FileAccess | undefined,
    private readonly build: boolean,
  ) {
    this.diags = [...tree.diagnostics];
  }

  private report(span: Span, message: string, severity: Severity = 'error') {
    this.diags.push({ span, severity, message });
  }

  run(): ProblemAnalysis {
    this.readProblem();
    this.collectAssignments();
    this.readSettings();
    const data = this.kind ? DATA[this.kind] : [];
    if (this.kind) this.inferSizes(data);
    if (this.kind && this.n !== undefined && this.d !== undefined) {
      for (const info of data) {
        if (this.assigns.has(info.name)) this.resolve(info);
        else if (info.required) this.report(this.anchor(), `Missing ${info.name}: add \`${info.name} = …\` (${info.doc})`);
      }
      if (this.build) {
        this.checkTarget();
        this.checkOverflow();
      }
    }
    this.checkMove();
    const checks = this.readChecks();
    for (const s of this.tree.statements)
      if (s.type === 'sweep')
        this.report(s.span, '`sweep` belongs to experiment files (after `experiment icl`); a problem file runs its solve blocks');
    const { solves, solveStmts } = this.readSolves();
    const problem = !this.build || this.diags.some((d) => d.severity === 'error') ? undefined : this.problem();
    return {
      file: 'problem',
      tree: this.tree,
      diagnostics: this.diags,
      kind: this.kind,
      variant: this.variant,
      sizes: { n: this.n, d: this.d, seed: this.seed, reg: this.reg, k: this.k, layers: this.layers },
      values: this.build ? this.values : new Map(),
      built: this.build,
      shapes: new Map([...this.values].map(([name, v]) => [name, { rows: v.matrix.rows, cols: v.matrix.cols }])),
      solves,
      solveStmts,
      checks,
      problem,
    };
  }

  /** Where file-level messages go: the problem line, or the first line. */
  private anchor(): Span {
    return this.problemStmt?.span ?? { start: { line: 0, col: 0 }, end: { line: 0, col: 0 } };
  }

  private readProblem() {
    for (const s of this.tree.statements) {
      if (s.type !== 'problem') continue;
      if (this.problemStmt) {
        this.report(s.span, `Only one problem per file (the first is on line ${this.problemStmt.span.start.line + 1})`);
        continue;
      }
      this.problemStmt = s;
      const kind = s.kind!;
      if (PROBLEM_KINDS.some((k) => k.name === kind.name)) this.kind = kind.name as ProblemKind;
      else
        this.report(
          kind.span,
          `Unknown problem kind '${kind.name}'${hint(
            kind.name,
            PROBLEM_KINDS.map((k) => k.name),
            'use attention or softmax',
          )}`,
        );
      if (!s.variant) this.report(kind.span, `Expected the variant after '${kind.name}': normalized or rescaled`);
      else if (VARIANTS.some((v) => v.name === s.variant!.name)) this.variant = s.variant.name as Variant;
      else
        this.report(
          s.variant.span,
          `Unknown variant '${s.variant.name}'${hint(
            s.variant.name,
            VARIANTS.map((v) => v.name),
            'use normalized or rescaled',
          )}`,
        );
    }
    if (!this.problemStmt) {
      const first = this.tree.statements[0]?.span ?? this.anchor();
      this.report(
        { start: first.start, end: first.start },
        'Missing problem line: start the file with e.g. `problem attention normalized`',
      );
    }
  }

  private collectAssignments() {
    const known = new Set<string>([
      ...SETTINGS.map((s) => s.name),
      ...(this.kind ? DATA[this.kind] : [...DATA.attention, ...DATA.softmax]).map((d) => d.name),
    ]);
    for (const s of this.tree.statements) {
      if (s.type !== 'assign') continue;
      const name = s.name.name;
      if (!known.has(name)) {
        const other = this.kind && DATA[this.kind === 'attention' ? 'softmax' : 'attention'].some((d) => d.name === name);
        this.report(
          s.name.span,
          other
            ? `'${name}' belongs to ${this.kind === 'attention' ? 'softmax' : 'attention'} problems, not ${this.kind} ones`
            : `Unknown name '${name}'${hint(name, [...known])}`,
        );
        continue;
      }
      const prev = this.assigns.get(name);
      if (prev) {
        this.report(s.name.span, `${name} is assigned twice (first on line ${prev.span.start.line + 1})`);
        continue;
      }
      this.assigns.set(name, s);
    }
  }

  private readSettings() {
    for (const info of SETTINGS) {
      const s = this.assigns.get(info.name);
      if (!s) continue;
      const v = readSetting(info, s.value, (span, message) => this.report(span, message));
      if (v === undefined) this.failed.add(info.name);
      else this[info.name] = v;
    }
  }

  /** n and d may be left out when a literal or a loaded file fixes them (e.g. a literal A1 gives both). */
  private inferSizes(data: DataInfo[]) {
    for (const info of data) {
      const s = this.assigns.get(info.name);
      if (!s) continue;
      let r: number, c: number;
      const path = Analyzer.loadPath(s.value);
      if (s.value.type === 'matrix' && s.value.rows.length > 0) [r, c] = literalShape(s.value, info.vector);
      else if (path !== undefined) {
        if (!this.build) {
          // Sizes the file will give are unknown until it is read: like a file that fails, neither missing nor taken from a later item.
          for (const dim of info.shape) if ((dim === 'n' || dim === 'd') && this[dim] === undefined) this.failed.add(dim);
          continue;
        }
        const loaded = this.readLoad(path);
        if (!loaded.ok) {
          // The sizes this file would have given are unknown: report the file's error here, not "Missing n".
          const open = info.shape.filter(
            (dim): dim is 'n' | 'd' => (dim === 'n' || dim === 'd') && this[dim] === undefined && !this.failed.has(dim),
          );
          if (open.length) {
            this.report((s.value as Call).args[0].span, loaded.message);
            for (const dim of open) this.failed.add(dim);
          }
          continue;
        }
        // A vector may be stored 1-D, as a column or as a row: its length is what counts.
        [r, c] = info.vector ? [loaded.value.data.length, 1] : [loaded.value.rows, loaded.value.cols];
      } else continue;
      const fix = (dim: Dim, value: number) => {
        if (dim === 'n' && this.n === undefined && !this.failed.has('n')) this.n = value;
        if (dim === 'd' && this.d === undefined && !this.failed.has('d')) this.d = value;
      };
      fix(info.shape[0], r);
      fix(info.shape[1], c);
    }
    for (const dim of ['n', 'd'] as const) {
      if (this[dim] === undefined && !this.failed.has(dim)) {
        this.report(
          this.anchor(),
          `Missing ${dim}: add \`${dim} = …\` or give ${this.kind === 'attention' ? 'A1' : 'A'} as a literal or load(…) (${SETTINGS.find((s) => s.name === dim)!.doc})`,
        );
      }
    }
    if (this.n !== undefined && this.d !== undefined) {
      const largest = largestMatrix(this.kind ?? 'softmax', this.n, this.d);
      if (largest.entries > MAX_ENTRIES) {
        this.report(
          this.anchor(),
          `Problem too large: ${largest.what} would have ${largest.entries.toLocaleString('en')} entries (${mib(largest.entries)}; limit ${MAX_ENTRIES.toLocaleString('en')} entries, ${mib(MAX_ENTRIES)})`,
        );
        this.n = this.d = undefined;
      } else if (this.k !== undefined && Math.max(this.n, this.d) * this.k > MAX_ENTRIES) {
        // The data move builds A·WQ (n×k) and WQ itself (d×k).
        const big = Math.max(this.n, this.d);
        this.report(
          this.assigns.get('k')!.value.span,
          `k too large: a ${big}×${this.k} matrix has ${(big * this.k).toLocaleString('en')} entries (limit ${MAX_ENTRIES.toLocaleString('en')})`,
        );
        this.k = undefined;
        this.failed.add('k');
      }
    }
  }

  private dims(info: DataInfo): [number, number] {
    const get = (d: Dim) => (d === 1 ? 1 : d === 'n' ? this.n! : d === 'd' ? this.d! : this.k!);
    return [get(info.shape[0]), get(info.shape[1])];
  }

  private info(name: string): DataInfo | undefined {
    return this.kind ? DATA[this.kind].find((d) => d.name === name) : undefined;
  }

  /** Evaluates a data item once (memoized); undefined if it or something it depends on has an error. */
  private resolve(info: DataInfo): Matrix | undefined {
    const done = this.values.get(info.name);
    if (done) return done.matrix;
    if (this.failed.has(info.name)) return undefined;
    const stmt = this.assigns.get(info.name);
    // Without k the move's shapes are unknown; checkMove reports the missing k once.
    if (!stmt || (info.shape.includes('k') && this.k === undefined)) return undefined;
    if (this.visiting.has(info.name)) {
      this.report(stmt.value.span, `Circular definition: ${info.name} depends on itself`);
      this.failed.add(info.name);
      return undefined;
    }
    this.visiting.add(info.name);
    const m = this.evaluate(info, stmt.value);
    this.visiting.delete(info.name);
    if (m) this.values.set(info.name, { stmt, matrix: m });
    else this.failed.add(info.name);
    return m;
  }

  private evaluate(info: DataInfo, e: Expr): Matrix | undefined {
    const [rows, cols] = this.dims(info);
    const what = info.vector ? `a vector of length ${rows}` : `${rows}×${cols}`;
    switch (e.type) {
      case 'number':
        this.report(
          e.span,
          `${info.name} must be ${what}; a single number is not allowed (use a literal [ … ] or a generator such as normal())`,
        );
        return undefined;
      case 'string':
        this.report(e.span, `To read ${info.name} from a file write load(${JSON.stringify(e.value)})`);
        return undefined;
      case 'matrix':
        return this.literal(info, e, rows, cols);
      case 'call':
        return this.call(info, e, rows, cols);
      case 'invalid':
        return undefined;
    }
  }

  private literal(info: DataInfo, e: MatrixLit, rows: number, cols: number): Matrix | undefined {
    if (e.rows.length === 0) {
      this.report(e.span, `${info.name} is empty`);
      return undefined;
    }
    const width = e.rows[0].length;
    for (const row of e.rows) {
      if (row.length !== width) {
        this.report(spanOfRow(row), `Row has ${row.length} entr${row.length === 1 ? 'y' : 'ies'} but the first row has ${width}`);
        return undefined;
      }
      for (const num of row) {
        if (!Number.isFinite(num.value)) {
          this.report(num.span, `${num.text} is not a finite number`);
          return undefined;
        }
      }
    }
    const [r, c] = literalShape(e, info.vector);
    if (r !== rows || c !== cols) {
      const expected = info.vector ? `a vector of length ${rows}` : `${info.shape[0]}×${info.shape[1]} = ${rows}×${cols}`;
      const got = info.vector ? `has ${r} entries` : `is ${e.rows.length}×${width}`;
      this.report(e.span, `${info.name} must be ${expected}, but this literal ${got}`);
      return undefined;
    }
    if (!this.build) return { rows, cols, data: UNBUILT };
    const data = new Float64Array(rows * cols);
    let k = 0;
    for (const row of e.rows) for (const num of row) data[k++] = num.value;
    return { rows, cols, data };
  }

  private call(info: DataInfo, e: Call, rows: number, cols: number): Matrix | undefined {
    const name = e.callee.name;
    const ref = this.info(name);
    if (ref && !e.hasParens) {
      const m = this.resolve(ref);
      if (!m) {
        if (!this.assigns.has(name)) this.report(e.span, `${name} is not defined`);
        return undefined;
      }
      if (m.rows !== rows || m.cols !== cols) {
        this.report(e.span, `${info.name} must be ${rows}×${cols}, but ${name} is ${m.rows}×${m.cols}`);
        return undefined;
      }
      return { rows, cols, data: this.build ? m.data.slice() : UNBUILT };
    }
    const gen = GENERATORS.find((g) => g.name === name);
    if (!gen) {
      const names = [...GENERATORS.map((g) => g.name), ...(this.kind ? DATA[this.kind].map((d) => d.name) : [])];
      this.report(e.callee.span, `Unknown generator or name '${name}'${hint(name, names)}`);
      return undefined;
    }
    if (gen.name === 'planted') return this.planted(info, e, rows, cols);
    if (gen.name === 'load') return this.load(info, e, rows, cols);
    const params = callParams(e, gen.params, (span, message) => this.report(span, message));
    if (!params) return undefined;
    if (gen.name === 'identity' && rows !== cols) {
      this.report(e.span, `identity needs a square matrix, but ${info.name} is ${rows}×${cols}`);
      return undefined;
    }
    if (gen.name === 'uniform' && !(params.high > params.low)) {
      this.report(e.span, `uniform needs low < high (got low = ${params.low}, high = ${params.high})`);
      return undefined;
    }
    if (!this.build) return { rows, cols, data: UNBUILT };
    const out = zeros(rows, cols);
    const rng = new Rng(this.seed, hashName(info.name));
    switch (gen.name) {
      case 'zeros':
        return out;
      case 'ones':
        out.data.fill(1);
        return out;
      case 'identity':
        for (let i = 0; i < rows; i++) out.data[i * cols + i] = 1;
        return out;
      case 'normal':
        for (let i = 0; i < out.data.length; i++) out.data[i] = params.mean + params.scale * rng.normal();
        return out;
      case 'uniform':
        for (let i = 0; i < out.data.length; i++) out.data[i] = params.low + (params.high - params.low) * rng.uniform();
        return out;
      case 'simplex': {
        // A vector is one distribution: lay it out as a single row for the row softmax.
        const logits = info.vector ? zeros(1, rows) : zeros(rows, cols);
        for (let i = 0; i < logits.data.length; i++) logits.data[i] = params.scale * rng.normal();
        const p = rowSoftmax(logits);
        return { rows, cols, data: p.data };
      }
    }
    return undefined;
  }

  /**
   * Reads and parses the file of `load("…")`, once per path per analysis (size inference and the data itself both
   * need it); the failure message is reported by `load`.
   */
  private readLoad(given: string): LoadResult {
    let r = this.loads.get(given);
    if (r) return r;
    if (!this.files) r = { ok: false, message: 'Save this file in a workspace folder first: data paths are relative to it' };
    else {
      const where = resolveDataPath(this.files, given);
      if (!where.ok) r = where;
      else {
        try {
          const bytes = this.files.read(where.path);
          const loaded: LoadResult =
            /\.(csv|tsv|txt)$/i.test(given) && bytes.length > MAX_CSV_BYTES
              ? {
                  ok: false,
                  message: `${(bytes.length / 2 ** 20).toFixed(0)} MiB of text, over the ${MAX_CSV_BYTES / 2 ** 20} MiB limit for CSV (parsing takes about 1 s per 20 MB and up to ten times the file's size in memory); save the matrix as .npy (numpy.save)`,
                }
              : parseDataFile(given, bytes);
          r = loaded.ok ? loaded : { ok: false, message: `${given}: ${loaded.message}` };
        } catch (err) {
          r = { ok: false, message: `Cannot read ${given}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
        }
      }
    }
    this.loads.set(given, r);
    return r;
  }

  /** The path of a well-formed `load("…")`, else undefined. */
  private static loadPath(e: Expr): string | undefined {
    if (e.type !== 'call' || e.callee.name !== 'load' || e.args.length !== 1) return undefined;
    const a = e.args[0];
    return !a.name && a.value.type === 'string' ? a.value.value : undefined;
  }

  private load(info: DataInfo, e: Call, rows: number, cols: number): Matrix | undefined {
    const arg = e.args[0];
    const given = Analyzer.loadPath(e);
    if (given === undefined) {
      this.report(arg?.span ?? e.span, 'load takes one file path in quotes: load("data/A1.csv")');
      return undefined;
    }
    // Unread: the declared shape stands in until the full analysis reads the file.
    if (!this.build) return { rows, cols, data: UNBUILT };
    const loaded = this.readLoad(given);
    if (!loaded.ok) {
      this.report(arg.span, loaded.message);
      return undefined;
    }
    const m = loaded.value;
    // A vector may be stored 1-D, as a column or as a row.
    const fits = info.vector ? m.data.length === rows && (m.rows === 1 || m.cols === 1) : m.rows === rows && m.cols === cols;
    if (!fits) {
      const expected = info.vector ? `a vector of length ${rows}` : `${info.shape[0]}×${info.shape[1]} = ${rows}×${cols}`;
      this.report(
        arg.span,
        `${info.name} must be ${expected}, but ${given} holds ${m.vector ? `a vector of length ${m.rows}` : `${m.rows}×${m.cols}`}`,
      );
      return undefined;
    }
    return { rows, cols, data: m.data };
  }

  private planted(info: DataInfo, e: Call, rows: number, cols: number): Matrix | undefined {
    const target = this.kind === 'attention' ? 'B' : 'b';
    const hidden = this.kind === 'attention' ? 'Xstar' : 'xstar';
    if (info.name !== target) {
      this.report(e.span, `planted() builds the target ${target}, not ${info.name}`);
      return undefined;
    }
    if (e.args.length > 1 || (e.args[0] && (e.args[0].name || e.args[0].value.type !== 'call' || e.args[0].value.callee.name !== hidden))) {
      this.report(e.args[0]?.span ?? e.span, `planted takes the hidden point by name: planted(${hidden})`);
      return undefined;
    }
    if (!this.assigns.has(hidden)) {
      this.report(e.span, `planted() needs ${hidden}: add \`${hidden} = normal(scale = 1)\``);
      return undefined;
    }
    const xs = this.resolve(this.info(hidden)!);
    if (this.kind === 'attention') {
      const A1 = this.resolve(this.info('A1')!);
      const A2 = this.resolve(this.info('A2')!);
      if (!xs || !A1 || !A2 || !this.affordable(e, hidden, target)) return undefined;
      return this.build ? rowSoftmax(matmulBT(matmul(A1, xs), A2)) : { rows, cols, data: UNBUILT };
    }
    const A = this.resolve(this.info('A')!);
    if (!xs || !A || !this.affordable(e, hidden, target)) return undefined;
    if (!this.build) return { rows, cols, data: UNBUILT };
    const z = matmul(A, xs); // n×1
    const p = rowSoftmax({ rows: 1, cols: rows, data: z.data });
    return { rows, cols, data: p.data };
  }

  /** Counts a planted target's product against MAX_BUILD_FLOPS; above it the target is refused, saying why. */
  private affordable(e: Call, hidden: string, target: string): boolean {
    const flops = scoresFlops(this.kind!, this.n!, this.d!);
    if (this.flops + flops > MAX_BUILD_FLOPS) {
      const scores = this.kind === 'attention' ? `A1·${hidden}·A2ᵀ` : `A·${hidden}`;
      this.report(
        e.span,
        `Too costly to build: planted(${hidden}) computes ${scores}, ${gflop(flops)} at n = ${this.n}, d = ${this.d} (limit ${gflop(MAX_BUILD_FLOPS)}, about a minute of work); lower n or d, or load ${target} from a file`,
      );
      return false;
    }
    this.flops += flops;
    return true;
  }

  /** The normalized problem fits distributions: warn about target rows that are not on the simplex. */
  private checkTarget() {
    const name = this.kind === 'attention' ? 'B' : 'b';
    const t = this.values.get(name);
    if (!t || this.variant !== 'normalized') return;
    const rowLen = this.kind === 'attention' ? t.matrix.cols : t.matrix.rows;
    const count = t.matrix.data.length / rowLen;
    for (let i = 0; i < count; i++) {
      let sum = 0;
      let min = Infinity;
      for (let j = 0; j < rowLen; j++) {
        const v = t.matrix.data[i * rowLen + j];
        sum += v;
        min = Math.min(min, v);
      }
      if (min < 0 || Math.abs(sum - 1) > 1e-6) {
        const where = this.kind === 'attention' ? `Row ${i + 1} of B` : 'b';
        this.report(
          t.stmt!.value.span,
          `${where} is not a probability distribution (sum ${fmt(sum)}, min ${fmt(min)}): softmax outputs can never match it exactly`,
          'warning',
        );
        return;
      }
    }
  }

  /**
   * The rescaled loss squares exp(S), summed over n·rows entries: the solver refuses scores above rescaledLimit
   * (ln(MAX_VALUE)/2 ≈ 354.9, less the logarithms of the sizes and of 1 + max|B|). Warn, at that same limit, when the
   * initial point (or the planted optimum) is already there, so a file the checker calls clean never stops at k = 0;
   * the solver stops cleanly if a step gets there.
   */
  private checkOverflow() {
    if (this.variant !== 'rescaled') return;
    const needed = this.kind === 'attention' ? ['A1', 'A2'] : ['A'];
    if (!needed.every((n) => this.values.has(n))) return;
    const get = (n: string) => this.values.get(n)!.matrix;
    const worst = (x: Matrix): number => {
      const S = this.kind === 'attention' ? matmulBT(matmul(get('A1'), x), get('A2')) : matmul(get('A'), x);
      // Only large positive scores overflow exp; very negative ones underflow to 0, which the checks handle.
      let m = 0;
      for (const v of S.data) m = Math.max(m, v);
      return m;
    };
    const [start, hidden] = this.kind === 'attention' ? ['X0', 'Xstar'] : ['x0', 'xstar'];
    const target = this.values.get(this.kind === 'attention' ? 'B' : 'b')?.matrix;
    const limit = target ? rescaledLimit(target.data, this.kind === 'attention' ? this.n! : 1, this.n!) : RESCALED_EXP_LIMIT;
    const flops = scoresFlops(this.kind!, this.n!, this.d!);
    for (const name of [start, hidden]) {
      const v = this.values.get(name);
      // A check costs what a planted target does: past the budget it is skipped (the solver still stops cleanly on overflow).
      if (!v?.stmt || this.flops + flops > MAX_BUILD_FLOPS) continue;
      this.flops += flops;
      const m = worst(v.matrix);
      if (m > limit) {
        const what = this.kind === 'attention' ? `A1·${name}·A2ᵀ` : `A·${name}`;
        this.report(
          v.stmt.value.span,
          `Entries of ${what} reach ${m.toPrecision(4)}: the rescaled loss squares exp(S) and would overflow; the solver refuses scores above ${limit.toFixed(1)} for this n and target; scale the data down`,
          'warning',
        );
      }
    }
  }

  /** The self-attention data move takes WQ, WK, WV, WP and k together; k and layers alone do nothing. */
  private checkMove() {
    const given = MOVE_NAMES.filter((name) => this.assigns.has(name));
    if (given.length === 0) {
      for (const name of ['k', 'layers']) {
        const s = this.assigns.get(name);
        if (s)
          this.report(
            s.name.span,
            `${name} has no effect without the self-attention data move: add WQ, WK, WV and WP, or remove ${name}`,
            'warning',
          );
      }
      return;
    }
    const at = this.assigns.get(given[0])!.name.span;
    const missing = MOVE_NAMES.filter((name) => !this.assigns.has(name));
    if (missing.length) {
      const adds = missing.map((name) => `\`${name} = …\``).join(', ');
      this.report(at, `The self-attention data move needs all of WQ, WK, WV and WP: missing ${missing.join(', ')} (add ${adds})`);
    }
    if (!this.assigns.has('k'))
      this.report(at, 'Missing k: the self-attention data move needs its head dimension (add `k = …`; WQ, WK, WV are d×k and WP is k×d)');
  }

  private readChecks(): ProblemAnalysis['checks'] {
    const checks: ProblemAnalysis['checks'] = [];
    for (const s of this.tree.statements) {
      if (s.type !== 'check') continue;
      const name = s.name.name;
      const info = CHECKS.find((c) => c.name === name);
      if (!info) {
        this.report(
          s.name.span,
          `Unknown check '${name}'${hint(
            name,
            CHECKS.map((c) => c.name),
            'use bounds or tensor',
          )}`,
        );
        continue;
      }
      const p = this.problemStmt?.span.start.line;
      if (p !== undefined && s.span.start.line < p) {
        this.report(s.span, `check ${name} must come after the problem line (line ${p + 1})`);
        continue;
      }
      const first = checks.find((c) => c.kind === info.name);
      if (first) {
        this.report(s.span, `check ${name} is given twice (first on line ${first.line + 1}); it runs once`, 'warning');
        continue;
      }
      if (info.name === 'tensor' && this.kind === 'softmax') {
        this.report(
          s.name.span,
          'check tensor applies to attention problems (the matrix form, 𝖠 = A1⊗A2); it is skipped for softmax problems',
          'warning',
        );
      }
      checks.push({ kind: info.name, line: s.span.start.line });
    }
    return checks;
  }

  private readSolves(): { solves: SolveSpec[]; solveStmts: SolveStmt[] } {
    const solves: SolveSpec[] = [];
    const solveStmts: SolveStmt[] = [];
    for (const s of this.tree.statements) {
      if (s.type !== 'solve') continue;
      const index = solveStmts.length;
      solveStmts.push(s);
      const m = s.method!;
      if (!(METHOD_NAMES as string[]).includes(m.name)) {
        this.report(m.span, `Unknown method '${m.name}'${hint(m.name, METHOD_NAMES, `use ${METHOD_NAMES.join(', ')}`)}`);
        continue;
      }
      const method = METHODS[m.name as MethodName];
      const given: Record<string, number> = {};
      let ok = true;
      for (const o of s.options) {
        const info = method.options.find((x) => x.name === o.name.name);
        let v: number | undefined;
        if (!info)
          this.report(
            o.name.span,
            `${m.name} has no option '${o.name.name}'${hint(
              o.name.name,
              method.options.map((x) => x.name),
              `options: ${method.options.map((x) => x.name).join(', ')}`,
            )}`,
          );
        else if (o.name.name in given) this.report(o.value.span, `Option ${o.name.name} is given twice`);
        else v = readSetting(info, o.value, (span, message) => this.report(span, message));
        if (v === undefined) ok = false;
        else given[o.name.name] = v;
      }
      if (!ok) continue;
      const label = [m.name, ...s.options.map((o) => `${o.name.name}=${o.value.text}`)].join(' ');
      solves.push({
        index,
        method: m.name as MethodName,
        options: withDefaults(m.name as MethodName, given),
        line: s.span.start.line,
        label,
      });
    }
    if (solveStmts.length === 0 && this.problemStmt)
      this.report(this.problemStmt.span, 'No solve block: add e.g. `solve gd lr = 0.5 steps = 500` to run a solver', 'info');
    return { solves, solveStmts };
  }

  private problem(): Problem | undefined {
    if (!this.kind || !this.variant || this.n === undefined || this.d === undefined) return undefined;
    const get = (name: string) => this.values.get(name)?.matrix;
    const [WQ, WK, WV, WP] = MOVE_NAMES.map(get);
    const move = WQ && WK && WV && WP && this.k !== undefined ? { move: { k: this.k, layers: this.layers, WQ, WK, WV, WP } } : {};
    const base = { variant: this.variant, n: this.n, d: this.d, reg: this.reg, ...move };
    if (this.kind === 'attention') {
      return { kind: 'attention', ...base, A1: get('A1')!, A2: get('A2')!, B: get('B')!, X0: get('X0') ?? zeros(this.d, this.d) };
    }
    return { kind: 'softmax', ...base, A: get('A')!, b: get('b')!.data, x0: get('x0')?.data ?? new Float64Array(this.d) };
  }
}

function literalShape(e: MatrixLit, vector: boolean): [number, number] {
  const r = e.rows.length;
  const c = e.rows[0]?.length ?? 0;
  // A vector may be written as one row (or as one column, which is already len×1).
  return vector && r === 1 ? [c, 1] : [r, c];
}

function spanOfRow(row: { span: Span }[]): Span {
  return { start: row[0].span.start, end: row[row.length - 1].span.end };
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(4) : String(x);
}
