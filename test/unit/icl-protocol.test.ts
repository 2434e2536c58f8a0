/**
 * The corrected protocol of the in-context-learning experiment (math spec §3.7, correction): the leak the document-level
 * labels carry and the centred labels that remove it, the linearised one-step GD and its closed-form η_lin against a
 * brute-force fit and against the derivative of the GD prediction, the reference values of the uniform prediction, a
 * hand-built two-head layer that implements linearised GD, Adam's ε, and the two protocols side by side on a small run.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IclSettings } from '../../protocol/experiment';
import { Adam } from '../../server/src/icl/adam';
import { AttentionLayer } from '../../server/src/icl/attentionLayer';
import { evaluate, repeatBaselines, runIclExperiment, type IclHooks } from '../../server/src/icl/experiment';
import { directionScores, fitLinearEta, gdDirection, gdPrediction, linearFeature } from '../../server/src/icl/oneStepGd';
import { TaskSampler } from '../../server/src/icl/tasks';
import { Rng } from '../../server/src/math/random';
import { iclSettings } from '../iclSettings';

/** The corrected protocol at the paper's sizes (n = 25, d = 20), with small task counts. */
const corrected = (over: Partial<IclSettings> = {}): IclSettings =>
  iclSettings({
    ...{ n: 25, d: 20, seed: 0, words: { kind: 'normal', scale: 1 / Math.sqrt(20), mean: 0 }, heads: 2, k: 21 },
    ...{ beta2: 0.98, eps: 1e-12, batch: 64, steps: 0, every: 100, repeats: 1 },
    ...{ tasks: 1000, etatasks: 1000, etamin: 0.001, etamax: 10000, etacount: 200 },
    ...over,
  });

const quiet: IclHooks = { onRepeatStart: () => {}, onCheckpoint: () => {}, cancelled: () => false };

test('labels = doc leak the query target: 1 − Σ_ctx b reproduces y to rounding; centred labels sum to 0 and are b̂ rescaled', () => {
  const doc = new TaskSampler(corrected({ labels: 'doc' }), new Rng(9, 1));
  const centred = new TaskSampler(corrected({ labels: 'centered' }), new Rng(9, 1));
  const a = doc.newTask();
  const b = centred.newTask();
  const n = 25;
  for (let t = 0; t < 200; t++) {
    doc.next(a);
    centred.next(b);
    // The labels draw no random numbers, so both samplers see the same words and targets.
    assert.deepEqual(b.target, a.target);
    const y = a.target[n];
    const docSum = a.labels.reduce((s, v) => s + v, 0);
    assert.ok(Math.abs(1 - docSum - y) <= n * Number.EPSILON, `task ${t}: 1 − Σb = ${1 - docSum}, y = ${y}`);
    assert.ok(Math.abs(b.labels.reduce((s, v) => s + v, 0)) < 1e-12);
    for (let i = 0; i < n; i++) assert.ok(Math.abs(b.labels[i] - ((n * a.labels[i]) / docSum - 1)) < 1e-13);
  }
});

