/**
 * The vector-form softmax objective on the WebAssembly SIMD kernels: the same loss, gradient and Hessian-vector
 * product as ../softmaxVector.ts (z = A·x, one row of the row kernels, Aᵀ·g), O(nd) per call, on the float64 or
 * the float32 kernels (`precision`).
 */
import type { SoftmaxProblem } from '../../problem';
import { dot } from '../dense';
import type { Objective } from '../objective';
import { rescaledLimit, type ExpOverflow } from '../rows';
import { kernelInstance, type Buffer, type KernelExports, type Precision } from './instance';

export class WasmSoftmaxObjective implements Objective {
  readonly dim: number;
  overflow: ExpOverflow | undefined;
  private readonly k: KernelExports;
  private readonly n: number;
  private readonly reg: number;
  private readonly normalized: boolean;
  private readonly limit: number;
  private readonly A: Buffer;
  private readonly b: Buffer;
  private readonly x: Buffer;
  private readonly v: Buffer;
  private readonly out: Buffer;
  private readonly z: Buffer;
  private readonly dz: Buffer;

  constructor(p: SoftmaxProblem, precision: Precision = 64) {
    const { n, d } = p;
    this.n = n;
    this.dim = d;
    this.reg = p.reg;
    this.normalized = p.variant === 'normalized';
    this.limit = rescaledLimit(p.b, 1, n, precision);
    const { k, bufs } = kernelInstance([n * d, n, d, d, d, n, n], precision);
    this.k = k;
    [this.A, this.b, this.x, this.v, this.out, this.z, this.dz] = bufs;
    this.A.a.set(p.A.data);
    this.b.a.set(p.b);
  }

  /** Bytes of linear memory this objective holds: its copy of the data and every intermediate (the bench reports it). */
  get bytes(): number {
    return this.k.memory.buffer.byteLength;
  }

  loss(x: Float64Array): number {
    return this.evaluate(x, undefined);
  }

  lossGrad(x: Float64Array, grad: Float64Array): number {
    return this.evaluate(x, grad);
  }

  /** z = A·x; false (with `overflow` set) when the rescaled exponent crosses its limit. */
  private scores(x: Float64Array): boolean {
    const { k, n } = this;
    this.overflow = undefined;
    this.x.a.set(x);
    k.gemv(n, this.dim, this.A.ptr, this.x.ptr, this.z.ptr);
    if (this.normalized || !(k.maxOf(this.z.ptr, n) > this.limit)) return true; // NaN is not an overflow
    const z = this.z.a;
    let at = 0;
    for (let j = 1; j < n; j++) if (z[j] > z[at]) at = j;
    this.overflow = { value: z[at], limit: this.limit, row: 0, col: at };
    return false;
  }

  private evaluate(x: Float64Array, grad: Float64Array | undefined): number {
    const { k, n } = this;
    if (!this.scores(x)) {
      grad?.fill(NaN);
      return Infinity;
    }
    const z = this.z.ptr,
      sum = this.normalized ? k.rowsNormalized(1, n, z, this.b.ptr, z) : k.rowsRescaled(1, n, z, this.b.ptr, z);
    if (grad) {
      k.gemvT(n, this.dim, this.A.ptr, z, this.out.ptr);
      grad.set(this.out.a);
      if (this.reg) for (let i = 0; i < grad.length; i++) grad[i] += this.reg * x[i];
    }
    return 0.5 * sum + (this.reg ? 0.5 * this.reg * dot(x, x) : 0);
  }

  hessVec(x: Float64Array, v: Float64Array, out: Float64Array): void {
    const { k, n } = this;
    if (!this.scores(x)) {
      out.fill(NaN);
      return;
    }
    this.v.a.set(v);
    k.gemv(n, this.dim, this.A.ptr, this.v.ptr, this.dz.ptr);
    if (this.normalized) k.hessNormalized(1, n, this.z.ptr, this.b.ptr, this.dz.ptr);
    else k.hessRescaled(1, n, this.z.ptr, this.b.ptr, this.dz.ptr);
    k.gemvT(n, this.dim, this.A.ptr, this.dz.ptr, this.out.ptr);
    out.set(this.out.a);
    if (this.reg) for (let i = 0; i < out.length; i++) out[i] += this.reg * v[i];
  }
}
