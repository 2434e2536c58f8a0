/**
 * The float64 WebAssembly SIMD kernels (compiled from assembly/kernels.ts by the build): one compiled module per
 * process, one instance and linear memory per objective, sized once for its data so no call allocates.
 */
import bytes from './kernels.wasm';

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
  transpose(m: number, n: number, a: Ptr, out: Ptr): void;
  gemv(n: number, d: number, a: Ptr, x: Ptr, z: Ptr): void;
  gemvT(n: number, d: number, a: Ptr, w: Ptr, out: Ptr): void;
  maxOf(s: Ptr, len: number): number;
  rowsNormalized(rows: number, cols: number, s: Ptr, b: Ptr, g: Ptr): number;
  rowsRescaled(rows: number, cols: number, s: Ptr, b: Ptr, g: Ptr): number;
  hessNormalized(rows: number, cols: number, s: Ptr, b: Ptr, ds: Ptr): void;
  hessRescaled(rows: number, cols: number, s: Ptr, b: Ptr, ds: Ptr): void;
}

/** A Float64Array in an instance's memory and its byte address. */
export interface Buffer {
  ptr: Ptr;
  a: Float64Array;
}

let compiled: WasmModule | null | undefined;

/** The compiled kernels, or null where the runtime has no WebAssembly SIMD (validation fails). */
export function kernelModule(): WasmModule | null {
  if (compiled === undefined) compiled = wasm?.validate(bytes) ? new wasm.Module(bytes) : null;
  return compiled;
}

export function wasmAvailable(): boolean {
  return kernelModule() !== null;
}

/**
 * A fresh instance whose memory holds buffers of the given lengths (float64 entries), laid out after the module's
 * own static data, 16-byte aligned. Throws RangeError when the memory cannot grow that far (wasm32: 4 GiB).
 */
export function kernelInstance(lengths: number[]): { k: KernelExports; bufs: Buffer[] } {
  const mod = kernelModule();
  if (!mod || !wasm) throw new Error('WebAssembly SIMD is not available in this runtime');
  const k = new wasm.Instance(mod, {}).exports as KernelExports;
  const base = k.memory.buffer.byteLength;
  let bytesNeeded = 0;
  for (const n of lengths) bytesNeeded += Math.ceil((n * 8) / 16) * 16;
  k.memory.grow(Math.ceil(bytesNeeded / 65536));
  const bufs: Buffer[] = [];
  let at = base;
  for (const n of lengths) {
    bufs.push({ ptr: at, a: new Float64Array(k.memory.buffer, at, n) });
    at += Math.ceil((n * 8) / 16) * 16;
  }
  return { k, bufs };
}
