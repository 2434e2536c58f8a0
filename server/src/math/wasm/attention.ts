/**
 * The matrix-form attention objective on the WebAssembly SIMD kernels: the same loss, gradient and Hessian-vector
 * product as ../attention.ts, fused over blocks of rows. Per block of r rows, S_blk = (A1·X)_blk·A2ᵀ (r×n), the row
 * pass turns it into G_blk in place, and G_blk·A2 fills r rows of Z; then ∇ = A1ᵀ·Z. So the n×n intermediates are
 * never materialized (memory n² for B plus O(nd + rb·n)), and each block of S is still in cache for its row pass.
 * A1ᵀ is stored once so every product is a plain row-major gemm, and the constant right-hand factors A2ᵀ and A2 are
 * packed once into gemmPacked's panels. The same code runs the float64 or the float32 kernels (`precision`): data
 * and intermediates in that precision, the loss and gradient returned as float64.
 */
import type { AttentionProblem } from '../../problem';
import { dot } from '../dense';
import type { Objective } from '../objective';
import { rescaledLimit, type ExpOverflow } from '../rows';
import { kernelInstance, type Buffer, type KernelExports, type Precision } from './instance';

/** Rows per block: about 256 KiB of float64 scores per block, a multiple of 4 (the gemm register block). */
export function rowBlock(n: number): number {
  return n <= 64 ? n : Math.min(n, Math.max(16, Math.floor(32768 / n) & ~3));
}

export class WasmAttentionObjective implements Objective {
  readonly dim: number;
  overflow: ExpOverflow | undefined;
  private readonly k: KernelExports;
  private readonly n: number;
  private readonly d: number;
  private readonly rb: number;
  private readonly reg: number;
  private readonly normalized: boolean;
  private readonly limit: number;
  /** Bytes per entry. */
  private readonly size: number;
  private readonly A1: Buffer;
  private readonly A2: Buffer;
  private readonly A1t: Buffer;
  private readonly A2tP: Buffer; // A2ᵀ packed (d×n)
  private readonly A2P: Buffer; // A2 packed (n×d)
  private readonly B: Buffer;
  private readonly X: Buffer;
  private readonly V: Buffer;
  private readonly out: Buffer;
  private readonly T: Buffer; // A1·X, n×d
  private readonly TV: Buffer; // A1·V, n×d
  private readonly Z: Buffer; // G·A2 or M·A2, n×d
  private readonly S: Buffer; // a block of scores, rb×n
  private readonly dS: Buffer; // a block of directional scores, rb×n

