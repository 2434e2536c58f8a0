/**
 * What the analysis of a .regress document gives: a problem file's checks, shapes and numbers, or an experiment's
 * settings. Its own module so that the analyses of both kinds of file (analyze.ts, experiment.ts) import it without
 * importing each other.
 */
import type { IclSettings, IclSweep } from '../../../protocol/experiment';
import type { ProblemKind, Variant } from '../../../protocol/results';
import type { Matrix, Problem, SolveSpec } from '../problem';
import type { AssignStmt, Diagnostic, SolveStmt, SyntaxTree } from './syntax';
import type { CheckName } from './vocabulary';

/** What every analysis has. */
interface AnalysisBase {
  tree: SyntaxTree;
  diagnostics: Diagnostic[];
}

/** A problem file, and any file with neither a `problem` nor an `experiment` line. */
export interface ProblemAnalysis extends AnalysisBase {
  file: 'problem';
  kind?: ProblemKind;
  variant?: Variant;
  sizes: { n?: number; d?: number; seed: number; reg: number; k?: number; layers: number };
  /** Built values by name (settings excluded), for hover and the CLI's eval output. */
  values: Map<string, { stmt?: AssignStmt; matrix: Matrix }>;
  /** False for the cheap analysis of a problem file (`build: false`): no values, no problem, no number-dependent checks. */
  built: boolean;
  /** Shapes of the data that checked out, built or not (a loaded file's as declared until it is read). */
  shapes: Map<string, { rows: number; cols: number }>;
  solves: SolveSpec[];
  /** The solve statements in file order, aligned with `solves` by index (for CodeLens and hover). */
  solveStmts: SolveStmt[];
  /** The valid `check` statements, first of each kind only (0-based line). */
  checks: { kind: CheckName; line: number }[];
  problem?: Problem;
}

/** An `experiment icl` file. Nothing in it is built: its analysis is complete without numbers. */
export interface ExperimentAnalysis extends AnalysisBase {
  file: 'experiment';
  /** The `experiment` line (0-based). */
  line: number;
  /** The settings with defaults filled in, only when the file has no errors. */
  settings?: IclSettings;
  /**
   * The file's `sweep` line (0-based), when it has one (the file then runs as a sweep), and only when the file has no
   * errors, what it sweeps and each point's settings: the file's with the swept one replaced and those that default
   * from it recomputed (k = d + 1, the words' scale 1/√d).
   */
  sweep?: { line: number; run?: { sweep: IclSweep; points: IclSettings[] } };
}

export type Analysis = ProblemAnalysis | ExperimentAnalysis;