test('linearised GD: the feature is the derivative of the GD prediction at η = 0, and η_lin is the least-squares slope', () => {
  const s = corrected({ n: 8, d: 4, words: { kind: 'normal', scale: 0.5, mean: 0 } });
  const sampler = new TaskSampler(s, new Rng(4, 2));
  const z: Float64Array[] = [];
  const y: number[] = [];
  for (let t = 0; t < 300; t++) {
    const task = sampler.next(sampler.newTask());
    z.push(directionScores(task, gdDirection(task, s.n, s.d)));
    y.push(task.target[s.n]);
  }
  // d/dη softmax(η·z)_q at η = 0 is (z_q − z̄)/(n+1), by central differences of the GD prediction itself.
  for (const zt of z.slice(0, 20)) {
    const h = 1e-4;
    const slope = (gdPrediction(zt, h) - gdPrediction(zt, -h)) / (2 * h);
    assert.ok(Math.abs(slope - linearFeature(zt)) < 1e-9 * Math.max(1e-3, Math.abs(slope)), `${slope} vs ${linearFeature(zt)}`);
    assert.ok(Math.abs(gdPrediction(zt, 0) - 1 / (s.n + 1)) < 1e-16);
  }
  const etaLin = fitLinearEta(z.map(linearFeature), y, s.n);
  // Brute force: the loss of ŷ = (1 + η(z_q − z̄))/(n+1), written out, on a grid of step 0.01 around the fit.
  const loss = (eta: number) =>
    z.reduce((sum, zt, t) => {
      const mean = zt.reduce((a, v) => a + v, 0) / zt.length;
      return sum + 0.5 * ((1 + eta * (zt[zt.length - 1] - mean)) / (s.n + 1) - y[t]) ** 2;
    }, 0) / z.length;
  let best = 0;
  for (let eta = 0; eta <= 4 * etaLin; eta += 0.01) if (loss(eta) < loss(best)) best = eta;
  assert.ok(etaLin > 1, `η_lin ${etaLin}`);
  assert.ok(Math.abs(best - etaLin) <= 0.01, `brute force ${best} vs closed form ${etaLin}`);
  assert.ok(loss(etaLin) <= loss(best) + 1e-18);
  assert.equal(fitLinearEta([0, 0], [0.1, 0.2], 3), 0, 'no direction: no step');
});

test('baselines: the ratios are the losses over the uniform loss, and a layer that predicts 1/(n+1) scores the uniform references', () => {
  const s = corrected({ n: 10, d: 5, k: 6, tasks: 300, etatasks: 300 });
  const { start, heldOut } = repeatBaselines(s, 0);
  assert.equal(start.gdRatio, start.gdLoss / start.zeroLoss);
  assert.equal(start.linGdRatio, start.linGdLoss / start.zeroLoss);
  // linGdLoss written out on the held-out tasks: ŷ_lin = (1 + η_lin(z_q − z̄))/(n+1), z over all n+1 words.
  const linLoss =
    heldOut.tasks.reduce((sum, task) => {
      const z = directionScores(task, gdDirection(task, s.n, s.d));
      const mean = z.reduce((a, v) => a + v, 0) / z.length;
      return sum + 0.5 * ((1 + start.linEta * (z[s.n] - mean)) / (s.n + 1) - task.target[s.n]) ** 2;
    }, 0) / heldOut.tasks.length;
  assert.ok(Math.abs(linLoss / start.linGdLoss - 1) < 1e-12, `${linLoss} vs ${start.linGdLoss}`);
  // One GD step and its linearisation both beat the uniform prediction here.
  assert.ok(start.gdRatio < 0.9 && start.linGdRatio < 0.9, `${start.gdRatio}, ${start.linGdRatio}`);
  assert.ok(start.zeroPredsDiff > 0 && start.zeroModelDiff > 0);
  // All-zero weights with the offset read-out predict exactly the uniform share, with sensitivity 0.
  const uniform = new AttentionLayer(s.n, s.d, s.heads, s.k, 'offset');
  const c = evaluate(uniform, heldOut, s.d, 0);
  assert.equal(c.tfRatio, 1);
  assert.ok(Math.abs(c.predsDiff - start.zeroPredsDiff) < 1e-15, `${c.predsDiff} vs ${start.zeroPredsDiff}`);
  assert.ok(Math.abs(c.modelDiff - start.zeroModelDiff) < 1e-15, `${c.modelDiff} vs ${start.zeroModelDiff}`);
  assert.equal(c.modelCos, 0);
});

