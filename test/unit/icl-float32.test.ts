/**
 * The experiment's `float32 = 1` (server/src/math/wasm/assembly/icl32.ts via server/src/icl/wasmBatch.ts) against the
 * float64 WebAssembly kernel, its oracle (which is the JavaScript path bit for bit, unit/icl-wasm.test.ts): it draws
 * the same tasks up to float32 rounding, so at the same weights its losses and gradients agree to float32 rounding,
 * its trajectories stay close, and a whole experiment reports nearly the same metrics; on the JavaScript path it trains
 * in float64, and the CLI says so; and the setting as the language reads it (range, `--set`, sweeps, hover, completion).
 *
 * Tolerances: float32 rounds each operation to 2⁻²⁴ ≈ 6e-8 relative; a task's loss and gradient terms pass through
 * dot products of length d and n and a softmax, so their worst-case error is about (n + d)·2⁻²⁴ ≈ 3e-6 at the sizes
 * below, and summing the batch in float64 adds nothing comparable. So 1e-5 relative bounds float32 rounding (observed:
 * below 1e-6), while a dropped term, a wrong label or a wrong max shift changes them by 1e-3 or more.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IclSettings } from '../../protocol/experiment';
import { Adam } from '../../server/src/icl/adam';
import { AttentionLayer } from '../../server/src/icl/attentionLayer';
import { experimentSummary } from '../../server/src/cli/experimentFormat';
import { runIclExperiment, type IclHooks, type IclRun } from '../../server/src/icl/experiment';
import { trainingPrecision, WasmBatch } from '../../server/src/icl/wasmBatch';
import { analyze, type ExperimentAnalysis } from '../../server/src/language/analyze';
import { analyzeExperiment, experimentOverride } from '../../server/src/language/experiment';
import { parse } from '../../server/src/language/parser';
import { completions } from '../../server/src/lsp/completion';
import { hoverAt } from '../../server/src/lsp/hover';
import { Rng } from '../../server/src/math/random';
import { iclSettings } from '../iclSettings';

const TOL = 1e-5;

const settings = (over: Partial<IclSettings> = {}): IclSettings =>
  iclSettings({
    ...{ n: 7, d: 5, seed: 3, k: 6, lr: 0.01, beta2: 0.98, eps: 1e-12, batch: 64, steps: 30, every: 10 },
    ...{ words: { kind: 'normal', scale: 0.45, mean: 0 }, tasks: 40, etatasks: 40, etamax: 1000, etacount: 20 },
    ...over,
  });

/** A layer on one kernel, on the stream every instance of a test shares, at weights well away from the initialiser's. */
function instance(s: IclSettings, float32: number) {
  const batches = WasmBatch.create({ ...s, float32 }, new Rng(17, 5));
  assert.ok(batches, 'WebAssembly is available here');
  assert.equal(batches.precision, float32 ? 32 : 64, 'WebAssembly SIMD is available here');
  const layer = new AttentionLayer(s.n, s.d, s.heads, s.k, s.readout, batches.buffers);
  const init = new Rng(4, 4);
  for (let i = 0; i < layer.params.length; i++) layer.params[i] = 0.5 * init.normal();
  layer.prepare();
  return { batches, layer, grad: new Float64Array(layer.params.length) };
}

/** max |a − b| over max |b|: the error relative to the vector's scale. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return err / scale;
}

/** The gradient's blocks, per head WQ, WK, WV (D×k each), then WP: each compared on its own scale. */
function blocks(g: Float64Array, s: IclSettings): Float64Array[] {
  const size = (s.d + 1) * s.k;
  const out = Array.from({ length: 3 * s.heads }, (_, i) => g.subarray(i * size, (i + 1) * size));
  return [...out, g.subarray(3 * s.heads * size)];
}

const CASES = [
  {},
  { heads: 3, labels: 'doc', readout: 'plain' },
  { heads: 2, words: { kind: 'uniform', low: -0.8, high: 0.6 }, xstar: { kind: 'normal', scale: 2, mean: 0.3 } },
  { n: 25, d: 20, k: 21, xstar: { kind: 'uniform', low: -1, high: 2 }, labels: 'doc' },
  { n: 9, d: 7, k: 5, heads: 2, readout: 'plain' },
  // Scores far apart: many tasks' context targets underflow float32's exp (gaps above 87); their centred labels must not.
  { xstar: { kind: 'normal', scale: 50, mean: 0 } },
] satisfies Partial<IclSettings>[];

