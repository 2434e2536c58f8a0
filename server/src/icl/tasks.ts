/**
 * Random softmax regression tasks of the in-context-learning experiment (math spec §3.7, step 1): n context words
 * and a query word a_1, …, a_n, a_q ∈ R^d, a hidden x*, and the document-level target p = softmax([a_1; …; a_q]·x*),
 * so that b_i = p_i for the context and y = p_q for the query (a realisable target, like von Oswald's y = W·x).
 * The labels the layer reads in the context tokens are b_i itself (`doc`) or b'_i = n·b̂_i − 1 (`centered`).
 */
import type { Distribution, IclLabels, IclSettings } from '../../../protocol/experiment';
import type { Rng } from '../math/random';
import { dot4 } from './dot';
import type { Matrix } from '../problem';

export interface Task {
  /** (n+1)×d: rows 0…n−1 are the context words, row n the query word. */
  words: Matrix;
  /** p ∈ R^{n+1}: b_i = p_i for i < n, y = p_n. */
  target: Float64Array;
  /** The n context tokens' label slots (IclLabels). */
  labels: Float64Array;
}

/** Overwrites `out` with independent draws from `dist`. */
export function fill(rng: Rng, dist: Distribution, out: Float64Array): void {
  if (dist.kind === 'normal') {
    rng.fillNormal(out);
    const { mean, scale } = dist;
    for (let i = 0; i < out.length; i++) out[i] = mean + scale * out[i];
  } else for (let i = 0; i < out.length; i++) out[i] = dist.low + (dist.high - dist.low) * rng.uniform();
}

/** Draws tasks into reusable buffers (training draws millions of them). */
export class TaskSampler {
  private readonly xstar: Float64Array;

  constructor(
    private readonly s: Pick<IclSettings, 'n' | 'd' | 'words' | 'xstar' | 'labels'>,
    private readonly rng: Rng,
  ) {
    this.xstar = new Float64Array(s.d);
  }

  newTask(): Task {
    const { n, d } = this.s;
    return {
      words: { rows: n + 1, cols: d, data: new Float64Array((n + 1) * d) },
      target: new Float64Array(n + 1),
      labels: new Float64Array(n),
    };
  }

  /** Overwrites `into` with a fresh task and returns it. */
  next(into: Task): Task {
    const { n } = this.s;
    const xstar = this.xstar;
    fill(this.rng, this.s.words, into.words.data);
    fill(this.rng, this.s.xstar, xstar);
    scoreSoftmax(into.words, xstar, into.target, n + 1);
    setLabels(this.s.labels, into, xstar);
    return into;
  }
}

/** out[0..rows) = softmax of the first `rows` words' scores words·x*, computed stably in place. */
function scoreSoftmax(words: Matrix, xstar: Float64Array, out: Float64Array, rows: number): void {
  const { data, cols: d } = words;
  let max = -Infinity;
  for (let i = 0; i < rows; i++) {
    const s = dot4(data, i * d, xstar, 0, d);
    out[i] = s;
    if (s > max) max = s;
  }
  let sum = 0;
  for (let i = 0; i < rows; i++) sum += out[i] = Math.exp(out[i] - max);
  const inv = 1 / sum;
  for (let i = 0; i < rows; i++) out[i] *= inv;
}

/**
 * Below this the context's share of p has lost its digits (or underflowed to 0: the query's score leads every context
 * score by more than ~745), so the centred labels are computed from the context's own scores instead.
 */
const MIN_CONTEXT = 1e-280;

/**
 * Fills task.labels from task.target: b_i, or b'_i = n·b̂_i − 1 with b̂ = b/Σ_ctx b (mean 0; Σ_ctx b = 1 − y leaks y).
 * b̂ is the softmax of the context's own scores, which is what it is computed from where Σ_ctx b is too small to divide
 * by (the WebAssembly kernel, assembly/icl.ts, does the same, operation for operation).
 */
function setLabels(kind: IclLabels, task: Task, xstar: Float64Array): void {
  const n = task.labels.length;
  const { target, labels } = task;
  if (kind === 'doc') {
    labels.set(target.subarray(0, n));
    return;
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += target[i];
  if (sum >= MIN_CONTEXT) for (let i = 0; i < n; i++) labels[i] = (n * target[i]) / sum - 1;
  else {
    scoreSoftmax(task.words, xstar, labels, n);
    for (let i = 0; i < n; i++) labels[i] = n * labels[i] - 1;
  }
}
