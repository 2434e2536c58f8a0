/**
 * Every name the .regress language knows, with its shape and documentation: the one source for validation,
 * completion, hover and docs/regress-language.md.
 */
import type { ProblemKind } from '../../../protocol/results';
import type { NumericSetting } from './settings';

/** A symbolic dimension: n (document length), d (embedding), k (head dimension of the data move), or 1 (vectors). */
export type Dim = 'n' | 'd' | 'k' | 1;

export type ProblemSettingName = 'n' | 'd' | 'seed' | 'reg' | 'k' | 'layers';

export interface DataInfo {
  name: string;
  /** [rows, cols]; vectors are [len, 1]. */
  shape: [Dim, Dim];
  vector: boolean;
  required: boolean;
  doc: string;
}

export const SETTINGS: NumericSetting<ProblemSettingName>[] = [
  { name: 'n', integer: true, min: 1, doc: 'Number of rows of the data (document length): A is n×d, B is n×n.' },
  { name: 'd', integer: true, min: 1, doc: 'Embedding dimension: A is n×d, X is d×d.' },
  {
    name: 'seed',
    integer: true,
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    default: 0,
    doc: 'Seed of every random generator in the file. Each named matrix draws from its own stream, so adding one never changes another.',
  },
  { name: 'reg', min: 0, default: 0, doc: 'Regularization weight λ: adds 0.5·λ·‖x‖² to the loss (0 = none).' },
  {
    name: 'k',
    integer: true,
    min: 1,
    doc: 'Head dimension of the self-attention data move: WQ, WK, WV are d×k and WP is k×d. Required with them.',
  },
  {
    name: 'layers',
    integer: true,
    min: 1,
    default: 1,
    doc: 'Number of successive context updates A ← A + rowsoftmax(A·WQ·WKᵀ·Aᵀ/√k)·A·WV·WP of the self-attention data move.',
  },
];

/** Sizes beyond these make a single task larger than any experiment of this kind needs (and than memory allows per batch). */
const EXPERIMENT_MAX_N = 100_000;
const EXPERIMENT_MAX_D = 4096;

export type ExperimentSettingName =
  | 'n'
  | 'd'
  | 'seed'
  | 'k'
  | 'heads'
  | 'lr'
  | 'beta1'
  | 'beta2'
  | 'batch'
  | 'steps'
  | 'every'
  | 'tasks'
  | 'etatasks'
  | 'etamin'
  | 'etamax'
  | 'etacount'
  | 'repeats'
  | 'float32';
/**
 * The numeric settings of an `experiment icl` file (math spec §3.7), defaults after von Oswald et al. n, d, seed and
 * k share their names with problem files, not their meaning, range or default.
 */