  constructor(p: AttentionProblem, precision: Precision = 64) {
    const { n, d } = p;
    this.size = precision / 8;
    this.n = n;
    this.d = d;
    this.dim = d * d;
    this.rb = rowBlock(n);
    this.reg = p.reg;
    this.normalized = p.variant === 'normalized';
    this.limit = rescaledLimit(p.B.data, n, n, precision);
    // pack() panels are one register block wide: 4 float64 or 8 float32 columns.
    const panel = precision === 64 ? 4 : 8,
      up = (m: number) => panel * Math.ceil(m / panel);
    const nd = n * d,
      blk = this.rb * n;
    const { k, bufs } = kernelInstance([nd, nd, nd, d * up(n), n * up(d), n * n, d * d, d * d, d * d, nd, nd, nd, blk, blk], precision);
    this.k = k;
    [this.A1, this.A2, this.A1t, this.A2tP, this.A2P, this.B, this.X, this.V, this.out, this.T, this.TV, this.Z, this.S, this.dS] = bufs;
    this.A1.a.set(p.A1.data);
    this.A2.a.set(p.A2.data);
    this.B.a.set(p.B.data);
    // A2ᵀ is packed from A1t's buffer, which then receives A1ᵀ.
    k.transpose(n, d, this.A2.ptr, this.A1t.ptr);
    k.pack(d, n, this.A1t.ptr, n, this.A2tP.ptr);
    k.pack(n, d, this.A2.ptr, d, this.A2P.ptr);
    k.transpose(n, d, this.A1.ptr, this.A1t.ptr);
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

  private evaluate(x: Float64Array, grad: Float64Array | undefined): number {
    const { k, n, d, rb } = this;
    this.overflow = undefined;
    this.X.a.set(x);
    k.gemm(n, d, d, this.A1.ptr, d, this.X.ptr, d, this.T.ptr, d, 0);
    let sum = 0;
    for (let i0 = 0; i0 < n; i0 += rb) {
      const r = Math.min(rb, n - i0);
      this.blockScores(this.T, i0, r, this.S);
      if (!this.normalized && k.maxOf(this.S.ptr, r * n) > this.limit) {
        this.overflow = this.locateOverflow();
        grad?.fill(NaN);
        return Infinity;
      }
      const b = this.B.ptr + i0 * n * this.size;
      sum += this.normalized ? k.rowsNormalized(r, n, this.S.ptr, b, this.S.ptr) : k.rowsRescaled(r, n, this.S.ptr, b, this.S.ptr);
      if (grad) k.gemmPacked(r, d, n, this.S.ptr, n, this.A2P.ptr, this.Z.ptr + i0 * d * this.size, d, 0);
    }
    if (grad) this.pullBack(x, grad);
    return 0.5 * sum + (this.reg ? 0.5 * this.reg * dot(x, x) : 0);
  }

  hessVec(x: Float64Array, v: Float64Array, out: Float64Array): void {
    const { k, n, d, rb } = this;
    this.overflow = undefined;
    this.X.a.set(x);
    this.V.a.set(v);
    k.gemm(n, d, d, this.A1.ptr, d, this.X.ptr, d, this.T.ptr, d, 0);
    k.gemm(n, d, d, this.A1.ptr, d, this.V.ptr, d, this.TV.ptr, d, 0);
    for (let i0 = 0; i0 < n; i0 += rb) {
      const r = Math.min(rb, n - i0);
      this.blockScores(this.T, i0, r, this.S);
      if (!this.normalized && k.maxOf(this.S.ptr, r * n) > this.limit) {
        this.overflow = this.locateOverflow();
        out.fill(NaN);
        return;
      }
      this.blockScores(this.TV, i0, r, this.dS);
      const b = this.B.ptr + i0 * n * this.size;
      if (this.normalized) k.hessNormalized(r, n, this.S.ptr, b, this.dS.ptr);
      else k.hessRescaled(r, n, this.S.ptr, b, this.dS.ptr);
      k.gemmPacked(r, d, n, this.dS.ptr, n, this.A2P.ptr, this.Z.ptr + i0 * d * this.size, d, 0);
    }
    k.gemm(d, d, n, this.A1t.ptr, n, this.Z.ptr, d, this.out.ptr, d, 0);
    out.set(this.out.a);
    if (this.reg) for (let i = 0; i < out.length; i++) out[i] += this.reg * v[i];
  }

  /** Rows i0..i0+r of (left)·A2ᵀ into `into`, where left is A1·X or A1·V. */
  private blockScores(left: Buffer, i0: number, r: number, into: Buffer) {
    const { n, d } = this;
    this.k.gemmPacked(r, n, d, left.ptr + i0 * d * this.size, d, this.A2tP.ptr, into.ptr, n, 0);
  }

  /** ∇ = A1ᵀ·Z (+ reg·x). */
  private pullBack(x: Float64Array, grad: Float64Array) {
    const { k, n, d } = this;
    k.gemm(d, d, n, this.A1t.ptr, n, this.Z.ptr, d, this.out.ptr, d, 0);
    grad.set(this.out.a);
    if (this.reg) for (let i = 0; i < grad.length; i++) grad[i] += this.reg * x[i];
  }

  /** The largest score and its first place, scanning every block of S = (A1·X)·A2ᵀ again (only on refusal). */
  private locateOverflow(): ExpOverflow {
    const { n, rb } = this;
    let value = -Infinity,
      at = 0;
    for (let i0 = 0; i0 < n; i0 += rb) {
      const r = Math.min(rb, n - i0);
      this.blockScores(this.T, i0, r, this.S);
      const s = this.S.a;
      for (let q = 0; q < r * n; q++) {
        if (s[q] > value) {
          value = s[q];
          at = i0 * n + q;
        }
      }
    }
    return { value, limit: this.limit, row: Math.floor(at / n), col: at % n };
  }
}
