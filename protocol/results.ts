/**
 * Result shapes shared by the server, the CLI's JSON output, the extension and the panel.
 * Later issues add fields; they never rename these (the CLI's --json output is a public interface).
 */

export type ProblemKind = 'attention' | 'softmax';
export type Variant = 'normalized' | 'rescaled';
export type MethodName = 'gd' | 'armijo' | 'newton' | 'lbfgs';

/**
 * Why a run ended. `stalled`: the line search found no decrease along a descent direction (the loss is at its
 * floating-point floor). `nonFinite` / `overflow` / `error` carry a message naming the iteration and the quantity.
 */
export type StopReason = 'steps' | 'gradTol' | 'lossTol' | 'stalled' | 'cancelled' | 'nonFinite' | 'overflow' | 'error';

export interface ProblemSummary {
  kind: ProblemKind;
  variant: Variant;
  n: number;
  d: number;
  /** Regularization weight (math spec §2.1, §5); 0 when absent. */
  reg: number;
}

/** One iteration of a run. k = 0 is the initial point (stepNorm 0). */
export interface IterationPoint {
  k: number;
  loss: number;
  gradNorm: number;
  stepNorm: number;
  /** Step size actually taken (learning rate, line-search t, …) where the method defines one. */
  stepSize?: number;
}

/** A `solve` block as written in the file, before it runs. */
export interface RunSpec {
  /** 0-based index of the solve block in the file. */
  index: number;
  method: MethodName;
  options: Record<string, number>;
  /** 0-based line of the block in the file. */
  line: number;
  /** Human-readable label, e.g. "gd lr=0.5". */
  label: string;
}

export interface RunFinal {
  loss: number;
  /** Final iterate: matrix form (attention) … */
  X?: number[][];
  /** … or vector form (softmax). */
  x?: number[];
  stopReason: StopReason;
  /** Human-readable explanation of the stop, always set for nonFinite / overflow / error. */
  message?: string;
  /** Number of iterations taken (points minus one). */
  iterations: number;
  elapsedMs: number;
}

export interface RunResult {
  index: number;
  method: MethodName;
  options: Record<string, number>;
  label: string;
  iterations: IterationPoint[];
  final: RunFinal;
}

export interface SolveResult {
  runId: string;
  /** Document URI or file path the problem came from. */
  source: string;
  problem: ProblemSummary;
  runs: RunResult[];
}
