/**
 * The trained model of the experiment (math spec §3.7, step 4): one residual softmax self-attention layer in von
 * Oswald et al.'s layout. Tokens e_i = (a_i, ℓ_i) ∈ R^{D}, D = d + 1, for the context, with ℓ the task's labels
 * (tasks.ts); the query token is h_q = (a_q, 0). Keys and values come from the context only, and per head
 *   h'_q = h_q + Σ_h softmax((h_q·WQ_h)(E·WK_h)ᵀ/√k)·E·WV_h·WP_h,
 * read out as ŷ = −h'_q[D−1] (`plain`, their sign convention) or ŷ = (1 − h'_q[D−1])/(n+1) (`offset`).
 * Only the query's last coordinate is read, so the forward pass contracts early: with u = WK_h·WQ_hᵀ·h_q and
 * v = WV_h·WP_h[:, D−1], the scores are E·u/√k and the head's output is αᵀ·E·v, O(n·D + D·k) per head instead of
 * O(n·D·k). Gradients and the sensitivity ∂ŷ/∂a_q are derived by hand along the same contraction (a JS autodiff
 * library would rebuild the full O(n·D·k) graph per task); tests check both against finite differences.
 */
import type { IclReadout } from '../../../protocol/experiment';
import type { Rng } from '../math/random';
import type { Task } from './tasks';

/** von Oswald et al.'s initialiser, VarianceScaling(0.002): truncated normal, std √(0.002/fan_in) before truncation. */
const INIT_SCALE = 0.002;
/** Std of a standard normal truncated to ±2 (haiku divides by it so the truncated draw has the intended std). */
const TRUNCATED_STD = 0.8796256610342398;

export class AttentionLayer {
  /** All weights, flat: per head WQ_h, WK_h, WV_h (each D×k, row-major), then WP ((heads·k)×D). */
  readonly params: Float64Array;
  private readonly D: number;
  private readonly wpOffset: number;
  private readonly invSqrtK: number;
  /** ŷ = shift + scale·(−h'_q[D−1]): (0, 1) for the plain read-out, (1/(n+1), 1/(n+1)) for the offset one. */
  private readonly shift: number;
  private readonly scale: number;
  // Per-head state of the last forward pass (the backward pass needs it), and scratch; reused across tasks.
  private readonly q: Float64Array[];
  private readonly p: Float64Array[];
  private readonly alpha: Float64Array[];
  private readonly c: Float64Array[];
  private readonly out: Float64Array;
  private readonly u: Float64Array;
  private readonly v: Float64Array;
  private readonly du: Float64Array;
  private readonly dv: Float64Array;
  private readonly dq: Float64Array;
  private task?: Task;

  constructor(
    private readonly n: number,
    private readonly d: number,
    private readonly heads: number,
    private readonly k: number,
    readout: IclReadout = 'plain',
  ) {
    this.shift = readout === 'offset' ? 1 / (n + 1) : 0;
    this.scale = readout === 'offset' ? 1 / (n + 1) : 1;
    const D = (this.D = d + 1);
    this.wpOffset = heads * 3 * D * k;
    this.params = new Float64Array(this.wpOffset + heads * k * D);
    this.invSqrtK = 1 / Math.sqrt(k);
    const each = (len: number) => Array.from({ length: heads }, () => new Float64Array(len));
    this.q = each(k);
    this.p = each(k);
    this.alpha = each(n);
    this.c = each(n);
    this.out = new Float64Array(heads);
    this.u = new Float64Array(D);
    this.v = new Float64Array(D);
    this.du = new Float64Array(D);
    this.dv = new Float64Array(D);
    this.dq = new Float64Array(k);
  }

  /** Fresh weights: truncated normal (±2σ) with σ = √(0.002/fan_in), fan_in = D for WQ, WK, WV and heads·k for WP. */
  init(rng: Rng): void {
    const draw = (fanIn: number) => {
      let z: number;
      do z = rng.normal();
      while (Math.abs(z) > 2);
      return (z * Math.sqrt(INIT_SCALE / fanIn)) / TRUNCATED_STD;
    };
    for (let i = 0; i < this.wpOffset; i++) this.params[i] = draw(this.D);
    for (let i = this.wpOffset; i < this.params.length; i++) this.params[i] = draw(this.heads * this.k);
  }

