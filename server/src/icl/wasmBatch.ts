/**
 * The experiment's training batches on WebAssembly (server/src/math/wasm/assembly/icl.ts): the task draws, forward
 * passes and gradient accumulation of a whole batch in one call, about three times faster than the same loop in
 * JavaScript (docs/performance.md). It takes over the training stream's generator state and the ziggurat's tables, and
 * calls the host's Math.exp and Math.log, so it draws the same tasks and accumulates the same numbers as the
 * JavaScript path (training.ts) bit for bit. The layer's M_h, v_h and accumulators live in its memory (LayerBuffers),
 * so nothing is copied per step.
 *
 * With `float32 = 1` it runs the float32 kernel (icl32.ts, f32x4) instead, about 1.4 times faster per step: the same
 * draws rounded to float32, the layer in float32, the gradient summed in float64, so it agrees with the float64
 * kernel to float32 rounding. That kernel needs WebAssembly SIMD: without it the float64 kernel runs, and on the
 * JavaScript path the training is float64 too.
 */
import type { IclSettings, Distribution } from '../../../protocol/experiment';
import { defaultKernels } from '../math/kernels';
import { ZIGGURAT, type Rng } from '../math/random';
import { layerBufferLengths, type LayerBuffers } from './attentionLayer';
import bytes64 from './icl.wasm';
import bytes32 from './icl32.wasm';

interface IclExports {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  configure(...args: number[]): void;
  scratchLength(n: number, d: number, heads: number): number;
  setState(a: number, b: number, c: number, d: number): void;
  trainBatch(batch: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
/** Each kernel compiled once per thread; null where the runtime rejects it (icl32 without SIMD). */
const compiled: { 32?: object | null; 64?: object | null } = {};

function compile(api: WasmApi, precision: 32 | 64): object | null {
  const bytes = precision === 32 ? bytes32 : bytes64;
  return (compiled[precision] ??= api.validate(bytes) ? new api.Module(bytes) : null);
}

/** Kind, and the two parameters, of a distribution as the kernel reads them: normal (mean, scale) or uniform (low, high). */
function distribution(d: Distribution): [number, number, number] {
  return d.kind === 'normal' ? [0, d.mean, d.scale] : [1, d.low, d.high];
}

/**
 * What a run of settings `s` trains in on this runtime: float32 only when `s` asks for it and the float32 kernel runs
 * here (WebAssembly SIMD, not REGRESS_LAB_KERNELS=js); the held-out metrics are float64 either way.
 */
export function trainingPrecision(s: Pick<IclSettings, 'float32'>): 32 | 64 {
  return s.float32 && wasm && defaultKernels() !== 'js' && compile(wasm, 32) ? 32 : 64;
}

export class WasmBatch {
  readonly buffers: LayerBuffers;

  private constructor(
    private readonly k: IclExports,
    buffers: LayerBuffers,
    /** The arithmetic this batch runs in: 32 only when asked for and the runtime has SIMD. */
    readonly precision: 32 | 64,
  ) {
    this.buffers = buffers;
  }

  /**
   * A kernel instance for settings `s` that continues `rng`'s stream, or undefined where the runtime has no
   * WebAssembly or REGRESS_LAB_KERNELS=js asks for the JavaScript path.
   */
  static create(s: IclSettings, rng: Rng): WasmBatch | undefined {
    if (defaultKernels() === 'js' || !wasm) return undefined;
    const precision = trainingPrecision(s);
    const module = compile(wasm, precision);
    if (!module) return undefined;
    const k = new wasm.Instance(module, { env: { exp: Math.exp, log: Math.log } }).exports as IclExports;
    const lengths = layerBufferLengths(s.d, s.heads);
    const sizes = [
      ZIGGURAT.x.length,
      ZIGGURAT.ratio.length,
      lengths.m,
      lengths.v,
      lengths.gm,
      lengths.gv,
      k.scratchLength(s.n, s.d, s.heads),
    ];
    const base = k.memory.buffer.byteLength;
    k.memory.grow(Math.ceil((8 * sizes.reduce((a, b) => a + b, 0)) / 65536));
    const views: Float64Array[] = [];
    let at = base;
    for (const size of sizes) {
      views.push(new Float64Array(k.memory.buffer, at, size));
      at += 8 * size;
    }
    const [zx, zr, m, v, gm, gv] = views;
    zx.set(ZIGGURAT.x);
    zr.set(ZIGGURAT.ratio);
    const offset = s.readout === 'offset' ? 1 / (s.n + 1) : 0;
    const scale = s.readout === 'offset' ? 1 / (s.n + 1) : 1;
    k.configure(
      ...views.map((view) => view.byteOffset),
      s.n,
      s.d,
      s.heads,
      offset,
      scale,
      ...distribution(s.words),
      ...distribution(s.xstar),
      s.labels === 'centered' ? 1 : 0,
    );
    k.setState(...rng.state());
    return new WasmBatch(k, { m, v, gm, gv }, precision);
  }

  train(batch: number): number {
    return this.k.trainBatch(batch);
  }
}
