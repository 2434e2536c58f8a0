/**
 * The experiment's WebAssembly training kernel (server/src/math/wasm/assembly/icl.ts via server/src/icl/wasmBatch.ts)
 * against its JavaScript twin (training.ts's JsBatch: the task sampler and the layer the finite-difference tests
 * check): the same tasks, losses, gradients and weights bit for bit, step after step, for every distribution, label,
 * read-out and head count; and a whole experiment gives the same result on either path (REGRESS_LAB_KERNELS=js).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IclSettings } from '../../protocol/experiment';
import { Adam } from '../../server/src/icl/adam';
import { AttentionLayer } from '../../server/src/icl/attentionLayer';
import { runIclExperiment, type IclHooks } from '../../server/src/icl/experiment';
import { JsBatch, trainStep, type TrainingBatch } from '../../server/src/icl/training';
import { WasmBatch } from '../../server/src/icl/wasmBatch';
import { Rng } from '../../server/src/math/random';
import { iclSettings } from '../iclSettings';

const settings = (over: Partial<IclSettings> = {}): IclSettings =>
  iclSettings({
    ...{ n: 7, d: 5, seed: 3, k: 6, lr: 0.01, beta2: 0.98, eps: 1e-12, batch: 64, steps: 30, every: 10 },
    ...{ words: { kind: 'normal', scale: 0.45, mean: 0 }, tasks: 40, etatasks: 40, etamax: 1000, etacount: 20 },
    ...over,
  });

/** Losses and weights after `steps` Adam steps on one path, from the same initial weights and the same stream. */
function train(s: IclSettings, path: 'js' | 'wasm', steps: number) {
  const rng = new Rng(17, 5);
  const wasm = path === 'wasm' ? WasmBatch.create(s, rng) : undefined;
  if (path === 'wasm') assert.ok(wasm, 'WebAssembly is available here');
  const layer = new AttentionLayer(s.n, s.d, s.heads, s.k, s.readout, wasm?.buffers);
  // Weights well away from the initialiser's, so the softmax is far from uniform and every term matters.
  const init = new Rng(4, 4);
  for (let i = 0; i < layer.params.length; i++) layer.params[i] = 0.5 * init.normal();
  layer.prepare();
  const batches: TrainingBatch = wasm ?? new JsBatch(s, rng, layer);
  const adam = new Adam(layer.params.length, s.lr, s.beta1, s.beta2, s.eps);
  const grad = new Float64Array(layer.params.length);
  const losses = Array.from({ length: steps }, () => trainStep(batches, s.batch, layer, adam, grad));
  return { losses, params: Array.from(layer.params), grad: Array.from(grad) };
}

for (const over of [
  {},
  { heads: 3, labels: 'doc', readout: 'plain' },
  { heads: 2, words: { kind: 'uniform', low: -0.8, high: 0.6 }, xstar: { kind: 'normal', scale: 2, mean: 0.3 } },
  { n: 25, d: 20, k: 21, xstar: { kind: 'uniform', low: -1, high: 2 }, labels: 'doc' },
  // Scores thousands apart: in many tasks the query's leads every context score by more than 745, the context's share
  // of p underflows to 0, and the centred labels come from the context's own scores (once NaN, on both paths).
  { words: { kind: 'normal', scale: 1000, mean: 0 } },
] satisfies Partial<IclSettings>[]) {
  test(`WebAssembly and JavaScript batches agree bit for bit: ${JSON.stringify(over)}`, () => {
    const s = settings(over);
    const js = train(s, 'js', 6);
    const wasm = train(s, 'wasm', 6);
    assert.ok(js.losses.every((l) => Number.isFinite(l) && l > 0));
    assert.deepEqual(wasm.losses, js.losses);
    assert.deepEqual(wasm.grad, js.grad);
    assert.deepEqual(wasm.params, js.params);
  });
}

test('the kernel continues the stream it was given: another seed draws other tasks', () => {
  const s = settings();
  const a = WasmBatch.create(s, new Rng(1, 1))!;
  const b = WasmBatch.create(s, new Rng(2, 1))!;
  for (const w of [a, b]) new AttentionLayer(s.n, s.d, s.heads, s.k, s.readout, w.buffers).init(new Rng(9, 9));
  assert.notEqual(a.train(8), b.train(8));
});

test('REGRESS_LAB_KERNELS=js runs the JavaScript path, with the same experiment result', () => {
  const quiet: IclHooks = { onRepeatStart: () => {}, onCheckpoint: () => {}, cancelled: () => false };
  const s = settings({ steps: 200, every: 100 });
  const wasm = runIclExperiment(s, quiet);
  const before = process.env.REGRESS_LAB_KERNELS;
  process.env.REGRESS_LAB_KERNELS = 'js';
  try {
    assert.equal(WasmBatch.create(s, new Rng(1, 1)), undefined);
    const js = runIclExperiment(s, quiet);
    assert.deepEqual(js.repeats, wasm.repeats);
    assert.ok(js.repeats[0].checkpoints.at(-1)!.tfLoss < js.repeats[0].checkpoints[0].tfLoss, 'it trained');
  } finally {
    if (before === undefined) delete process.env.REGRESS_LAB_KERNELS;
    else process.env.REGRESS_LAB_KERNELS = before;
  }
});
