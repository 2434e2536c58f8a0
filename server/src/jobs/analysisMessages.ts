/** Messages between the language server and its analysis worker (internal to the server). */
import type { ProblemAnalysis } from '../language/analyze';
import type { FileAccess } from '../language/datafiles';
import type { Diagnostic } from '../language/syntax';
import { DATA } from '../language/vocabulary';
import { matrixStats, type MatrixStats } from '../math/matrixStats';
import type { Matrix, Problem } from '../problem';

/** A document's file access without its reader, which cannot cross threads (the worker has its own). */
export type WorkerFiles = Omit<FileAccess, 'read'>;

/** Build a document's numbers (the full analysis), or the spectral norm of one matrix for hover. */
export type AnalysisTask = { kind: 'analyze'; text: string; files?: WorkerFiles } | { kind: 'norm'; matrix: Matrix };

export type AnalysisRequest = AnalysisTask & { id: number };

/** What the full analysis adds to the cheap one the main thread already has (whose tree it does not send back). */
export interface NumericResult {
  diagnostics: Diagnostic[];
  sizes: ProblemAnalysis['sizes'];
  values: { name: string; matrix: Matrix; stats: MatrixStats }[];
  problem?: Problem;
}

export type AnalysisAnswer =
  { kind: 'analyze'; result: NumericResult } | { kind: 'norm'; spectral: number } | { kind: 'failed'; message: string };

export type AnalysisReply = AnalysisAnswer & { id: number };

/** The answer to a task of kind K: its result, or its failure. */
export type AnswerTo<K extends AnalysisTask['kind']> = Extract<AnalysisAnswer, { kind: K | 'failed' }>;

export function toWorkerFiles(files: FileAccess | undefined): WorkerFiles | undefined {
  return files && (Object.fromEntries(Object.entries(files).filter(([, v]) => typeof v !== 'function')) as WorkerFiles);
}

/** The numeric part of a full analysis, with hover statistics of every value (spectral norms left to `norm` tasks). */
export function numericResult(a: ProblemAnalysis): NumericResult {
  const vector = (name: string) => !!a.kind && DATA[a.kind].some((d) => d.name === name && d.vector);
  const values = [...a.values].map(([name, v]) => ({ name, matrix: v.matrix, stats: matrixStats(v.matrix, vector(name)) }));
  return { diagnostics: a.diagnostics, sizes: a.sizes, values, problem: a.problem };
}

/** The buffers of every Float64Array in `root` (each once), to transfer rather than copy. */
export function transferables(root: unknown): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>();
  const walk = (v: unknown) => {
    if (v instanceof Float64Array) found.add(v.buffer as ArrayBuffer);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(root);
  return [...found];
}