  /** ŷ for the task's query; keeps what addGradient and sensitivity need for this task. */
  forward(task: Task): number {
    const { n, d, D, k, params: w, u, v } = this;
    const words = task.words.data;
    const b = task.labels;
    const query = n * d;
    this.task = task;
    let y = 0;
    for (let h = 0; h < this.heads; h++) {
      const [oQ, oK, oV] = this.offsets(h);
      const q = this.q[h];
      const p = this.p[h];
      const alpha = this.alpha[h];
      const c = this.c[h];
      // q = WQᵀ·h_q (the query's label slot is 0, so row D−1 of WQ drops out).
      q.fill(0);
      for (let r = 0; r < d; r++) {
        const x = words[query + r];
        for (let j = 0; j < k; j++) q[j] += x * w[oQ + r * k + j];
      }
      // u = WK·q, v = WV·p with p = WP_h[:, D−1].
      for (let j = 0; j < k; j++) p[j] = w[this.wpOffset + (h * k + j) * D + D - 1];
      for (let r = 0; r < D; r++) {
        let su = 0;
        let sv = 0;
        for (let j = 0; j < k; j++) {
          su += w[oK + r * k + j] * q[j];
          sv += w[oV + r * k + j] * p[j];
        }
        u[r] = su;
        v[r] = sv;
      }
      // Scores e_i·u/√k, their softmax α, and values c_i = e_i·v.
      let max = -Infinity;
      for (let i = 0; i < n; i++) {
        let s = b[i] * u[d];
        let cv = b[i] * v[d];
        for (let r = 0; r < d; r++) {
          s += words[i * d + r] * u[r];
          cv += words[i * d + r] * v[r];
        }
        alpha[i] = s * this.invSqrtK;
        c[i] = cv;
        if (alpha[i] > max) max = alpha[i];
      }
      let sum = 0;
      for (let i = 0; i < n; i++) sum += alpha[i] = Math.exp(alpha[i] - max);
      let out = 0;
      for (let i = 0; i < n; i++) {
        alpha[i] /= sum;
        out += alpha[i] * c[i];
      }
      this.out[h] = out;
      y -= out;
    }
    return this.shift + this.scale * y;
  }

  /** Adds dLoss·∂ŷ/∂params for the last forward task into `grad` (dLoss = ∂loss/∂ŷ). */
  addGradient(dLoss: number, grad: Float64Array): void {
    const { n, d, D, k, params: w, du, dv, dq } = this;
    // headDerivatives differentiates −h'_q[D−1]; the read-out scales it.
    const gy = dLoss * this.scale;
    const words = this.task!.words.data;
    for (let h = 0; h < this.heads; h++) {
      const [oQ, oK, oV] = this.offsets(h);
      this.headDerivatives(h);
      const q = this.q[h];
      const p = this.p[h];
      for (let r = 0; r < d; r++) {
        const x = gy * words[n * d + r];
        for (let j = 0; j < k; j++) grad[oQ + r * k + j] += x * dq[j];
      }
      for (let r = 0; r < D; r++) {
        const gu = gy * du[r];
        const gv = gy * dv[r];
        for (let j = 0; j < k; j++) {
          grad[oK + r * k + j] += gu * q[j];
          grad[oV + r * k + j] += gv * p[j];
        }
      }
      // ∂y/∂p = WVᵀ·∂y/∂v, into WP's last column.
      for (let j = 0; j < k; j++) {
        let s = 0;
        for (let r = 0; r < D; r++) s += w[oV + r * k + j] * dv[r];
        grad[this.wpOffset + (h * k + j) * D + D - 1] += gy * s;
      }
    }
  }

  /** Writes ∂ŷ/∂a_q ∈ R^d of the last forward task into `out`: the input-gradient the Model Diff/Cos metrics compare. */
  sensitivity(out: Float64Array): void {
    const { d, k, params: w, dq } = this;
    out.fill(0);
    for (let h = 0; h < this.heads; h++) {
      const [oQ] = this.offsets(h);
      this.headDerivatives(h);
      // ∂y/∂h_q = WQ·∂y/∂q; a_q is its first d entries.
      for (let r = 0; r < d; r++) {
        let s = 0;
        for (let j = 0; j < k; j++) s += w[oQ + r * k + j] * dq[j];
        out[r] += this.scale * s;
      }
    }
  }

  private offsets(h: number): [number, number, number] {
    const oQ = h * 3 * this.D * this.k;
    return [oQ, oQ + this.D * this.k, oQ + 2 * this.D * this.k];
  }

  /** Of y = −h'_q[D−1] (before the read-out), head h's ∂y/∂u, ∂y/∂v and ∂y/∂q: ∂y/∂s_i = −α_i(c_i − c̄), ∂y/∂u = Σ_i ∂y/∂s_i·e_i/√k, ∂y/∂v = −Eᵀα, ∂y/∂q = WKᵀ·∂y/∂u. */
  private headDerivatives(h: number): void {
    const { n, d, D, k, params: w, du, dv, dq } = this;
    const words = this.task!.words.data;
    const b = this.task!.labels;
    const alpha = this.alpha[h];
    const c = this.c[h];
    const out = this.out[h];
    const oK = this.offsets(h)[1];
    du.fill(0);
    dv.fill(0);
    for (let i = 0; i < n; i++) {
      const ds = -alpha[i] * (c[i] - out) * this.invSqrtK;
      const a = -alpha[i];
      for (let r = 0; r < d; r++) {
        du[r] += ds * words[i * d + r];
        dv[r] += a * words[i * d + r];
      }
      du[d] += ds * b[i];
      dv[d] += a * b[i];
    }
    dq.fill(0);
    for (let r = 0; r < D; r++) for (let j = 0; j < k; j++) dq[j] += w[oK + r * k + j] * du[r];
  }
}
