/**
 * Per-document analyses. The cheap analysis (parse, and the checks that need no numbers) is made on the main thread,
 * memoized by version; the numbers (generators, planted targets, data files, hover statistics) come from the analysis
 * worker, so a build of seconds never stalls hover or completion. Only problems too small to be worth the round trip
 * are built at once on the main thread. Diagnostics are published after a debounce: the cheap ones (unless the worker
 * answers within GRACE_MS), then the full set when the worker answers for that version, never an older version's
 * after a newer one's.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, largestMatrix, type Analysis, type ExperimentAnalysis, type ProblemAnalysis } from '../language/analyze';
import { cachedReader, type FileAccess } from '../language/datafiles';
import type { AssignStmt, SyntaxTree } from '../language/syntax';
import { toWorkerFiles, type AnswerTo, type NumericResult } from '../jobs/analysisMessages';
import { AnalysisThread } from '../jobs/analysisThread';
import type { MatrixStats } from '../math/matrixStats';

/** An analysis as the editor features see it; `stats` (hover statistics by value) when the worker built a problem. */
export type DocumentAnalysis = ExperimentAnalysis | (ProblemAnalysis & { stats?: Map<string, MatrixStats> });

/**
 * Problems built at once on the main thread: no data file, and at most this many entries in all (so n, d ≤ 128):
 * a millisecond or two, and their numbers come with the first diagnostics.
 */
const LIGHT_ENTRIES = 1 << 14;

/** How long the cheap diagnostics wait for the full ones, so that quick builds do not make warnings flicker. */
const GRACE_MS = 100;

interface DocState {
  cheap?: { version: number; analysis: Analysis };
  full?: { version: number; analysis: DocumentAnalysis };
  /** The worker's build of the newest version, shared by the publisher and run requests. */
  job?: { version: number; done: Promise<DocumentAnalysis | undefined> };
  timer?: NodeJS.Timeout;
  grace?: NodeJS.Timeout;
  /** The last publication, to skip one that would change nothing. */
  sent?: { version: number; diagnostics: string };
}

export class Analyses {
  private readonly states = new Map<string, DocState>();
  private readonly thread = new AnalysisThread(join(__dirname, 'analysisWorker.js'));

  private readonly read = cachedReader();

  constructor(
    private readonly publish: (doc: TextDocument, a: Analysis) => void,
    private readonly debounceMs: number,
    /** Workspace folders (absolute paths) that load() may read from. */
    private readonly roots: () => string[],
  ) {}

  /** At once: the full analysis of this version if it is there, else the cheap one (numbers pending). */
  get(doc: TextDocument): DocumentAnalysis {
    const s = this.state(doc.uri);
    const cheap = this.cheap(doc, s);
    return s.full?.version === doc.version ? s.full.analysis : cheap;
  }

  /** The full analysis of the document's current version (of a newer one if it changes meanwhile), for run requests. */
  async full(doc: TextDocument): Promise<Analysis> {
    for (;;) {
      // Closed while its build was superseded: analyse the text as it was.
      if (!this.states.has(doc.uri)) return this.fullOfText(doc.uri, doc.getText());
      const a = this.get(doc);
      if (a.file === 'experiment' || a.built) return a;
      const built = await this.numbers(doc);
      if (built) return built;
    }
  }

  /** The full analysis of a document the client has not opened. */
  async fullOfText(uri: string, text: string): Promise<Analysis> {
    const cheap = analyze(text, undefined, { build: false });
    if (cheap.file === 'experiment' || cheap.built) return cheap;
    if (light(cheap)) return analyze(text, this.files(uri));
    // Without a key the task is never superseded: there is always an answer.
    return withAnswer(cheap, (await this.thread.run(undefined, { kind: 'analyze', text, files: toWorkerFiles(this.files(uri)) }))!);
  }

  /** Schedule a publish; `immediate` for open (the user expects squiggles at once), debounced for edits. */
  changed(doc: TextDocument, immediate = false) {
    const s = this.state(doc.uri);
    clearTimeout(s.timer);
    // What was built or is being built for an older version is of no use any more, and the newest needs the worker.
    // (Open also reports a change, of the same version.)
    const stale = (v: number | undefined) => v !== undefined && v !== doc.version;
    if (stale(s.full?.version) || stale(s.job?.version)) this.forget(doc.uri, s);
    const run = () => {
      s.timer = undefined;
      this.publishCurrent(doc, s);
    };
    if (immediate) run();
    else s.timer = setTimeout(run, this.debounceMs);
  }

  /** File access for a document on disk; outside any workspace folder, its own folder is the workspace. */
  files(uri: string): FileAccess | undefined {
    if (!uri.startsWith('file:')) return undefined;
    const documentPath = fileURLToPath(uri);
    const roots = this.roots();
    return { documentPath, roots: roots.length ? roots : [documentPath.replace(/[\\/][^\\/]*$/, '')], read: this.read };
  }

  /** A data file changed on disk: rebuild the open documents that load files, whatever their version. */
  dataFilesChanged(open: TextDocument[]) {
    for (const doc of open) {
      const s = this.states.get(doc.uri);
      const a = this.get(doc);
      if (!s || a.file === 'experiment' || !usesFiles(a.tree)) continue;
      this.forget(doc.uri, s);
      // The cheap diagnostics cannot have changed: only the full set is published.
      this.publishBuilt(doc, s);
    }
  }

  closed(uri: string) {
    const s = this.states.get(uri);
    if (!s) return;
    clearTimeout(s.timer);
    clearTimeout(s.grace);
    this.forget(uri, s);
    this.states.delete(uri);
  }

