/**
 * The in-context-learning experiment (server/src/icl) against independent oracles: the closed form of the one-step GD
 * update (math spec §3.7), central finite differences of the attention layer's gradient and query sensitivity and of
 * the GD model's sensitivity, Adam's first step (lr·sign(g)), a naive softmax of the planted target, and the
 * mean ± std written out here. Then the runner: determinism, cancellation, η at the grid's edge, and that training
 * lowers the held-out loss.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IclSettings } from '../../protocol/experiment';
import { Adam } from '../../server/src/icl/adam';
import { AttentionLayer } from '../../server/src/icl/attentionLayer';
import { summarize } from '../../common/stats';
import { runIclExperiment, type IclHooks } from '../../server/src/icl/experiment';
import { chooseEta, directionScores, etaGrid, gdDirection, gdPrediction } from '../../server/src/icl/oneStepGd';
import { TaskSampler, type Task } from '../../server/src/icl/tasks';
import { Rng } from '../../server/src/math/random';
import { iclSettings } from '../iclSettings';

const small = (over: Partial<IclSettings> = {}): IclSettings =>
  iclSettings({
    ...{ n: 6, d: 4, seed: 3, k: 5, lr: 0.01, beta2: 0.98, eps: 1e-12, batch: 32, steps: 40, every: 10 },
    ...{ tasks: 50, etatasks: 50, etamax: 1000, etacount: 40 },
    ...over,
  });

const quiet: IclHooks = { onRepeatStart: () => {}, onCheckpoint: () => {}, cancelled: () => false };

function sampleTask(s: IclSettings, seed: number): Task {
  const sampler = new TaskSampler(s, new Rng(seed, 7));
  return sampler.next(sampler.newTask());
}

test('tasks: the target is the softmax of the words times a hidden x*, so it sums to 1 and is realisable', () => {
  const s = small({ n: 5, d: 3 });
  const task = sampleTask(s, 1);
  assert.equal(task.words.rows, 6);
  const sum = task.target.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 1e-14, `sum ${sum}`);
  // log p_i − log p_j = (a_i − a_j)·x*: recover x* from d+1 words by least squares on differences and check the rest.
  const w = task.words.data;
  const logit = (i: number) => Math.log(task.target[i]) - Math.log(task.target[0]);
  // Three difference rows a_i − a_0 (i = 1..3) determine x* in R^3.
  const M = [1, 2, 3].map((i) => [0, 1, 2].map((j) => w[i * 3 + j] - w[j]));
  const rhs = [1, 2, 3].map(logit);
  const det = (m: number[][]) =>
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
    m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
    m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  const D = det(M);
  const x = [0, 1, 2].map((c) => det(M.map((row, r) => row.map((v, j) => (j === c ? rhs[r] : v)))) / D);
  for (const i of [4, 5]) {
    const predicted = [0, 1, 2].reduce((a, j) => a + (w[i * 3 + j] - w[j]) * x[j], 0);
    assert.ok(Math.abs(predicted - logit(i)) < 1e-8, `word ${i}: ${predicted} vs ${logit(i)}`);
  }
});

test('tasks: word entries have the requested mean and scale, uniform words stay in range', () => {
  const s = small({ n: 50, d: 10, words: { kind: 'normal', scale: 0.3, mean: 0.2 } });
  const sampler = new TaskSampler(s, new Rng(5, 1));
  const task = sampler.newTask();
  let sum = 0;
  let sq = 0;
  let count = 0;
  for (let t = 0; t < 200; t++) {
    for (const v of sampler.next(task).words.data) {
      sum += v;
      sq += v * v;
      count++;
    }
  }
  const mean = sum / count;
  const std = Math.sqrt(sq / count - mean * mean);
  assert.ok(Math.abs(mean - 0.2) < 0.005, `mean ${mean}`);
  assert.ok(Math.abs(std - 0.3) < 0.005, `std ${std}`);
  const uniform = new TaskSampler(small({ words: { kind: 'uniform', low: -2, high: -1 } }), new Rng(5, 2));
  const u = uniform.next(uniform.newTask()).words.data;
  assert.ok(u.every((v) => v >= -2 && v < -1));
  assert.ok(Math.max(...u) - Math.min(...u) > 0.3, 'uniform draws spread over the interval');
});

test('one-step GD: the solver objective’s step equals the closed form x₁ = (η/n)·Σ(b̂_i − 1/n)·a_i', () => {
  const s = small({ n: 7, d: 5 });
  const task = sampleTask(s, 2);
  const direction = gdDirection(task, s.n, s.d);
  const ctxSum = task.target.slice(0, s.n).reduce((a, b) => a + b, 0);
  for (let j = 0; j < s.d; j++) {
    let closed = 0;
    for (let i = 0; i < s.n; i++) closed += (task.target[i] / ctxSum - 1 / s.n) * task.words.data[i * s.d + j];
    closed /= s.n;
    assert.ok(Math.abs(direction[j] - closed) < 1e-15, `entry ${j}: ${direction[j]} vs ${closed}`);
  }
});

test('one-step GD: the prediction is the query’s softmax share and its sensitivity ŷ(1 − ŷ)·x₁ matches finite differences', () => {
  const s = small({ n: 6, d: 4 });
  const task = sampleTask(s, 3);
  const eta = 37;
  const direction = gdDirection(task, s.n, s.d);
  const y = gdPrediction(directionScores(task, direction), eta);
  const naive = (t: Task) => {
    const e = Array.from({ length: s.n + 1 }, (_, i) =>
      Math.exp(eta * [0, 1, 2, 3].reduce((a, j) => a + t.words.data[i * 4 + j] * direction[j], 0)),
    );
    return e[s.n] / e.reduce((a, b) => a + b, 0);
  };
  assert.ok(Math.abs(y - naive(task)) < 1e-14);
  const h = 1e-6;
  for (let j = 0; j < s.d; j++) {
    const plus = structuredClone(task);
    const minus = structuredClone(task);
    plus.words.data[s.n * 4 + j] += h;
    minus.words.data[s.n * 4 + j] -= h;
    const fd = (naive(plus) - naive(minus)) / (2 * h);
    const analytic = y * (1 - y) * eta * direction[j];
    assert.ok(Math.abs(fd - analytic) < 1e-7 * Math.max(1, Math.abs(fd)), `a_q[${j}]: ${analytic} vs ${fd}`);
  }
});

test('η grid: log-spaced from etamin to etamax; chooseEta returns the grid loss minimiser', () => {
  const grid = etaGrid(0.01, 100, 5);
  assert.deepEqual(
    grid.map((x) => Number(x.toPrecision(12))),
    [0.01, 0.1, 1, 10, 100],
  );
  assert.deepEqual(etaGrid(3, 3, 1), [3]);
  const s = small();
  const tasks = [1, 2, 3, 4, 5].map((seed) => sampleTask(s, seed));
  const scores = tasks.map((t) => directionScores(t, gdDirection(t, s.n, s.d)));
  const targets = tasks.map((t) => t.target[s.n]);
  const fine = etaGrid(0.01, 1000, 60);
  const { index, losses } = chooseEta(fine, scores, targets);
  // Each loss recomputed here from the predictions.
  fine.forEach((eta, i) => {
    const direct = scores.reduce((a, z, t) => a + 0.5 * (gdPrediction(z, eta) - targets[t]) ** 2, 0) / scores.length;
    assert.ok(Math.abs(direct - losses[i]) < 1e-18);
  });
  assert.ok(losses.every((l) => l >= losses[index]));
});

/** Central differences of f at x along every coordinate of `params` (which f reads). */
function fdGradient(params: Float64Array, f: () => number, h = 1e-6): Float64Array {
  const g = new Float64Array(params.length);
  for (let i = 0; i < params.length; i++) {
    const keep = params[i];
    params[i] = keep + h;
    const up = f();
    params[i] = keep - h;
    const down = f();
    params[i] = keep;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

for (const [heads, labels, readout] of [
  [1, 'doc', 'plain'],
  [3, 'doc', 'plain'],
  [1, 'centered', 'offset'],
  [3, 'centered', 'offset'],
  [2, 'doc', 'offset'],
  [2, 'centered', 'plain'],
] as const) {
  test(`attention layer (${heads} head${heads > 1 ? 's' : ''}, ${labels} labels, ${readout} read-out): parameter gradient and query sensitivity match finite differences`, () => {
    const s = small({ n: 5, d: 3, heads, k: 4, labels, readout });
    const layer = new AttentionLayer(s.n, s.d, heads, s.k, readout);
    // Larger weights than the 0.002 initialiser, so the softmax is far from uniform and every term matters.
    const rng = new Rng(11, 3);
    for (let i = 0; i < layer.params.length; i++) layer.params[i] = 0.8 * rng.normal();
    const task = sampleTask(s, 4);
    const gy = 1.7;
    const grad = new Float64Array(layer.params.length);
    // Two tasks accumulated into one gradient, as a training batch does: gy on this task, −0.6 on another.
    const other = sampleTask(s, 5);
    const gOther = -0.6;
    layer.prepare();
    layer.forward(task);
    layer.accumulate(gy);
    layer.forward(other);
    layer.accumulate(gOther);
    layer.gradient(grad);
    const fd = fdGradient(layer.params, () => {
      layer.prepare();
      return gy * layer.forward(task) + gOther * layer.forward(other);
    });
    let nonzero = 0;
    for (let i = 0; i < grad.length; i++) {
      assert.ok(Math.abs(grad[i] - fd[i]) < 1e-7 * Math.max(1, Math.abs(fd[i])), `param ${i}: ${grad[i]} vs ${fd[i]}`);
      if (Math.abs(fd[i]) > 1e-6) nonzero++;
    }
    // WQ, WK, WV and WP's last column all carry gradient: (3·D·k + k)·heads entries, with D = d + 1.
    assert.ok(nonzero >= 0.9 * (3 * 4 * 4 + 4) * heads, `only ${nonzero} entries with gradient`);
    // gradient() starts the next batch from zero.
    layer.gradient(grad);
    assert.ok(
      grad.every((g) => g === 0),
      'a second gradient() with nothing accumulated is zero',
    );
    const sens = new Float64Array(s.d);
    layer.prepare();
    layer.forward(task);
    layer.sensitivity(sens);
    const query = task.words.data.subarray(s.n * s.d, (s.n + 1) * s.d);
    const fdSens = fdGradient(query, () => layer.forward(task));
    for (let j = 0; j < s.d; j++)
      assert.ok(Math.abs(sens[j] - fdSens[j]) < 1e-7 * Math.max(1, Math.abs(fdSens[j])), `a_q[${j}]: ${sens[j]} vs ${fdSens[j]}`);
  });
}

test('attention layer: the initialiser draws truncated normals with std √(0.002/fan_in)', () => {
  const layer = new AttentionLayer(10, 20, 2, 21);
  layer.init(new Rng(1, 1));
  const D = 21;
  const qkv = layer.params.subarray(0, 2 * 3 * D * 21);
  const bound = (2 * Math.sqrt(0.002 / D)) / 0.8796256610342398;
  assert.ok(qkv.every((v) => Math.abs(v) <= bound + 1e-15));
  const std = Math.sqrt(qkv.reduce((a, v) => a + v * v, 0) / qkv.length);
  assert.ok(Math.abs(std / Math.sqrt(0.002 / D) - 1) < 0.05, `std ratio ${std / Math.sqrt(0.002 / D)}`);
});

test('Adam: the first step moves every parameter by lr·sign(g) (bias correction), then follows the moment recursions', () => {
  const params = Float64Array.from([1, -2, 0.5]);
  const adam = new Adam(3, 0.1, 0.9, 0.98);
  adam.step(params, Float64Array.from([3, -0.5, 20]));
  assert.deepEqual(
    Array.from(params).map((v) => Number(v.toFixed(6))),
    [0.9, -1.9, 0.4],
  );
  const afterFirst = params[0];
  adam.step(params, Float64Array.from([1, 1, 1]));
  // Written out: m = 0.9·m + 0.1·g, v = 0.98·v + 0.02·g², step lr·(m/0.19)/(√(v/0.0396) + 1e-8).
  const m = 0.9 * 0.3 + 0.1;
  const v = 0.98 * 0.02 * 9 + 0.02;
  const expected = afterFirst - (0.1 * (m / (1 - 0.81))) / (Math.sqrt(v / (1 - 0.98 ** 2)) + 1e-8);
  assert.ok(Math.abs(params[0] - expected) < 1e-12);
});

test('summary: mean and population std over the repeats that reached each step', () => {
  const cp = (step: number, tfLoss: number) => ({
    step,
    tfLoss,
    predsDiff: tfLoss * 2,
    modelDiff: 1,
    modelCos: tfLoss > 2 ? 1 : -1,
    tfRatio: tfLoss / 5,
  });
  const start = (repeat: number, gdLoss: number) => ({
    repeat,
    seed: repeat,
    eta: 1,
    etaAtEdge: false,
    gdLoss,
    zeroLoss: 5,
    linEta: 1,
    linGdLoss: gdLoss,
    gdRatio: gdLoss / 5,
    linGdRatio: gdLoss / 5,
    zeroPredsDiff: 1,
    zeroModelDiff: 1,
  });
  const [first, last] = summarize([
    { start: start(0, 1), checkpoints: [cp(0, 1), cp(10, 4)] },
    { start: start(1, 3), checkpoints: [cp(0, 3)] },
  ]);
  const { step, count, tfLoss, gdLoss, predsDiff, modelDiff, modelCos } = first;
  assert.deepEqual(
    { step, count, tfLoss, gdLoss, predsDiff, modelDiff, modelCos },
    {
      step: 0,
      count: 2,
      tfLoss: { mean: 2, std: 1 },
      gdLoss: { mean: 2, std: 1 },
      predsDiff: { mean: 4, std: 2 },
      modelDiff: { mean: 1, std: 0 },
      modelCos: { mean: 0, std: 1 },
    },
  );
  assert.equal(last.step, 10);
  assert.equal(last.count, 1);
  assert.deepEqual(last.tfLoss, { mean: 4, std: 0 });
});

test('experiment: checkpoints at 0, every, …, steps; streamed as returned; the same seed gives the same numbers', () => {
  const s = small({ steps: 25, every: 10 });
  const streamed: { repeat: number; step: number }[] = [];
  const starts: number[] = [];
  const run = runIclExperiment(s, {
    onRepeatStart: (st) => starts.push(st.repeat),
    onCheckpoint: (r, c) => streamed.push({ repeat: r, step: c.step }),
    cancelled: () => false,
  });
  assert.equal(run.stopReason, 'done');
  assert.deepEqual(starts, [0, 1]);
  assert.deepEqual(
    run.repeats.map((r) => r.checkpoints.map((c) => c.step)),
    [
      [0, 10, 20, 25],
      [0, 10, 20, 25],
    ],
  );
  assert.deepEqual(
    streamed,
    run.repeats.flatMap((r) => r.checkpoints.map((c) => ({ repeat: r.repeat, step: c.step }))),
  );
  assert.equal(run.repeats[0].checkpoints[0].trainLoss, undefined);
  assert.ok(run.repeats[0].checkpoints.slice(1).every((c) => c.trainLoss! > 0));
  assert.deepEqual(
    run.repeats.map((r) => r.seed),
    [3, 4],
  );
  const again = runIclExperiment(s, quiet);
  assert.deepEqual(again.repeats, run.repeats);
  // A different repeat seed draws different tasks.
  assert.notEqual(run.repeats[0].gdLoss, run.repeats[1].gdLoss);
  // The summary over two repeats, written out: the mean (a + b)/2 and the population std |a − b|/2 of each metric.
  assert.deepEqual(
    run.summary.map((p) => [p.step, p.count]),
    [
      [0, 2],
      [10, 2],
      [20, 2],
      [25, 2],
    ],
  );
  const [r0, r1] = run.repeats;
  const close = (got: { mean: number; std: number }, a: number, b: number, what: string) => {
    assert.ok(Math.abs(got.mean - (a + b) / 2) <= 1e-15 * Math.abs(a + b), `${what} mean ${got.mean} vs ${(a + b) / 2}`);
    assert.ok(
      Math.abs(got.std - Math.abs(a - b) / 2) <= 1e-12 * (Math.abs(a) + Math.abs(b)),
      `${what} std ${got.std} vs ${Math.abs(a - b) / 2}`,
    );
  };
  run.summary.forEach((p, i) => {
    const [c0, c1] = [r0.checkpoints[i], r1.checkpoints[i]];
    close(p.tfLoss, c0.tfLoss, c1.tfLoss, `tfLoss at ${p.step}`);
    close(p.predsDiff, c0.predsDiff, c1.predsDiff, `predsDiff at ${p.step}`);
    close(p.modelDiff, c0.modelDiff, c1.modelDiff, `modelDiff at ${p.step}`);
    close(p.modelCos, c0.modelCos, c1.modelCos, `modelCos at ${p.step}`);
    close(p.gdLoss, r0.gdLoss, r1.gdLoss, `gdLoss at ${p.step}`);
  });
});

test('experiment: training lowers the held-out loss and aligns the layer’s sensitivity with the GD step', () => {
  const run = runIclExperiment(small({ n: 10, d: 5, k: 6, batch: 64, steps: 300, every: 100, repeats: 1, lr: 0.01, tasks: 200 }), quiet);
  const [first, , , last] = run.repeats[0].checkpoints;
  assert.ok(last.tfLoss < 0.8 * first.tfLoss, `loss ${first.tfLoss} → ${last.tfLoss}`);
  assert.ok(last.modelCos > first.modelCos + 0.2, `cos ${first.modelCos} → ${last.modelCos}`);
  const start = run.repeats[0];
  // One GD step beats predicting the uniform share, and η was found inside the grid.
  assert.ok(start.gdLoss < start.zeroLoss, `${start.gdLoss} vs ${start.zeroLoss}`);
  assert.equal(start.etaAtEdge, false);
});

test('experiment: a grid that stops short of the best η is flagged at its edge', () => {
  const run = runIclExperiment(small({ etamin: 0.001, etamax: 0.01, etacount: 5, steps: 0, repeats: 1 }), quiet);
  assert.equal(run.repeats[0].etaAtEdge, true);
  assert.equal(run.repeats[0].eta, 0.01);
  assert.deepEqual(
    run.repeats[0].checkpoints.map((c) => c.step),
    [0],
  );
});

test('experiment: cancelling keeps the checkpoints so far and stops within one Adam step', () => {
  let steps = 0;
  const run = runIclExperiment(small({ steps: 1000, every: 5 }), {
    onRepeatStart: () => {},
    onCheckpoint: (_r, c) => {
      steps = c.step;
    },
    cancelled: () => steps >= 15,
  });
  assert.equal(run.stopReason, 'cancelled');
  assert.equal(run.repeats.length, 1);
  assert.deepEqual(
    run.repeats[0].checkpoints.map((c) => c.step),
    [0, 5, 10, 15],
  );
  assert.equal(run.summary.length, 4);
});

test('experiment: a diverging Adam run stops as nonFinite with the repeat and step named', () => {
  const run = runIclExperiment(small({ lr: 1e300, steps: 50, repeats: 1 }), quiet);
  assert.equal(run.stopReason, 'nonFinite');
  assert.match(run.message!, /Repeat 1, Adam step \d+: the training loss is (NaN|Infinity)/);
});