export const EXPERIMENT_SETTINGS: NumericSetting<ExperimentSettingName>[] = [
  { name: 'n', integer: true, min: 1, max: EXPERIMENT_MAX_N, default: 25, doc: 'Context words per task (the query word is one more).' },
  {
    name: 'd',
    integer: true,
    min: 1,
    max: EXPERIMENT_MAX_D,
    default: 20,
    doc: 'Embedding size of the words; tokens are (a_i, b_i) ∈ R^{d+1}.',
  },
  {
    name: 'seed',
    integer: true,
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    default: 0,
    doc: 'Seed of the experiment: repeat r draws its tasks and initial weights from seed + r.',
  },
  {
    name: 'k',
    integer: true,
    min: 1,
    max: EXPERIMENT_MAX_D + 1,
    doc: 'Key (and value) size per head of the trained self-attention layer. Default d + 1.',
  },
  {
    name: 'heads',
    integer: true,
    min: 1,
    max: 64,
    default: 1,
    doc: 'Attention heads of the trained self-attention layer (paper 1 trains one; von Oswald et al. note that softmax attention aligns better with GD from 2).',
  },
  { name: 'lr', min: 0, exclusiveMin: true, default: 0.001, doc: 'Adam learning rate for training the self-attention layer.' },
  { name: 'beta1', min: 0, max: 1, exclusiveMax: true, default: 0.9, doc: 'Adam β₁ (first-moment decay).' },
  { name: 'beta2', min: 0, max: 1, exclusiveMax: true, default: 0.98, doc: 'Adam β₂ (second-moment decay; 0.98 as in von Oswald et al.).' },
  {
    name: 'batch',
    integer: true,
    min: 1,
    default: 2048,
    doc: 'Fresh random tasks per Adam step (online training: no task is seen twice).',
  },
  { name: 'steps', integer: true, min: 0, default: 5000, doc: 'Adam steps per repeat.' },
  {
    name: 'every',
    integer: true,
    min: 1,
    default: 100,
    doc: 'Evaluate the held-out metrics every this many Adam steps (and at step 0 and the last step).',
  },
  {
    name: 'tasks',
    integer: true,
    min: 1,
    default: 1000,
    doc: 'Held-out tasks the metrics average over (the same tasks at every checkpoint of a repeat).',
  },
  {
    name: 'etatasks',
    integer: true,
    min: 1,
    default: 1000,
    doc: 'Training tasks on which the step size η of the one-step-GD model is chosen (separate from the held-out tasks).',
  },
  { name: 'etamin', min: 0, exclusiveMin: true, default: 0.001, doc: 'Smallest step size η on the grid.' },
  {
    name: 'etamax',
    min: 0,
    exclusiveMin: true,
    default: 10000,
    doc: 'Largest step size η on the grid (the best η grows like n·d for softmax targets, so the grid reaches far).',
  },
  {
    name: 'etacount',
    integer: true,
    min: 1,
    max: 100000,
    default: 200,
    doc: 'Number of η values, evenly spaced in log scale from etamin to etamax.',
  },
  {
    name: 'repeats',
    integer: true,
    min: 1,
    max: 1000,
    default: 10,
    doc: 'Independent repetitions (seeds seed, seed + 1, …): every metric is reported as mean ± std over them.',
  },
  {
    name: 'float32',
    integer: true,
    min: 0,
    max: 1,
    default: 0,
    doc: '1 trains in float32: the WebAssembly f32x4 kernel draws the same tasks as float64 (rounded to float32) and runs the layer in float32, about 1.4× faster per Adam step (the random draws cost the same); 0 in float64. Losses and gradients agree with float64 to about 1e-6 relative, so a seed gives the same run up to float32 rounding. The held-out metrics and the GD baselines stay float64; without WebAssembly SIMD (or with REGRESS_LAB_KERNELS=js) the training runs in float64.',
  },
];

export type ExperimentKind = 'icl';
export const EXPERIMENT_KINDS: { name: ExperimentKind; doc: string }[] = [
  {
    name: 'icl',
    doc:
      'In-context learning vs one step of gradient descent (paper 1, math spec §3.7): a single softmax self-attention layer trained with Adam on random ' +
      'softmax regression tasks is compared, on held-out tasks, with one GD step on each task’s context (Loss, Preds Diff, Model Diff, Model Cos).',
  },
];

/** Distributions of an experiment's random tasks: generators only, drawn afresh for every task. */
export const EXPERIMENT_DATA: { name: 'words' | 'xstar'; doc: string }[] = [
  {
    name: 'words',
    doc: 'Distribution of every word a_i ∈ R^d of a task and of its query word: `normal(scale, mean)` or `uniform(low, high)`. Default normal(scale = 1/√d), i.e. a_i ~ N(0, I/d).',
  },
  {
    name: 'xstar',
    doc: 'Distribution of each task’s hidden x* ∈ R^d (targets b = softmax([a_1; …; a_n; a_q]·x*)): `normal(scale, mean)` or `uniform(low, high)`. Default normal(scale = 1).',
  },
];

