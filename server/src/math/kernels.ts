/**
 * Which implementation of `Objective` evaluates a problem: the WebAssembly SIMD kernels (./wasm, the default where the
 * runtime has WebAssembly SIMD) or the portable JavaScript ones (./attention.ts, ./softmaxVector.ts); they agree to
 * rounding. A solve block may ask for float32 (`float32 = 1`): the f32x4 kernels, which agree with float64 to float32
 * rounding; only WebAssembly has them, so the JavaScript path (forced, or where WebAssembly SIMD is missing) evaluates
 * in float64 regardless.
 */
import type { Problem } from '../problem';
import { AttentionObjective } from './attention';
import type { Objective } from './objective';
import { SoftmaxObjective } from './softmaxVector';
import { WasmAttentionObjective } from './wasm/attention';
import { wasmAvailable, type Precision } from './wasm/instance';
import { WasmSoftmaxObjective } from './wasm/softmaxVector';

/** Which kernels: 'auto' takes WebAssembly SIMD when the runtime has it and the data fits its 4 GiB memory. */
export type Kernels = 'auto' | 'wasm' | 'js';

/** REGRESS_LAB_KERNELS=js|wasm overrides 'auto' (to compare the paths, or to run the oracles on the portable one). */
export function defaultKernels(): Kernels {
  const k = process.env.REGRESS_LAB_KERNELS;
  return k === 'js' || k === 'wasm' ? k : 'auto';
}

export function objectiveFor(p: Problem, kernels: Kernels = defaultKernels(), precision: Precision = 64): Objective {
  if (kernels === 'wasm' || (kernels === 'auto' && wasmAvailable())) {
    try {
      return p.kind === 'attention' ? new WasmAttentionObjective(p, precision) : new WasmSoftmaxObjective(p, precision);
    } catch (e) {
      if (kernels === 'wasm' || !(e instanceof RangeError)) throw e;
    }
  }
  return p.kind === 'attention' ? new AttentionObjective(p) : new SoftmaxObjective(p);
}
