/**
 * The in-context-learning experiment of paper 1 (math spec §3.7): a single softmax self-attention layer trained with
 * Adam on synthetic softmax regression tasks, compared with one step of gradient descent on each task's context.
 * Shared by the server, the CLI's JSON output, the extension and the panel; fields are added, never renamed.
 */

/** How the words a_i (and the query word) or each task's hidden x* are drawn, entry by entry. */
export type Distribution = { kind: 'normal'; scale: number; mean: number } | { kind: 'uniform'; low: number; high: number };

/**
 * What the layer sees in a context token's label slot: the document-level target b_i (`doc`, math spec §3.7 as first
 * reconstructed; Σ_ctx b_i = 1 − y leaks the query's target), or the centred context-normalised target
 * b'_i = n·b̂_i − 1 with b̂ = b/Σ_ctx b (`centered`: mean 0, independent of y).
 */
export type IclLabels = 'doc' | 'centered';
/**
 * How the layer's prediction is read from the query's last coordinate: ŷ = −h'_q[last] (`plain`, von Oswald's sign),
 * or ŷ = (1 − h'_q[last])/(n + 1) (`offset`: the layer predicts the deviation from the uniform prediction 1/(n+1) of
 * x₀ = 0, in units of 1/(n+1)). Losses and sensitivities are reported in the units of y either way.
 */
export type IclReadout = 'plain' | 'offset';

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
  /** Adam's ε, added to √v̂: it must sit well below the gradients, or the first steps of WQ and WK stall. */
  eps: number;
  labels: IclLabels;
  readout: IclReadout;
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
  /**
   * 1 trains in float32 (the WebAssembly SIMD kernel: the same tasks rounded to float32), 0 in float64. The held-out
   * metrics and the GD baselines are float64 either way; without WebAssembly SIMD the training is float64 too.
   */
  float32: number;
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
  /**
   * tfLoss / the repeat's zeroLoss: the layer's loss relative to the uniform prediction on the same held-out tasks,
   * which cancels most of the held-out set's noise (compare with the start's gdRatio and linGdRatio).
   */
  tfRatio: number;
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
  /**
   * η_lin of the linearised one-step GD ŷ_lin = (1 + η_lin·(z_q − z̄))/(n+1), the first-order expansion of ŷ_GD in η
   * (z_i = a_i·x₁/η over all n+1 words, z̄ their mean): the least-squares fit on this repeat's `etatasks` tasks.
   */
  linEta: number;
  /** 0.5·mean (ŷ_lin − y)² on the held-out tasks. */
  linGdLoss: number;
  /** gdLoss / zeroLoss. */
  gdRatio: number;
  /** linGdLoss / zeroLoss. */
  linGdRatio: number;
  /** The uniform prediction's Preds Diff, mean |1/(n+1) − ŷ_GD|: what a layer that learned nothing scores. */
  zeroPredsDiff: number;
  /** The uniform prediction's Model Diff, mean ‖∂ŷ_GD/∂a_q‖₂ (its own sensitivity is 0). */
  zeroModelDiff: number;
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
  /** Over the same repeats: their starts' baselines (the uniform prediction's loss, η, linearised GD). */
  zeroLoss: MeanStd;
  eta: MeanStd;
  linGdLoss: MeanStd;
  zeroPredsDiff: MeanStd;
  zeroModelDiff: MeanStd;
  /** Per-repeat ratios to the repeat's uniform loss (paired, so the held-out sets' noise cancels). */
  tfRatio: MeanStd;
  gdRatio: MeanStd;
  linGdRatio: MeanStd;
  /** Mean training-batch loss since the previous checkpoint; absent where no repeat has one (step 0). */
  trainLoss?: MeanStd;
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

/** A `sweep <setting> = v1, v2, …` line of an experiment file: the experiment once per value of one numeric setting. */
export interface IclSweep {
  /** The setting's name as written in the file (e.g. `d`). */
  setting: string;
  values: number[];
}

/** The experiment at one value of a sweep. */
export interface IclSweepPoint {
  value: number;
  /** Its settings (those that default from the swept one, e.g. k = d + 1, follow it) and what ran. */
  result: Omit<IclResult, 'runId' | 'source'>;
}

export interface IclSweepResult {
  runId: string;
  source: string;
  sweep: IclSweep;
  /** One per value that ran, in the sweep's order (fewer after a cancel: the points that ran are kept). */
  points: IclSweepPoint[];
  stopReason: IclStopReason;
  message?: string;
  elapsedMs: number;
}