/** The self-attention data move (math spec §3.5): given together, for both problem kinds; `k` sets their inner size. */
const MOVE: DataInfo[] = [
  {
    name: 'WQ',
    shape: ['d', 'k'],
    vector: false,
    required: false,
    doc: 'Query weights WQ ∈ R^{d×k} of the self-attention data move A ← A + rowsoftmax(A·WQ·WKᵀ·Aᵀ/√k)·A·WV·WP.',
  },
  { name: 'WK', shape: ['d', 'k'], vector: false, required: false, doc: 'Key weights WK ∈ R^{d×k} of the self-attention data move.' },
  { name: 'WV', shape: ['d', 'k'], vector: false, required: false, doc: 'Value weights WV ∈ R^{d×k} of the self-attention data move.' },
  {
    name: 'WP',
    shape: ['k', 'd'],
    vector: false,
    required: false,
    doc: 'Output projection WP ∈ R^{k×d} of the self-attention data move (the residual update is k → d).',
  },
];
export const MOVE_NAMES = MOVE.map((m) => m.name);

export const DATA: Record<ProblemKind, DataInfo[]> = {
  attention: [
    { name: 'A1', shape: ['n', 'd'], vector: false, required: true, doc: 'Query-side data A1 ∈ R^{n×d}: S = A1·X·A2ᵀ.' },
    { name: 'A2', shape: ['n', 'd'], vector: false, required: true, doc: 'Key-side data A2 ∈ R^{n×d}. `A2 = A1` gives self-attention.' },
    {
      name: 'B',
      shape: ['n', 'n'],
      vector: false,
      required: true,
      doc: 'Target attention matrix B ∈ R^{n×n}; rows are distributions for the normalized problem.',
    },
    { name: 'X0', shape: ['d', 'd'], vector: false, required: false, doc: 'Initial point X₀ ∈ R^{d×d} (default zeros).' },
    {
      name: 'Xstar',
      shape: ['d', 'd'],
      vector: false,
      required: false,
      doc: 'Hidden X* ∈ R^{d×d} used by planted(): B = rowsoftmax(A1·X*·A2ᵀ).',
    },
    ...MOVE,
  ],
  softmax: [
    { name: 'A', shape: ['n', 'd'], vector: false, required: true, doc: 'Document A ∈ R^{n×d} (n words, d-dimensional embeddings).' },
    { name: 'b', shape: ['n', 1], vector: true, required: true, doc: 'Target b ∈ R^n; a distribution for the normalized problem.' },
    { name: 'x0', shape: ['d', 1], vector: true, required: false, doc: 'Initial point x₀ ∈ R^d (default zeros).' },
    { name: 'xstar', shape: ['d', 1], vector: true, required: false, doc: 'Hidden x* ∈ R^d used by planted(): b = softmax(A·x*).' },
    ...MOVE,
  ],
};

export interface GeneratorInfo {
  name: string;
  /** Numeric arguments, any finite value. */
  params: NumericSetting[];
  doc: string;
  snippet: string;
}

export const GENERATORS: GeneratorInfo[] = [
  { name: 'zeros', params: [], doc: 'All entries 0.', snippet: 'zeros' },
  { name: 'ones', params: [], doc: 'All entries 1.', snippet: 'ones' },
  { name: 'identity', params: [], doc: 'The identity (square matrices only, e.g. X0).', snippet: 'identity' },
  {
    name: 'normal',
    params: [
      { name: 'scale', default: 1, doc: 'Standard deviation.' },
      { name: 'mean', default: 0, doc: 'Mean.' },
    ],
    doc: 'Independent Gaussian entries, mean + scale·N(0, 1), from the file seed and the name.',
    snippet: 'normal(scale = ${1:1.0})',
  },
  {
    name: 'uniform',
    params: [
      { name: 'low', default: -1, doc: 'Lower end.' },
      { name: 'high', default: 1, doc: 'Upper end.' },
    ],
    doc: 'Independent uniform entries on [low, high).',
    snippet: 'uniform(low = ${1:-1}, high = ${2:1})',
  },
  {
    name: 'simplex',
    params: [{ name: 'scale', default: 1, doc: 'Spread of the logits: larger is peakier.' }],
    doc: 'Each row a probability distribution: softmax(scale·N(0, 1)) per row (a vector is one distribution).',
    snippet: 'simplex(scale = ${1:1.0})',
  },
  {
    name: 'load',
    params: [],
    doc: 'Data from a workspace file: `load("data/A1.csv")` (CSV/TSV/TXT, or NumPy .npy). The path is relative to this file and must stay inside the workspace.',
    snippet: 'load("${1:data.csv}")',
  },
  {
    name: 'planted',
    params: [],
    doc: 'A realisable target: B = rowsoftmax(A1·X*·A2ᵀ) (or b = softmax(A·x*)) from the hidden Xstar (xstar), so the optimal loss is 0.',
    snippet: 'planted(${1:Xstar})',
  },
];

