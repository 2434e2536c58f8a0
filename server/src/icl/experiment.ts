/**
 * Runs the in-context-learning experiment of paper 1 as reconstructed in math spec §3.7 (its correction or its first
 * reconstruction, by the settings labels, readout and eps): per repeat, choose the one-step-GD step size η on training
 * tasks, fix held-out tasks, then train the softmax self-attention layer with Adam on fresh tasks and compare the two
 * models on the held-out tasks every `every` steps (Loss, Preds Diff, Model Diff, Model Cos), each loss also as a ratio
 * to the uniform prediction's on the same tasks. The baselines are one GD step and its linearisation in η (η_lin fitted
 * on the same tasks as η). Deterministic: repeat r draws every random number from seed + r, one stream per purpose.
 */
import type { IclCheckpoint, IclRepeat, IclRepeatStart, IclResult, IclSettings, IclStopReason } from '../../../protocol/experiment';
import { summarizeRepeats } from '../../../common/stats';
import { hashName, Rng } from '../math/random';
import { Adam } from './adam';
import { AttentionLayer } from './attentionLayer';
import { chooseEta, directionScores, etaGrid, fitLinearEta, gdDirection, gdPrediction, linearFeature } from './oneStepGd';
import { TaskSampler, type Task } from './tasks';
import { trainingLayer, trainStep } from './training';

export interface IclHooks {
  /** A repeat chose its η and measured its baselines; its checkpoints follow. */
  onRepeatStart(start: IclRepeatStart): void;
  /** One evaluation of the held-out metrics (step 0, every `every` steps, and the last step). */
  onCheckpoint(repeat: number, checkpoint: IclCheckpoint): void;
  /** Polled once per Adam step (and between η evaluations); true stops the run, keeping what ran. */
  cancelled(): boolean;
  /** Called before every Adam step, before the cancel poll (the threads' share may wait here for its turn). */
  beforeStep?(): void;
}

export type IclRun = Omit<IclResult, 'runId' | 'source'>;

/** Added to the sensitivity norms in Model Cos, as von Oswald et al. do, so a zero sensitivity gives cos 0. */
const COS_EPS = 1e-8;

class Stop {
  constructor(
    readonly reason: IclStopReason,
    readonly message?: string,
  ) {}
}

/**
 * `only`: the repeats to run, in order (a worker's share when repeats run on several threads: an iterable, so a thread
 * can claim each when it is free); all of them by default.
 */
export function runIclExperiment(settings: IclSettings, hooks: IclHooks, only?: Iterable<number>): IclRun {
  const started = Date.now();
  const repeats: IclRepeat[] = [];
  let stop: Stop | undefined;
  for (const r of only ?? Array.from({ length: settings.repeats }, (_, i) => i)) {
    try {
      runRepeat(settings, r, hooks, repeats);
    } catch (e) {
      if (!(e instanceof Stop)) throw e;
      // Stop before the loop claims another repeat (a thread's share hands them out one by one).
      stop = e;
      break;
    }
  }
  return {
    settings,
    repeats,
    summary: summarizeRepeats(repeats),
    stopReason: stop?.reason ?? 'done',
    ...(stop?.message ? { message: stop.message } : {}),
    elapsedMs: Date.now() - started,
  };
}

/** The held-out tasks with the GD model's predictions and sensitivities on them (fixed for the whole repeat). */
export interface HeldOut {
  tasks: Task[];
  gdPrediction: Float64Array;
  /** tasks × d, row-major. */
  gdSensitivity: Float64Array;
  /** The uniform prediction's loss on these tasks, the unit of the checkpoints' tfRatio. */
  zeroLoss: number;
}

const stream = (seed: number, purpose: string) => new Rng(seed, hashName(`icl.${purpose}`));

function runRepeat(s: IclSettings, r: number, hooks: IclHooks, repeats: IclRepeat[]): void {
  const checkCancel = () => {
    if (hooks.cancelled()) throw new Stop('cancelled');
  };
  const { start, heldOut } = repeatBaselines(s, r, checkCancel);
  const repeat: IclRepeat = { ...start, checkpoints: [] };
  repeats.push(repeat);
  hooks.onRepeatStart(start);

  const { layer, batches } = trainingLayer(s, stream(start.seed, 'train'));
  layer.init(stream(start.seed, 'init'));
  const adam = new Adam(layer.params.length, s.lr, s.beta1, s.beta2, s.eps);
  const grad = new Float64Array(layer.params.length);
  const checkpoint = (step: number, trainLoss?: number) => {
    const c = evaluate(layer, heldOut, s.d, step, trainLoss);
    repeat.checkpoints.push(c);
    hooks.onCheckpoint(r, c);
  };
  checkpoint(0);
  let lossSum = 0;
  let since = 0;
  for (let step = 1; step <= s.steps; step++) {
    hooks.beforeStep?.();
    checkCancel();
    const batchLoss = trainStep(batches, s.batch, layer, adam, grad);
    if (!Number.isFinite(batchLoss))
      throw new Stop('nonFinite', `Repeat ${r + 1}, Adam step ${step}: the training loss is ${batchLoss}; lower lr`);
    lossSum += batchLoss;
    since++;
    if (step % s.every === 0 || step === s.steps) {
      checkpoint(step, lossSum / since);
      lossSum = 0;
      since = 0;
    }
  }
}

