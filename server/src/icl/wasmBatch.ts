/**
 * The experiment's training batches on WebAssembly (server/src/math/wasm/assembly/icl.ts): the task draws, forward
 * passes and gradient accumulation of a whole batch in one call, about three times faster than the same loop in
 * JavaScript (docs/performance.md). It takes over the training stream's generator state and the ziggurat's tables, and
 * calls the host's Math.exp and Math.log, so it draws the same tasks and accumulates the same numbers as the
 * JavaScript path (training.ts) bit for bit. The layer's M_h, v_h and accumulators live in its memory (LayerBuffers),
 * so nothing is copied per step.
 */
import type { IclSettings, Distribution } from '../../../protocol/experiment';
import { defaultKernels } from '../math/kernels';
import { ZIGGURAT, type Rng } from '../math/random';
import { layerBufferLengths, type LayerBuffers } from './attentionLayer';
import bytes from './icl.wasm';

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
let compiled: object | null | undefined;

/** Kind, and the two parameters, of a distribution as the kernel reads them: normal (mean, scale) or uniform (low, high). */
function distribution(d: Distribution): [number, number, number] {
  return d.kind === 'normal' ? [0, d.mean, d.scale] : [1, d.low, d.high];
}

export class WasmBatch {
  readonly buffers: LayerBuffers;

  private constructor(
    private readonly k: IclExports,
    buffers: LayerBuffers,
  ) {
    this.buffers = buffers;
  }

  /**
   * A kernel instance for settings `s` that continues `rng`'s stream, or undefined where the runtime has no
   * WebAssembly or REGRESS_LAB_KERNELS=js asks for the JavaScript path.
   */
  static create(s: IclSettings, rng: Rng): WasmBatch | undefined {
    if (defaultKernels() === 'js' || !wasm) return undefined;
    compiled ??= wasm.validate(bytes) ? new wasm.Module(bytes) : null;
    if (!compiled) return undefined;
    const k = new wasm.Instance(compiled, { env: { exp: Math.exp, log: Math.log } }).exports as IclExports;
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
    return new WasmBatch(k, { m, v, gm, gv });
  }

  train(batch: number): number {
    return this.k.trainBatch(batch);
  }
}
