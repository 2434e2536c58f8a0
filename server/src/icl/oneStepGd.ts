/**
 * The one-step gradient-descent model of the experiment (math spec §3.7, step 3): on a task's context, one GD step on
 * L_ctx(x) = 0.5‖softmax(A_ctx·x) − b̂‖² from x₀ = 0 with b̂ = b_ctx/Σb_ctx, then the query prediction
 * ŷ = softmax([A_ctx; a_q]·x₁)_q and its sensitivity ∂ŷ/∂a_q = ŷ(1 − ŷ)·x₁. The gradient comes from the solver's own
 * softmax objective; tests check it against the closed form x₁ = (η/n)·Σ(b̂_i − 1/n)·a_i.
 * Also its linearisation in η (math spec §3.7, correction), what the trained layer turns out to learn:
 * ŷ_lin = (1 + η_lin·(z_q − z̄))/(n+1), with z_i = a_i·x₁/η over all n+1 words and z̄ their mean.
 */
import { SoftmaxObjective } from '../math/softmaxVector';
import type { Task } from './tasks';

/** −∇L_ctx(0): the direction of the step, x₁ = η·direction. */
export function gdDirection(task: Task, n: number, d: number): Float64Array {
  const context = { rows: n, cols: d, data: task.words.data.subarray(0, n * d) };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += task.target[i];
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) b[i] = task.target[i] / sum;
  const objective = new SoftmaxObjective({ kind: 'softmax', variant: 'normalized', n, d, reg: 0, A: context, b, x0: new Float64Array(d) });
  const g = new Float64Array(d);
  objective.lossGrad(new Float64Array(d), g);
  for (let j = 0; j < d; j++) g[j] = -g[j];
  return g;
}

/** Scores z_i = a_i·direction of every word (context and query), so that predictions for any η cost O(n). */
export function directionScores(task: Task, direction: Float64Array): Float64Array {
  const { rows, cols, data } = task.words;
  const z = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += data[i * cols + j] * direction[j];
    z[i] = s;
  }
  return z;
}

/** ŷ = softmax(η·z)_q, the query's share, computed stably. */
export function gdPrediction(z: Float64Array, eta: number): number {
  let max = -Infinity;
  for (let i = 0; i < z.length; i++) max = Math.max(max, eta * z[i]);
  let sum = 0;
  for (let i = 0; i < z.length; i++) sum += Math.exp(eta * z[i] - max);
  return Math.exp(eta * z[z.length - 1] - max) / sum;
}

/** The η grid: `count` values evenly spaced in log scale from min to max (just min when count is 1). */
export function etaGrid(min: number, max: number, count: number): number[] {
  if (count === 1) return [min];
  const step = Math.log(max / min) / (count - 1);
  return Array.from({ length: count }, (_, i) => (i === count - 1 ? max : min * Math.exp(step * i)));
}

/**
 * The η of the grid with the smallest 0.5·mean (ŷ − y)² over the tasks (ties: the smaller η), and that loss per η.
 * `scores[t]` are directionScores of task t, `targets[t]` its y.
 */
export function chooseEta(grid: number[], scores: Float64Array[], targets: number[]): { index: number; losses: number[] } {
  const losses = grid.map((eta) => {
    let sum = 0;
    for (let t = 0; t < scores.length; t++) {
      const r = gdPrediction(scores[t], eta) - targets[t];
      sum += 0.5 * r * r;
    }
    return sum / scores.length;
  });
  let index = 0;
  for (let i = 1; i < losses.length; i++) if (losses[i] < losses[index]) index = i;
  return { index, losses };
}

/** (z_q − z̄)/(n+1), the regressor of the linearised step: ŷ_lin = 1/(n+1) + η_lin·linearFeature(z). */
export function linearFeature(z: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < z.length; i++) sum += z[i];
  return (z[z.length - 1] - sum / z.length) / z.length;
}

/**
 * The η_lin minimising Σ_t (1/(n+1) + η·f_t − y_t)², in closed form: Σ f_t·(y_t − 1/(n+1)) / Σ f_t², with
 * f_t = linearFeature of task t (0 when every f_t is 0: no direction to step along).
 */
export function fitLinearEta(features: readonly number[], targets: readonly number[], n: number): number {
  let fy = 0;
  let ff = 0;
  for (let t = 0; t < features.length; t++) {
    fy += features[t] * (targets[t] - 1 / (n + 1));
    ff += features[t] * features[t];
  }
  return ff > 0 ? fy / ff : 0;
}
