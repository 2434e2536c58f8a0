/**
 * One Adam step of the experiment's training (math spec §3.7, step 4): a batch of fresh tasks, each through the
 * layer's forward pass and into its gradient accumulators, then the gradient and Adam. The batch runs on WebAssembly
 * where the runtime has it (wasmBatch.ts), else in JavaScript here; both draw the same tasks and give the same numbers.
 * With `float32 = 1` and WebAssembly SIMD the batch runs in float32 (the same tasks rounded); Adam, the weights and the
 * gradient's final assembly stay float64.
 */
import type { IclSettings } from '../../../protocol/experiment';
import type { Rng } from '../math/random';
import type { Adam } from './adam';
import { AttentionLayer } from './attentionLayer';
import { TaskSampler, type Task } from './tasks';
import { WasmBatch } from './wasmBatch';

/** Draws `batch` tasks, runs the layer's forward pass on each and accumulates its gradient; returns the mean loss. */
export interface TrainingBatch {
  train(batch: number): number;
}

/** The JavaScript path: the sampler and the layer's own forward and accumulate. */
export class JsBatch implements TrainingBatch {
  private readonly sampler: TaskSampler;
  private readonly task: Task;

  constructor(
    s: IclSettings,
    rng: Rng,
    private readonly layer: AttentionLayer,
  ) {
    this.sampler = new TaskSampler(s, rng);
    this.task = this.sampler.newTask();
  }

  train(batch: number): number {
    const { layer, sampler, task } = this;
    const n = task.labels.length;
    let loss = 0;
    for (let b = 0; b < batch; b++) {
      sampler.next(task);
      const residual = layer.forward(task) - task.target[n];
      loss += 0.5 * residual * residual;
      // d/dŷ of the batch mean of 0.5·(ŷ − y)².
      layer.accumulate(residual / batch);
    }
    return loss / batch;
  }
}

/** A layer for settings `s` and the batches that train it from the stream `rng`: on WebAssembly where available. */
export function trainingLayer(s: IclSettings, rng: Rng): { layer: AttentionLayer; batches: TrainingBatch } {
  const wasm = WasmBatch.create(s, rng);
  const layer = new AttentionLayer(s.n, s.d, s.heads, s.k, s.readout, wasm?.buffers);
  return { layer, batches: wasm ?? new JsBatch(s, rng, layer) };
}

/**
 * One Adam step on `batch` fresh tasks, with `grad` as scratch; returns the batch's mean loss 0.5·(ŷ − y)². When it
 * is not finite the weights are left as they were, so the caller can stop cleanly.
 */
export function trainStep(batches: TrainingBatch, batch: number, layer: AttentionLayer, adam: Adam, grad: Float64Array): number {
  const loss = batches.train(batch);
  layer.gradient(grad);
  if (!Number.isFinite(loss)) return loss;
  adam.step(layer.params, grad);
  layer.prepare();
  return loss;
}
