/**
 * Vector-form softmax regression (paper 1): z = A·x, loss on softmax(z) or exp(z) against b (math spec §2.3–§2.5).
 * The same row kernel as the attention form with a single row; gradient Aᵀ·g and HVP Aᵀ·(∇²_z L·A·v), O(nd).
 */
import type { Matrix, SoftmaxProblem } from '../problem';
import { dot, mulTVec, mulVec } from './dense';
import type { Objective } from './objective';
import { RowKernel } from './rows';

export class SoftmaxObjective implements Objective {
  readonly dim: number;
  private readonly kernel: RowKernel;
  private readonly A: Matrix;
  private readonly reg: number;
  private readonly z: Float64Array;
  private readonly g: Float64Array;
  private readonly dz: Float64Array;
  private readonly m: Float64Array;

  constructor(p: SoftmaxProblem) {
    this.dim = p.d;
    this.A = p.A;
    this.reg = p.reg;
    this.kernel = new RowKernel(p.variant, 1, p.n, p.b);
    this.z = new Float64Array(p.n);
    this.g = new Float64Array(p.n);
    this.dz = new Float64Array(p.n);
    this.m = new Float64Array(p.n);
  }

  get overflow() {
    return this.kernel.overflow;
  }

  loss(x: Float64Array): number {
    mulVec(this.A, x, this.z);
    return this.kernel.value(this.z) + (this.reg ? 0.5 * this.reg * dot(x, x) : 0);
  }

  lossGrad(x: Float64Array, grad: Float64Array): number {
    const L = this.loss(x);
    if (L === Infinity && this.kernel.overflow) {
      grad.fill(NaN);
      return L;
    }
    this.kernel.grad(this.g);
    mulTVec(this.A, this.g, grad);
    if (this.reg) for (let i = 0; i < grad.length; i++) grad[i] += this.reg * x[i];
    return L;
  }

  /** The forward pass is O(nd), as cheap as the product itself, so it is simply redone. */
  hessVec(x: Float64Array, v: Float64Array, out: Float64Array): void {
    this.loss(x);
    this.kernel.grad(this.g);
    mulVec(this.A, v, this.dz);
    this.kernel.hessVec(this.dz, this.m);
    mulTVec(this.A, this.m, out);
    if (this.reg) for (let i = 0; i < out.length; i++) out[i] += this.reg * v[i];
  }
}
