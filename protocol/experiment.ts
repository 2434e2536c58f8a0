/**
 * The in-context-learning experiment of paper 1 (math spec §3.7): a single softmax self-attention layer trained with
 * Adam on synthetic softmax regression tasks, compared with one step of gradient descent on each task's context.
 * Shared by the server, the CLI's JSON output, the extension and the panel; fields are added, never renamed.
 */

/** How the words a_i (and the query word) or each task's hidden x* are drawn, entry by entry. */
export type Distribution = { kind: 'normal'; scale: number; mean: number } | { kind: 'uniform'; low: number; high: number };

/** Every setting of an `experiment icl` file, defaults filled in (docs/regress-language.md lists them). */
export interface IclSettings {
  /** Context words per task (the query is one more). */
  n: number;
  /** Embedding size; tokens are (a_i, b_i) ∈ R^{d+1}. */
  d: number;
  seed: number;
  /** Distribution of each word a_i and of the query word a_q. Default normal with scale 1/√d (rows ~ N(0, I/d)). */
  words: Distribution;
  /** Distribution of each task's hidden x* (default N(0, I)). */
  xstar: Distribution;
  /** Attention heads of the trained layer. */
  heads: number;
  /** Key (and value) size per head; default d + 1. */
  k: number;
  /** Adam. */
  lr: number;
  beta1: number;
  beta2: number;
  /** Fresh tasks per Adam step. */
  batch: number;
  /** Adam steps. */
  steps: number;
  /** Evaluate every this many steps (and at step 0 and the last step). */
  every: number;
  /** Held-out tasks the metrics average over (fixed per repeat). */
  tasks: number;
  /** Tasks on which the gradient-descent step size η is chosen (separate from the held-out ones). */
  etatasks: number;
  /** The η grid: `etacount` values spaced evenly in log scale from `etamin` to `etamax`. */
  etamin: number;
  etamax: number;
  etacount: number;
  /** Independent repetitions (seeds seed, seed+1, …); metrics are reported as mean ± std over them. */
  repeats: number;
}

/** The held-out metrics at one training step of one repeat, each a mean over the held-out tasks. */
export interface IclCheckpoint {
  /** Adam steps taken (0 = the initialised layer). */
  step: number;
  /** 0.5·mean (ŷ_TF − y)² of the trained layer. */
  tfLoss: number;
  /** Mean over tasks of |ŷ_TF − ŷ_GD| ("Preds Diff"). */
  predsDiff: number;
  /** Mean over tasks of ‖∂ŷ_TF/∂a_q − ∂ŷ_GD/∂a_q‖₂ ("Model Diff"). */
  modelDiff: number;
  /** Mean over tasks of cos(∂ŷ_TF/∂a_q, ∂ŷ_GD/∂a_q), with 1e-8 added to the norms ("Model Cos"). */
  modelCos: number;
  /** Mean training-batch loss over the Adam steps since the previous checkpoint (absent at step 0). */
  trainLoss?: number;
}

/** What one repeat fixed before training: its seed and the gradient-descent baseline on its held-out tasks. */
export interface IclRepeatStart {
  repeat: number;
  seed: number;
  /** The η chosen on this repeat's `etatasks` tasks (smallest mean loss on the grid). */
  eta: number;
  /** True when η is the first or last grid value: the best step size may lie outside the grid. */
  etaAtEdge: boolean;
  /** 0.5·mean (ŷ_GD − y)² on the held-out tasks, one GD step with the chosen η. */
  gdLoss: number;
  /** The same loss for the uniform prediction 1/(n+1) (no step, η = 0): what "learned nothing" scores. */
  zeroLoss: number;
}

export interface IclRepeat extends IclRepeatStart {
  checkpoints: IclCheckpoint[];
}

/** Mean and standard deviation over the repeats that reached a step (population std; 0 for one repeat). */
export interface MeanStd {
  mean: number;
  std: number;
}
export interface IclSummaryPoint {
  step: number;
  /** How many repeats reached this step (fewer than all after a cancel). */
  count: number;
  tfLoss: MeanStd;
  gdLoss: MeanStd;
  predsDiff: MeanStd;
  modelDiff: MeanStd;
  modelCos: MeanStd;
}

export type IclStopReason = 'done' | 'cancelled' | 'nonFinite' | 'error';

export interface IclResult {
  runId: string;
  /** Document URI or file path. */
  source: string;
  settings: IclSettings;
  repeats: IclRepeat[];
  /** Per checkpoint step, over the repeats. */
  summary: IclSummaryPoint[];
  stopReason: IclStopReason;
  /** Why it stopped, for nonFinite and error (names the repeat and step). */
  message?: string;
  elapsedMs: number;
}
