/**
 * Matrix-form attention regression (paper 2): S = A1·X·A2ᵀ, loss on rowsoftmax(S) or exp(S) against B,
 * gradient A1ᵀ·G·A2 and Hessian-vector product A1ᵀ·M·A2 with M = ∇²_S L · (A1·V·A2ᵀ) (math spec §4.5, §4.6).
 * Buffers are allocated once per problem; a run does no allocation per iteration.
 */
import type { AttentionProblem, Matrix } from '../problem';
import { dot, matmul, matmulAT, matmulBT } from './dense';
import type { Objective } from './objective';
import { RowKernel, view } from './rows';

export class AttentionObjective implements Objective {
  readonly dim: number;
  private readonly kernel: RowKernel;
  private readonly A1: Matrix;
  private readonly A2: Matrix;
  private readonly reg: number;
  private readonly T: Matrix; // A1·X, n×d
  private readonly S: Matrix; // n×n
  private readonly G: Matrix; // n×n
  private readonly GA2: Matrix; // G·A2, n×d
  private readonly M: Matrix; // n×n
  private readonly dS: Matrix; // n×n
  /** The point the forward state belongs to, so repeated HVPs at one point skip the forward pass. */
  private readonly at: Float64Array;
  private fresh = false;

  constructor(p: AttentionProblem) {
    const { n, d } = p;
    this.dim = d * d;
    this.A1 = p.A1;
    this.A2 = p.A2;
    this.reg = p.reg;
    this.kernel = new RowKernel(p.variant, n, n, p.B.data);
    this.T = view(n, d, new Float64Array(n * d));
    this.S = view(n, n, new Float64Array(n * n));
    this.G = view(n, n, new Float64Array(n * n));
    this.GA2 = view(n, d, new Float64Array(n * d));
    this.M = view(n, n, new Float64Array(n * n));
    this.dS = view(n, n, new Float64Array(n * n));
    this.at = new Float64Array(d * d);
  }

  get overflow() {
    return this.kernel.overflow;
  }

  /** S(Y) = (A1·Y)·A2ᵀ into `out`: O(nd² + n²d). */
  private scores(y: Float64Array, out: Matrix) {
    const d = this.A1.cols;
    matmul(this.A1, view(d, d, y), this.T);
    matmulBT(this.T, this.A2, out);
  }

  private forward(x: Float64Array): number {
    this.scores(x, this.S);
    this.at.set(x);
    this.fresh = true;
    return this.kernel.value(this.S.data) + (this.reg ? 0.5 * this.reg * dot(x, x) : 0);
  }

  loss(x: Float64Array): number {
    return this.forward(x);
  }

  lossGrad(x: Float64Array, grad: Float64Array): number {
    const L = this.forward(x);
    if (L === Infinity && this.kernel.overflow) {
      grad.fill(NaN);
      return L;
    }
    this.kernel.grad(this.G.data);
    this.pullBack(this.G, grad);
    if (this.reg) for (let i = 0; i < grad.length; i++) grad[i] += this.reg * x[i];
    return L;
  }

  hessVec(x: Float64Array, v: Float64Array, out: Float64Array): void {
    if (!this.fresh || !sameVector(this.at, x)) this.forward(x);
    this.kernel.grad(this.G.data); // the rescaled core needs rowsum(Q∘B)
    this.scores(v, this.dS);
    this.kernel.hessVec(this.dS.data, this.M.data);
    this.pullBack(this.M, out);
    if (this.reg) for (let i = 0; i < out.length; i++) out[i] += this.reg * v[i];
  }

  /** out = vec(A1ᵀ·(Z·A2)): the adjoint of Y ↦ A1·Y·A2ᵀ. */
  private pullBack(Z: Matrix, out: Float64Array) {
    const d = this.A1.cols;
    matmul(Z, this.A2, this.GA2);
    matmulAT(this.A1, this.GA2, view(d, d, out));
  }
}

function sameVector(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