/**
 * What repeat r fixes before training: η and η_lin chosen on its η tasks, its held-out tasks, and the baselines on
 * them (one GD step, its linearisation, the uniform prediction). `checkCancel` is polled while the tasks are drawn.
 */
export function repeatBaselines(
  s: IclSettings,
  r: number,
  checkCancel: () => void = () => {},
): { start: IclRepeatStart; heldOut: HeldOut } {
  const seed = s.seed + r;
  // η on its own training tasks (math spec §3.7 step 3), so the held-out comparison is not tuned on itself.
  const etaSampler = new TaskSampler(s, stream(seed, 'eta'));
  const scores: Float64Array[] = [];
  const targets: number[] = [];
  for (let t = 0; t < s.etatasks; t++) {
    const task = etaSampler.next(etaSampler.newTask());
    scores.push(directionScores(task, gdDirection(task, s.n, s.d)));
    targets.push(task.target[s.n]);
    if (t % 256 === 255) checkCancel();
  }
  const grid = etaGrid(s.etamin, s.etamax, s.etacount);
  const { index } = chooseEta(grid, scores, targets);
  const eta = grid[index];
  const linEta = fitLinearEta(scores.map(linearFeature), targets, s.n);
  checkCancel();

  const evalSampler = new TaskSampler(s, stream(seed, 'eval'));
  const uniform = 1 / (s.n + 1);
  const heldOut: HeldOut = {
    tasks: [],
    gdPrediction: new Float64Array(s.tasks),
    gdSensitivity: new Float64Array(s.tasks * s.d),
    zeroLoss: 0,
  };
  let gdLoss = 0;
  let linGdLoss = 0;
  let zeroLoss = 0;
  let zeroPredsDiff = 0;
  let zeroModelDiff = 0;
  for (let t = 0; t < s.tasks; t++) {
    const task = evalSampler.next(evalSampler.newTask());
    heldOut.tasks.push(task);
    const direction = gdDirection(task, s.n, s.d);
    const z = directionScores(task, direction);
    const y = gdPrediction(z, eta);
    heldOut.gdPrediction[t] = y;
    // ∂ŷ/∂a_q of ŷ = softmax(Z·x₁)_q is ŷ(1 − ŷ)·x₁ with x₁ = η·direction.
    let norm = 0;
    for (let j = 0; j < s.d; j++) {
      const g = (heldOut.gdSensitivity[t * s.d + j] = y * (1 - y) * eta * direction[j]);
      norm += g * g;
    }
    const target = task.target[s.n];
    gdLoss += 0.5 * (y - target) ** 2;
    linGdLoss += 0.5 * (uniform + linEta * linearFeature(z) - target) ** 2;
    zeroLoss += 0.5 * (uniform - target) ** 2;
    zeroPredsDiff += Math.abs(uniform - y);
    zeroModelDiff += Math.sqrt(norm);
  }
  heldOut.zeroLoss = zeroLoss / s.tasks;
  const start: IclRepeatStart = {
    repeat: r,
    seed,
    eta,
    etaAtEdge: s.etacount > 1 && (index === 0 || index === grid.length - 1),
    gdLoss: gdLoss / s.tasks,
    zeroLoss: heldOut.zeroLoss,
    linEta,
    linGdLoss: linGdLoss / s.tasks,
    gdRatio: gdLoss / zeroLoss,
    linGdRatio: linGdLoss / zeroLoss,
    zeroPredsDiff: zeroPredsDiff / s.tasks,
    zeroModelDiff: zeroModelDiff / s.tasks,
  };
  return { start, heldOut };
}

/** The layer's held-out metrics at `step` (IclCheckpoint). */
export function evaluate(layer: AttentionLayer, heldOut: HeldOut, d: number, step: number, trainLoss?: number): IclCheckpoint {
  // The caller may have set the weights directly.
  layer.prepare();
  const sens = new Float64Array(d);
  let loss = 0;
  let predsDiff = 0;
  let modelDiff = 0;
  let modelCos = 0;
  const n = heldOut.tasks.length;
  heldOut.tasks.forEach((task, t) => {
    const y = layer.forward(task);
    layer.sensitivity(sens);
    loss += 0.5 * (y - task.target[task.target.length - 1]) ** 2;
    predsDiff += Math.abs(y - heldOut.gdPrediction[t]);
    let diff = 0;
    let dotTG = 0;
    let normT = 0;
    let normG = 0;
    for (let j = 0; j < d; j++) {
      const g = heldOut.gdSensitivity[t * d + j];
      diff += (sens[j] - g) ** 2;
      dotTG += sens[j] * g;
      normT += sens[j] * sens[j];
      normG += g * g;
    }
    modelDiff += Math.sqrt(diff);
    modelCos += dotTG / ((Math.sqrt(normT) + COS_EPS) * (Math.sqrt(normG) + COS_EPS));
  });
  const c: IclCheckpoint = {
    step,
    tfLoss: loss / n,
    predsDiff: predsDiff / n,
    modelDiff: modelDiff / n,
    modelCos: modelCos / n,
    tfRatio: loss / n / heldOut.zeroLoss,
  };
  if (trainLoss !== undefined) c.trainLoss = trainLoss;
  return c;
}