export const PROBLEM_KINDS: { name: ProblemKind; doc: string }[] = [
  { name: 'attention', doc: 'Matrix form (paper 2): X ∈ R^{d×d}, S = A1·X·A2ᵀ, n softmax regressions sharing X.' },
  { name: 'softmax', doc: 'Vector form (paper 1): x ∈ R^d, f(x) = softmax(A·x).' },
];
export const VARIANTS = [
  { name: 'normalized', doc: 'Loss 0.5‖rowsoftmax(S) − B‖_F² (vector: 0.5‖softmax(Ax) − b‖²).' },
  {
    name: 'rescaled',
    doc: 'Loss 0.5‖exp(S) − diag(exp(S)·1)·B‖_F² (vector: 0.5‖exp(Ax) − ⟨exp(Ax), 1⟩·b‖²). Not shift-invariant: large entries of S overflow exp.',
  },
] as const;

export const KEYWORDS = {
  problem: 'Declares the problem: `problem attention normalized` (kinds: attention, softmax; variants: normalized, rescaled).',
  solve: 'A solver run: `solve METHOD option = value …`. Several solve blocks are compared in one panel.',
  check: 'An extra check run with every solve of the file: `check bounds` or `check tensor`.',
  experiment:
    'Makes the file an experiment instead of a problem: `experiment icl` runs paper 1’s in-context-learning experiment from the settings below it (n, d, seed, k, heads, lr, batch, steps, …). Run it with ▶ Run experiment or `regress-lab experiment FILE`.',
  sweep:
    'Runs the experiment once per value of one numeric setting, in order, as one run: `sweep d = 5, 10, 20, 40` (at most 32 values). Each point has the file’s settings with that one replaced; those that default from it follow it (k = d + 1 and the words’ scale 1/√d, unless the file sets them). Run it with ▶ Run sweep or `regress-lab experiment FILE`.',
};

export type CheckName = 'bounds' | 'tensor';
export const CHECKS: { name: CheckName; doc: string }[] = [
  {
    name: 'bounds',
    doc:
      'Checks the in-context-learning bounds on every step of every solve block: the equivalent target b̃ (B̃) of each weight step, how far it moved, ' +
      'and each bound on that distance (the sharp ones, which must hold, and the papers’ M·‖move‖ with its assumptions). ' +
      'With WQ, WK, WV, WP it also checks the self-attention data move. Also run by ▶ Check bounds or `regress-lab check-bounds FILE`.',
  },
  {
    name: 'tensor',
    doc:
      'Checks the tensor trick numerically (attention problems): builds 𝖠 = A1⊗A2 (n²×d², up to 256 MiB) and compares 𝖠·vec(X), the vectorized loss ' +
      'and gradient with the matrix form at X0 and at a seeded probe point. Also run by `regress-lab tensor FILE`.',
  },
];

/** Edit distance ≤ 2 (case-insensitive) candidates, closest first, for "did you mean" hints. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const c of candidates) {
    const dist = editDistance(word.toLowerCase(), c.toLowerCase());
    if (dist < bestD) {
      bestD = dist;
      best = c;
    }
  }
  return best;
}

/** " (did you mean 'x'?)" when a candidate is close, else " (fallback)" or nothing. */
export function hint(word: string, candidates: readonly string[], fallback?: string): string {
  const s = suggest(word, candidates);
  return s ? ` (did you mean '${s}'?)` : fallback ? ` (${fallback})` : '';
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}