for (const over of CASES) {
  test(`float32 losses and gradients match float64 at the same weights: ${JSON.stringify(over)}`, () => {
    const s = settings(over);
    const f64 = instance(s, 0);
    const f32 = instance(s, 1);
    const adam = new Adam(f64.layer.params.length, s.lr, s.beta1, s.beta2, s.eps);
    for (let step = 0; step < 6; step++) {
      const l64 = f64.batches.train(s.batch);
      const l32 = f32.batches.train(s.batch);
      f64.layer.gradient(f64.grad);
      f32.layer.gradient(f32.grad);
      assert.notEqual(l32, l64, 'the float32 kernel ran');
      assert.ok(Math.abs(l32 / l64 - 1) < TOL, `step ${step}: loss ${l32} vs ${l64}`);
      const g32 = blocks(f32.grad, s);
      blocks(f64.grad, s).forEach((g, b) => {
        const err = relErr(g32[b], g);
        assert.ok(err < TOL, `step ${step}, block ${b} of the gradient: relative error ${err}`);
      });
      // Both follow the float64 gradient, so every step compares the kernels at the same weights.
      adam.step(f64.layer.params, f64.grad);
      f32.layer.params.set(f64.layer.params);
      f64.layer.prepare();
      f32.layer.prepare();
    }
  });
}

test('float32 trajectories stay within float32 rounding of float64’s over 20 Adam steps', () => {
  for (const over of [CASES[0], CASES[3], CASES[4]]) {
    const s = settings(over);
    const [a, b] = [0, 1].map((float32) => {
      const x = instance(s, float32);
      const adam = new Adam(x.layer.params.length, s.lr, s.beta1, s.beta2, s.eps);
      const losses: number[] = [];
      for (let step = 0; step < 20; step++) {
        losses.push(x.batches.train(s.batch));
        x.layer.gradient(x.grad);
        adam.step(x.layer.params, x.grad);
        x.layer.prepare();
      }
      return { losses, params: x.layer.params };
    });
    assert.ok(relErr(b.losses, a.losses) < TOL, `${JSON.stringify(over)}: losses ${b.losses} vs ${a.losses}`);
    // Adam moves each weight by about lr per step whatever the gradient's size, so its error is measured in lr.
    let moved = 0;
    for (let i = 0; i < a.params.length; i++) moved = Math.max(moved, Math.abs(a.params[i] - b.params[i]));
    assert.ok(moved < 1e-3 * s.lr, `${JSON.stringify(over)}: weights differ by ${moved / s.lr} lr`);
  }
});

const quiet: IclHooks = { onRepeatStart: () => {}, onCheckpoint: () => {}, cancelled: () => false };

test('a float32 experiment reports the float64 metrics to float32 rounding, with the same float64 baselines', () => {
  const s = settings({ steps: 300, every: 100 });
  const f64 = runIclExperiment(s, quiet);
  const f32 = runIclExperiment({ ...s, float32: 1 }, quiet);
  assert.equal(f32.stopReason, 'done');
  f64.repeats.forEach((r64, i) => {
    const { checkpoints: c32, ...start32 } = f32.repeats[i];
    const { checkpoints: c64, ...start64 } = r64;
    assert.deepEqual(start32, start64, 'η, the GD baselines and the held-out tasks do not depend on the training');
    assert.ok(c64.at(-1)!.tfLoss < c64[0].tfLoss, 'it trained');
    c64.forEach((c, j) => {
      const d = c32[j];
      for (const key of ['tfLoss', 'predsDiff', 'modelDiff', 'tfRatio', 'trainLoss'] as const)
        if (c.step > 0) assert.ok(Math.abs(d[key]! / c[key]! - 1) < 1e-4, `repeat ${i} step ${c.step} ${key}: ${d[key]} vs ${c[key]}`);
        else assert.equal(d[key], c[key], 'step 0 is the initialised layer, evaluated in float64');
      assert.ok(Math.abs(d.modelCos - c.modelCos) < 1e-4, `repeat ${i} step ${c.step} Model Cos: ${d.modelCos} vs ${c.modelCos}`);
    });
    assert.notDeepEqual(c32, c64, 'the float32 kernel trained');
  });
});

