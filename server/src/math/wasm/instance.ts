/**
 * The WebAssembly SIMD kernels compiled by the build: float64 (assembly/kernels.ts, f64x2) and float32
 * (assembly/kernels32.ts, f32x4), with the same exports. One compiled module per precision and process, one instance
 * and linear memory per objective, sized once for its data so no call allocates.
 */
import bytes64 from './kernels.wasm';
import bytes32 from './kernels32.wasm';

/** Entry width of the kernels: 64 (float64) or 32 (float32). */
export type Precision = 64 | 32;

type Ptr = number;

// The few WebAssembly JS API members used here (the Node 20 type definitions leave WebAssembly out).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmModule {
  readonly compiled: unique symbol;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: unknown };
}
const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

export interface KernelExports {
  memory: WasmMemory;
  gemm(m: number, n: number, k: number, a: Ptr, lda: number, b: Ptr, ldb: number, c: Ptr, ldc: number, acc: number): void;
  pack(k: number, n: number, b: Ptr, ldb: number, out: Ptr): void;
  gemmPacked(m: number, n: number, k: number, a: Ptr, lda: number, bp: Ptr, c: Ptr, ldc: number, acc: number): void;
  transpose(m: number, n: number, a: Ptr, out: Ptr): void;
  gemv(n: number, d: number, a: Ptr, x: Ptr, z: Ptr): void;
  gemvT(n: number, d: number, a: Ptr, w: Ptr, out: Ptr): void;
  maxOf(s: Ptr, len: number): number;
  rowsNormalized(rows: number, cols: number, s: Ptr, b: Ptr, g: Ptr): number;
  rowsRescaled(rows: number, cols: number, s: Ptr, b: Ptr, g: Ptr): number;
  hessNormalized(rows: number, cols: number, s: Ptr, b: Ptr, ds: Ptr): void;
  hessRescaled(rows: number, cols: number, s: Ptr, b: Ptr, ds: Ptr): void;
}

/** An array of the kernels' precision in an instance's memory and its byte address. */
export interface Buffer {
  ptr: Ptr;
  a: Float64Array | Float32Array;
}

const compiled: Partial<Record<Precision, WasmModule | null>> = {};

/** The compiled kernels of a precision, or null where the runtime has no WebAssembly SIMD (validation fails). */
export function kernelModule(precision: Precision = 64): WasmModule | null {
  let mod = compiled[precision];
  if (mod === undefined) {
    const bytes = precision === 64 ? bytes64 : bytes32;
    mod = compiled[precision] = wasm?.validate(bytes) ? new wasm.Module(bytes) : null;
  }
  return mod;
}

export function wasmAvailable(): boolean {
  return kernelModule() !== null;
}

/**
 * A fresh instance of the kernels of `precision` whose memory holds buffers of the given lengths (entries), laid
 * out after the module's own static data, 16-byte aligned. Throws RangeError when the memory cannot grow that far
 * (wasm32: 4 GiB).
 */
export function kernelInstance(lengths: number[], precision: Precision = 64): { k: KernelExports; bufs: Buffer[] } {
  const mod = kernelModule(precision);
  if (!mod || !wasm) throw new Error('WebAssembly SIMD is not available in this runtime');
  const k = new wasm.Instance(mod, {}).exports as KernelExports;
  const size = precision / 8;
  const base = k.memory.buffer.byteLength;
  let bytesNeeded = 0;
  for (const n of lengths) bytesNeeded += Math.ceil((n * size) / 16) * 16;
  k.memory.grow(Math.ceil(bytesNeeded / 65536));
  const bufs: Buffer[] = [];
  let at = base;
  for (const n of lengths) {
    bufs.push({ ptr: at, a: precision === 64 ? new Float64Array(k.memory.buffer, at, n) : new Float32Array(k.memory.buffer, at, n) });
    at += Math.ceil((n * size) / 16) * 16;
  }
  return { k, bufs };
}