  private state(uri: string): DocState {
    let s = this.states.get(uri);
    if (!s) this.states.set(uri, (s = {}));
    return s;
  }

  /** The cheap analysis of the current version; a light problem is built with it. */
  private cheap(doc: TextDocument, s: DocState): Analysis {
    if (s.cheap?.version === doc.version) return s.cheap.analysis;
    const text = doc.getText();
    const cheap = analyze(text, undefined, { build: false });
    s.cheap = { version: doc.version, analysis: cheap };
    if (cheap.file === 'problem' && !cheap.built && light(cheap))
      s.full = { version: doc.version, analysis: analyze(text, this.files(doc.uri)) };
    return cheap;
  }

  /** Drops the document's numbers and abandons what the worker does for it. */
  private forget(uri: string, s: DocState) {
    s.full = undefined;
    s.job = undefined;
    this.thread.supersede(uri);
  }

  private publishCurrent(doc: TextDocument, s: DocState) {
    const a = this.get(doc);
    if (a.file === 'experiment' || a.built) return this.send(doc, a);
    const version = doc.version;
    clearTimeout(s.grace);
    s.grace = setTimeout(() => doc.version === version && s.full?.version !== version && this.send(doc, a), GRACE_MS);
    this.publishBuilt(doc, s);
  }

  /** Publishes the full analysis of the current version when the worker has it, if the document is still at that version. */
  private publishBuilt(doc: TextDocument, s: DocState) {
    const version = doc.version;
    void this.numbers(doc).then((full) => {
      if (!full || doc.version !== version) return;
      clearTimeout(s.grace);
      this.send(doc, full);
    });
  }

  private send(doc: TextDocument, a: Analysis) {
    const s = this.states.get(doc.uri);
    if (!s) return;
    const diagnostics = JSON.stringify(a.diagnostics);
    if (s.sent?.version === doc.version && s.sent.diagnostics === diagnostics) return;
    s.sent = { version: doc.version, diagnostics };
    this.publish(doc, a);
  }

  /** The worker's build of the current version (one per version, shared); undefined if a newer version or a file change supersedes it. */
  private numbers(doc: TextDocument): Promise<DocumentAnalysis | undefined> {
    const s = this.state(doc.uri);
    const version = doc.version;
    if (s.job?.version === version) return s.job.done;
    const cheap = this.cheap(doc, s);
    if (cheap.file === 'experiment') return Promise.resolve(cheap);
    const job: NonNullable<DocState['job']> = {
      version,
      done: this.thread.run(doc.uri, { kind: 'analyze', text: doc.getText(), files: toWorkerFiles(this.files(doc.uri)) }).then((answer) => {
        if (!answer || s.job !== job || this.states.get(doc.uri) !== s) return undefined;
        s.job = undefined;
        const full = withAnswer(cheap, answer);
        s.full = { version, analysis: full };
        this.computeNorms(doc.uri, full);
        return full;
      }),
    };
    s.job = job;
    return job.done;
  }

  /** Spectral norms for hover, one task per matrix after any pending analyses; a newer version supersedes them. */
  private computeNorms(uri: string, a: DocumentAnalysis) {
    if (a.file === 'experiment') return;
    for (const [name, stats] of a.stats ?? []) {
      if (stats.spectral !== undefined) continue;
      void this.thread.run(uri, { kind: 'norm', matrix: a.values.get(name)!.matrix }).then((answer) => {
        if (answer) stats.spectral = answer.kind === 'norm' ? answer.spectral : 'not computed (failed)';
      });
    }
  }
}

/** Whether the document reads data files (their size and content are unknown until read). */
function usesFiles(tree: SyntaxTree): boolean {
  return tree.statements.some((s) => s.type === 'assign' && s.value.type === 'call' && s.value.callee.name === 'load');
}

/** Whether the build is small enough (LIGHT_ENTRIES, no data file) to be done at once on the main thread. */
function light(cheap: ProblemAnalysis): boolean {
  const { n, d } = cheap.sizes;
  if (usesFiles(cheap.tree)) return false;
  if (!cheap.kind || n === undefined || d === undefined) return true; // nothing gets built
  let entries = largestMatrix(cheap.kind, n, d).entries;
  for (const s of cheap.shapes.values()) entries += s.rows * s.cols;
  return entries <= LIGHT_ENTRIES;
}

/** The cheap analysis completed by the worker's answer: its numbers, or the failure as an error. */
function withAnswer(cheap: ProblemAnalysis, answer: AnswerTo<'analyze'>): DocumentAnalysis {
  if (answer.kind === 'analyze') return withNumbers(cheap, answer.result);
  const at = cheap.tree.statements.find((s) => s.type === 'problem')?.span ?? { start: { line: 0, col: 0 }, end: { line: 0, col: 0 } };
  return {
    ...cheap,
    built: true,
    diagnostics: [...cheap.diagnostics, { span: at, severity: 'error', message: `The data could not be built: ${answer.message}` }],
  };
}

function withNumbers(cheap: ProblemAnalysis, r: NumericResult): DocumentAnalysis {
  const stmts = new Map<string, AssignStmt>();
  for (const s of cheap.tree.statements) if (s.type === 'assign' && !stmts.has(s.name.name)) stmts.set(s.name.name, s);
  return {
    ...cheap,
    diagnostics: r.diagnostics,
    sizes: r.sizes,
    values: new Map(r.values.map((v) => [v.name, { stmt: stmts.get(v.name), matrix: v.matrix }])),
    shapes: new Map(r.values.map((v) => [v.name, { rows: v.matrix.rows, cols: v.matrix.cols }])),
    stats: new Map(r.values.map((v) => [v.name, v.stats])),
    problem: r.problem,
    built: true,
  };
}