test('on the JavaScript path float32 = 1 trains in float64: the float64 experiment bit for bit, and the CLI says so', () => {
  const s = settings({ steps: 100, every: 50, repeats: 1 });
  const f64 = runIclExperiment(s, quiet);
  const title = (r: IclRun) => experimentSummary({ ...r, runId: 'test', source: 'icl.regress' }).split('\n')[0];
  assert.deepEqual([trainingPrecision(s), trainingPrecision({ float32: 1 })], [64, 32]);
  assert.match(title(runIclExperiment({ ...s, float32: 1 }, quiet)), /repeats = 1, float32 = 1 \(loss/);
  assert.match(title(f64), /repeats = 1 \(loss/);
  const before = process.env.REGRESS_LAB_KERNELS;
  process.env.REGRESS_LAB_KERNELS = 'js';
  try {
    assert.equal(WasmBatch.create({ ...s, float32: 1 }, new Rng(1, 1)), undefined);
    assert.equal(trainingPrecision({ float32: 1 }), 64);
    const js = runIclExperiment({ ...s, float32: 1 }, quiet);
    assert.deepEqual(js.repeats, f64.repeats);
    assert.match(title(js), /float32 = 1 \(trained in float64 here: no WebAssembly SIMD, or REGRESS_LAB_KERNELS=js\)/);
  } finally {
    if (before === undefined) delete process.env.REGRESS_LAB_KERNELS;
    else process.env.REGRESS_LAB_KERNELS = before;
  }
});

function experimentAnalysis(text: string): ExperimentAnalysis {
  const a = analyze(text);
  if (a.file !== 'experiment') assert.fail(`expected an experiment file, but this is a ${a.file} file`);
  return a;
}
const errors = (text: string) =>
  analyze(text)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => d.message);

test('the float32 setting: 0 or 1, default 0; --set and a sweep set it', () => {
  assert.equal(experimentAnalysis('experiment icl\n').settings!.float32, 0);
  assert.equal(experimentAnalysis('experiment icl\nfloat32 = 1\n').settings!.float32, 1);
  assert.deepEqual(errors('experiment icl\nfloat32 = 2\n'), ['float32 must be at most 1, not 2']);
  assert.deepEqual(errors('experiment icl\nfloat32 = 0.5\n'), ['float32 must be a whole number, not 0.5']);
  assert.deepEqual(experimentOverride('float32', '1'), { value: 1 });
  assert.deepEqual(experimentOverride('float32', '3'), { error: 'float32 must be at most 1, not 3' });
  const tree = parse('experiment icl\nd = 6\n');
  assert.equal(analyzeExperiment(tree, new Map([['float32', 1]])).settings!.float32, 1);
  // A sweep over it runs the same experiment in both precisions, one point each: the two runs side by side.
  const points = experimentAnalysis('experiment icl\nsweep float32 = 0, 1\n').sweep!.run!.points;
  assert.deepEqual(
    points.map((p) => p.float32),
    [0, 1],
  );
  assert.deepEqual({ ...points[1], float32: 0 }, points[0]);
});

test('hover and completion document float32 with its default', () => {
  const h = hoverAt(analyze('experiment icl\nfloat32 = 1\n'), 1, 2);
  const text = h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '';
  assert.match(text, /^\*\*float32\*\* — 1 trains in float32: .* Default 0\.$/s);
  assert.match(text, /held-out metrics and the GD baselines stay float64/);
  assert.equal(completions(analyze('experiment icl\n'), '').find((c) => c.label === 'float32')?.detail, 'default 0');
  assert.ok(
    completions(analyze('experiment icl\n'), 'sweep ').some((c) => c.label === 'float32'),
    'float32 can be swept',
  );
});