test('a hand-built two-head layer (β = 0.25 and 0, label values −30 and +30) implements linearised GD under the corrected protocol', () => {
  const s = corrected();
  const { start, heldOut } = repeatBaselines(s, 0);
  const { n, d, k } = s;
  const D = d + 1;
  const layer = new AttentionLayer(n, d, 2, k, s.readout);
  const w = layer.params;
  for (const [h, beta, value] of [
    [0, 0.25, -30],
    [1, 0, 30],
  ]) {
    const oQ = h * 3 * D * k;
    const oK = oQ + D * k;
    const oV = oK + D * k;
    for (let r = 0; r < d; r++) {
      w[oQ + r * k + r] = 1; // q = a_q
      w[oK + r * k + r] = beta * Math.sqrt(k); // score_i = β·a_i·a_q
    }
    w[oV + d * k] = value; // the value is the label, times `value`
    w[2 * 3 * D * k + h * k * D + D - 1] = 1; // WP copies it into the query's last coordinate
  }
  const c = evaluate(layer, heldOut, d, 0);
  // η_lin/(n·β) ≈ 30 is what the first-order expansion of the softmax asks for.
  assert.ok(Math.abs(start.linEta / (n * 0.25) - 30) < 3, `η_lin ${start.linEta}`);
  assert.ok(c.modelCos > 0.99, `Model Cos ${c.modelCos}`);
  assert.ok(Math.abs(c.tfLoss / start.linGdLoss - 1) < 0.05, `layer ${c.tfLoss} vs linearised GD ${start.linGdLoss}`);
  assert.ok(c.tfRatio < 0.8, `ratio ${c.tfRatio}`);
});

test('Adam ε: with ε = 1e-8 a gradient of 5e-11 (WQ, WK at initialisation) barely moves; with 1e-12 it takes a full step', () => {
  const step = (eps: number) => {
    const p = new Float64Array(1);
    new Adam(1, 0.001, 0.9, 0.98, eps).step(p, Float64Array.of(5e-11));
    return -p[0];
  };
  assert.ok(step(1e-8) < 0.01 * 0.001, `ε = 1e-8: ${step(1e-8)}`);
  assert.ok(step(1e-12) > 0.95 * 0.001, `ε = 1e-12: ${step(1e-12)}`);
});

test('Adam ε reaches the run: at n = 25, d = 20 from the 0.002 initialiser, ε = 1e-8 leaves the attention scores untrained', () => {
  const cos = (eps: number) =>
    runIclExperiment(corrected({ eps, batch: 64, steps: 200, every: 200, tasks: 200, etatasks: 200 }), quiet).repeats[0].checkpoints[1]
      .modelCos;
  // Model Cos needs the query to steer the scores (WQ, WK): their gradients start near 5e-11.
  assert.ok(cos(1e-12) > cos(1e-8) + 0.1, `ε = 1e-12: ${cos(1e-12)}, ε = 1e-8: ${cos(1e-8)}`);
});

test('protocols side by side: the corrected one aligns with GD; labels = doc, readout = plain, ε = 1e-8 stays near the uniform loss', () => {
  const run = (over: Partial<IclSettings>) => {
    const r = runIclExperiment(
      corrected({ n: 10, d: 5, k: 6, lr: 0.003, batch: 128, steps: 1000, every: 1000, tasks: 500, etatasks: 500, ...over }),
      quiet,
    ).repeats[0];
    return { ...r.checkpoints[r.checkpoints.length - 1], lin: r.linGdRatio };
  };
  const now = run({});
  const before = run({ labels: 'doc', readout: 'plain', eps: 1e-8 });
  assert.ok(now.modelCos > 0.95, `corrected: Model Cos ${now.modelCos}`);
  assert.ok(now.tfRatio < now.lin + 0.1, `corrected: ratio ${now.tfRatio} vs linearised GD ${now.lin}`);
  assert.ok(before.tfRatio > now.lin + 0.2, `before: ratio ${before.tfRatio} vs linearised GD ${now.lin}`);
  assert.ok(before.modelCos < 0.93, `before: Model Cos ${before.modelCos}`);
});
