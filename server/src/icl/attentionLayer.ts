/**
 * The trained model of the experiment (math spec §3.7, step 4): one residual softmax self-attention layer in von
 * Oswald et al.'s layout. Tokens e_i = (a_i, ℓ_i) ∈ R^{D}, D = d + 1, for the context, with ℓ the task's labels
 * (tasks.ts); the query token is h_q = (a_q, 0). Keys and values come from the context only, and per head
 *   h'_q = h_q + Σ_h softmax((h_q·WQ_h)(E·WK_h)ᵀ/√k)·E·WV_h·WP_h,
 * read out as ŷ = −h'_q[D−1] (`plain`, their sign convention) or ŷ = (1 − h'_q[D−1])/(n+1) (`offset`).
 * Only the query's last coordinate is read, so the forward pass contracts early, and what does not depend on the task
 * is computed once per weight update (`prepare`) instead of once per task: M_h = WK_h·WQ_hᵀ/√k (D×d, the query's label
 * slot is 0) and v_h = WV_h·WP_h[:, D−1], so a task's scores are E·(M_h·a_q) and its head output αᵀ·E·v_h, O(n·D + D·d)
 * per head. The backward pass keeps the per-task part as small: a task adds ∂ŷ/∂u ⊗ a_q (D×d) and ∂ŷ/∂v_h (D) to
 * accumulators, and `gradient` maps them onto WQ, WK, WV and WP once per batch (∂/∂WK = G·WQ/√k, ∂/∂WQ = Gᵀ·WK/√k,
 * ∂/∂WV = g_v ⊗ p, ∂/∂p = WVᵀ·g_v). Gradients and the sensitivity ∂ŷ/∂a_q are derived by hand along this contraction
 * (a JS autodiff library would rebuild the full O(n·D·k) graph per task); tests check both against finite
 * differences. Nothing is allocated per task or per step.
 */
import type { IclReadout } from '../../../protocol/experiment';
import type { Rng } from '../math/random';
import { dot4 } from './dot';
import type { Task } from './tasks';

/** von Oswald et al.'s initialiser, VarianceScaling(0.002): truncated normal, std √(0.002/fan_in) before truncation. */
const INIT_SCALE = 0.002;
/** Std of a standard normal truncated to ±2 (haiku divides by it so the truncated draw has the intended std). */
const TRUNCATED_STD = 0.8796256610342398;

/**
 * Where the per-step state lives: M_h and v_h (written by `prepare`), and the accumulators G_h and g_v (read by
 * `gradient`). Fresh arrays by default; the WebAssembly training kernel passes views of its memory (wasmBatch.ts).
 */
export interface LayerBuffers {
  m: Float64Array;
  v: Float64Array;
  gm: Float64Array;
  gv: Float64Array;
}

/** Entries of each LayerBuffers array for a layer of this shape. */
export function layerBufferLengths(d: number, heads: number): { [K in keyof LayerBuffers]: number } {
  return { m: heads * (d + 1) * d, v: heads * (d + 1), gm: heads * (d + 1) * d, gv: heads * (d + 1) };
}

export class AttentionLayer {
  /** All weights, flat: per head WQ_h, WK_h, WV_h (each D×k, row-major), then WP ((heads·k)×D). */
  readonly params: Float64Array;
  private readonly D: number;
  private readonly wpOffset: number;
  private readonly invSqrtK: number;
  /** ŷ = shift + scale·(−h'_q[D−1]): (0, 1) for the plain read-out, (1/(n+1), 1/(n+1)) for the offset one. */
  private readonly shift: number;
  private readonly scale: number;
  /** Per head, from `prepare`: M_h (D×d, row-major) and v_h (D), one after the other. */
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  /** Per head, of the last forward task: u_h = M_h·a_q (D), the softmax α_h (n), the values c_h (n), αᵀc. */
  private readonly u: Float64Array;
  private readonly alpha: Float64Array;
  private readonly c: Float64Array;
  private readonly out: Float64Array;
  /** Per head, summed over the tasks since the last `gradient`: Σ gy·∂y/∂u ⊗ a_q (D×d) and Σ gy·∂y/∂v (D). */
  private readonly gm: Float64Array;
  private readonly gv: Float64Array;
  /** Scratch: ∂y/∂u and ∂y/∂v of one head of one task. */
  private readonly du: Float64Array;
  private readonly dv: Float64Array;
  private task?: Task;

  constructor(
    private readonly n: number,
    private readonly d: number,
    private readonly heads: number,
    private readonly k: number,
    readout: IclReadout = 'plain',
    buffers?: LayerBuffers,
  ) {
    this.shift = readout === 'offset' ? 1 / (n + 1) : 0;
    this.scale = readout === 'offset' ? 1 / (n + 1) : 1;
    const D = (this.D = d + 1);
    this.wpOffset = heads * 3 * D * k;
    this.params = new Float64Array(this.wpOffset + heads * k * D);
    this.invSqrtK = 1 / Math.sqrt(k);
    const lengths = layerBufferLengths(d, heads);
    this.m = buffers?.m ?? new Float64Array(lengths.m);
    this.v = buffers?.v ?? new Float64Array(lengths.v);
    this.gm = buffers?.gm ?? new Float64Array(lengths.gm);
    this.gv = buffers?.gv ?? new Float64Array(lengths.gv);
    this.u = new Float64Array(heads * D);
    this.alpha = new Float64Array(heads * n);
    this.c = new Float64Array(heads * n);
    this.out = new Float64Array(heads);
    this.du = new Float64Array(D);
    this.dv = new Float64Array(D);
    this.prepare();
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
    this.prepare();
  }

  /** Recomputes M_h and v_h from `params`: call after every change of the weights, before `forward`. */
  prepare(): void {
    const { d, D, k, params: w, m, v } = this;
    for (let h = 0; h < this.heads; h++) {
      const oQ = this.wqOffset(h);
      const oK = oQ + D * k;
      const oV = oK + D * k;
      const oP = this.wpOffset + h * k * D + D - 1;
      for (let r = 0; r < D; r++) {
        // M[r, j] = Σ_l WK[r, l]·WQ[j, l]/√k.
        for (let j = 0; j < d; j++) {
          let s = 0;
          for (let l = 0; l < k; l++) s += w[oK + r * k + l] * w[oQ + j * k + l];
          m[(h * D + r) * d + j] = s * this.invSqrtK;
        }
        let sv = 0;
        for (let l = 0; l < k; l++) sv += w[oV + r * k + l] * w[oP + l * D];
        v[h * D + r] = sv;
      }
    }
  }

  /** ŷ for the task's query (with the weights of the last `prepare`); keeps what accumulate and sensitivity need. */
  forward(task: Task): number {
    const { n, d, D, m, v, u, alpha, c } = this;
    const words = task.words.data;
    const b = task.labels;
    const query = n * d;
    this.task = task;
    let y = 0;
    for (let h = 0; h < this.heads; h++) {
      const oM = h * D * d;
      const oU = h * D;
      const oA = h * n;
      for (let r = 0; r < D; r++) u[oU + r] = dot4(m, oM + r * d, words, query, d);
      // Scores e_i·u, their softmax α, and values c_i = e_i·v.
      const uLabel = u[oU + d];
      const vLabel = v[oU + d];
      let max = -Infinity;
      for (let i = 0; i < n; i++) {
        const s = dot4(words, i * d, u, oU, d, b[i] * uLabel);
        alpha[oA + i] = s;
        c[oA + i] = dot4(words, i * d, v, oU, d, b[i] * vLabel);
        if (s > max) max = s;
      }
      let sum = 0;
      for (let i = 0; i < n; i++) sum += alpha[oA + i] = Math.exp(alpha[oA + i] - max);
      const inv = 1 / sum;
      let out = 0;
      for (let i = 0; i < n; i++) out += (alpha[oA + i] *= inv) * c[oA + i];
      this.out[h] = out;
      y -= out;
    }
    return this.shift + this.scale * y;
  }

  /** Adds dLoss·∂ŷ/∂(M_h, v_h) of the last forward task to the accumulators (dLoss = ∂loss/∂ŷ). */
  accumulate(dLoss: number): void {
    const { d, D, gm, gv, du, dv } = this;
    // headDerivatives differentiates −h'_q[D−1]; the read-out scales it.
    const gy = dLoss * this.scale;
    const words = this.task!.words.data;
    const query = this.n * d;
    for (let h = 0; h < this.heads; h++) {
      this.headDerivatives(h);
      const oG = h * D * d;
      for (let r = 0; r < D; r++) {
        const g = gy * du[r];
        for (let j = 0; j < d; j++) gm[oG + r * d + j] += g * words[query + j];
        gv[h * D + r] += gy * dv[r];
      }
    }
  }

  /** Writes the gradient of everything accumulated since the last call into `grad` (all params), and clears it. */
  gradient(grad: Float64Array): void {
    const { d, D, k, params: w, gm, gv } = this;
    grad.fill(0);
    for (let h = 0; h < this.heads; h++) {
      const oQ = this.wqOffset(h);
      const oK = oQ + D * k;
      const oV = oK + D * k;
      const oP = this.wpOffset + h * k * D + D - 1;
      const oG = h * D * d;
      for (let r = 0; r < D; r++) {
        // ∂/∂WK[r, l] = Σ_j G[r, j]·WQ[j, l]/√k.
        for (let l = 0; l < k; l++) {
          let s = 0;
          for (let j = 0; j < d; j++) s += gm[oG + r * d + j] * w[oQ + j * k + l];
          grad[oK + r * k + l] = s * this.invSqrtK;
        }
        // ∂/∂WV[r, l] = g_v[r]·p[l].
        for (let l = 0; l < k; l++) grad[oV + r * k + l] = gv[h * D + r] * w[oP + l * D];
      }
      // ∂/∂WQ[j, l] = Σ_r G[r, j]·WK[r, l]/√k (row D−1 of WQ meets the query's label slot, 0: no gradient).
      for (let j = 0; j < d; j++)
        for (let l = 0; l < k; l++) {
          let s = 0;
          for (let r = 0; r < D; r++) s += gm[oG + r * d + j] * w[oK + r * k + l];
          grad[oQ + j * k + l] = s * this.invSqrtK;
        }
      // ∂/∂p[l] = Σ_r WV[r, l]·g_v[r], into WP's last column.
      for (let l = 0; l < k; l++) {
        let s = 0;
        for (let r = 0; r < D; r++) s += w[oV + r * k + l] * gv[h * D + r];
        grad[oP + l * D] = s;
      }
    }
    gm.fill(0);
    gv.fill(0);
  }

  /** Writes ∂ŷ/∂a_q ∈ R^d of the last forward task into `out`: the input-gradient the Model Diff/Cos metrics compare. */
  sensitivity(out: Float64Array): void {
    const { d, D, m, du } = this;
    out.fill(0);
    for (let h = 0; h < this.heads; h++) {
      this.headDerivatives(h);
      // ∂y/∂a_q = M_hᵀ·∂y/∂u.
      const oM = h * D * d;
      for (let r = 0; r < D; r++) {
        const g = this.scale * du[r];
        for (let j = 0; j < d; j++) out[j] += g * m[oM + r * d + j];
      }
    }
  }

  /** Where head h's WQ starts in `params`; its WK and WV follow, D·k entries each. */
  private wqOffset(h: number): number {
    return h * 3 * this.D * this.k;
  }

  /** Of y = −h'_q[D−1] (before the read-out), head h's ∂y/∂u and ∂y/∂v: ∂y/∂s_i = −α_i(c_i − αᵀc), ∂y/∂u = Σ_i ∂y/∂s_i·e_i, ∂y/∂v = −Eᵀα. */
  private headDerivatives(h: number): void {
    const { n, d, du, dv, alpha, c } = this;
    const words = this.task!.words.data;
    const b = this.task!.labels;
    const oA = h * n;
    const out = this.out[h];
    du.fill(0);
    dv.fill(0);
    let duLabel = 0;
    let dvLabel = 0;
    for (let i = 0; i < n; i++) {
      const a = -alpha[oA + i];
      const ds = a * (c[oA + i] - out);
      const oE = i * d;
      for (let r = 0; r < d; r++) {
        const e = words[oE + r];
        du[r] += ds * e;
        dv[r] += a * e;
      }
      duLabel += ds * b[i];
      dvLabel += a * b[i];
    }
    du[d] = duLabel;
    dv[d] = dvLabel;
  }
}
