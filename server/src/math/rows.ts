/**
 * The per-row core shared by all four problems. Both forms reduce to rows of scores S (n×n for attention,
 * 1×n for the vector form) against target rows B: the vector problem is the attention problem with one row.
 * Forward state (P or U, residual) is kept so the gradient and Hessian-vector products reuse it.
 *
 * Normalized (math spec §4.5): P = rowsoftmax(S), R = P − B, G = P∘(R − rowsum(P∘R)).
 * Rescaled: U = exp(S), α = rowsum(U), Q = U − diag(α)B, G = U∘(Q − rowsum(Q∘B)).
 * Hessian cores per row (§2.4, §2.5) are applied to a direction without being formed: O(n) per row.
 */
import type { Variant } from '../../../protocol/results';
import type { Matrix } from '../problem';

/** ln(MAX_VALUE)/2: above this exp(S)² overflows float64; rescaledLimit lowers it for the sizes and the target. */
export const RESCALED_EXP_LIMIT = Math.log(Number.MAX_VALUE) / 2;

/** Where the rescaled exponent crossed its limit: the largest score and its place. */
export interface ExpOverflow {
  value: number;
  limit: number;
  row: number;
  col: number;
}

/** The largest float32, the ceiling of the float32 kernels' intermediates. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * The largest rescaled exponent that keeps the loss, gradient and Hessian finite for target B (rows×cols).
 * The rescaled residual is at most n·e^m·(1 + max|B|) per entry for m = max S, and the loss sums rows·n squares,
 * so e^{2m}·n²(1 + max|B|)²·rows·n must stay below MAX_VALUE; a margin of e^8 leaves room for the products with
 * A1 and A2 in the gradient. Refusing before exp keeps every run free of Inf arithmetic. With `precision` 32 the
 * ceiling is the largest float32 (ln of it halved is 44.4 instead of 354.9).
 */
export function rescaledLimit(B: Float64Array, rows: number, cols: number, precision: 64 | 32 = 64): number {
  let maxB = 0;
  for (let i = 0; i < B.length; i++) maxB = Math.max(maxB, Math.abs(B[i]));
  const ceiling = precision === 64 ? RESCALED_EXP_LIMIT : Math.log(FLOAT32_MAX) / 2;
  return ceiling - Math.log(cols) - 0.5 * Math.log(rows * cols) - Math.log1p(maxB) - 4;
}

export class RowKernel {
  /** P (normalized) or U = exp(S) (rescaled). */
  readonly P: Float64Array;
  /** Residual R = P − B or Q = U − diag(α)B. */
  readonly R: Float64Array;
  /** Per-row rowsum(P∘R) or rowsum(Q∘B). */
  private readonly t: Float64Array;
  /** Largest rescaled exponent that keeps the loss, gradient and Hessian finite for this B (`rescaledLimit`). */
  private readonly limit: number;
  /** Set when the last `value` refused to exponentiate. */
  overflow: ExpOverflow | undefined;

  constructor(
    readonly variant: Variant,
    readonly rows: number,
    readonly cols: number,
    private readonly B: Float64Array,
  ) {
    this.P = new Float64Array(rows * cols);
    this.R = new Float64Array(rows * cols);
    this.t = new Float64Array(rows);
    this.limit = rescaledLimit(B, rows, cols);
  }

  /** 0.5‖residual‖² for scores S (rows×cols). Returns +Infinity, with `overflow` set, when exp(S) would overflow. */
  value(S: Float64Array): number {
    const { rows, cols, P, R, B } = this;
    this.overflow = undefined;
    let loss = 0;
    if (this.variant === 'normalized') {
      for (let i = 0; i < rows; i++) {
        const o = i * cols;
        let max = -Infinity;
        for (let j = 0; j < cols; j++) if (S[o + j] > max) max = S[o + j];
        let sum = 0;
        for (let j = 0; j < cols; j++) sum += P[o + j] = Math.exp(S[o + j] - max);
        const inv = 1 / sum;
        for (let j = 0; j < cols; j++) {
          P[o + j] *= inv;
          const r = (R[o + j] = P[o + j] - B[o + j]);
          loss += r * r;
        }
      }
      return 0.5 * loss;
    }
    let m = -Infinity,
      at = 0;
    for (let k = 0; k < S.length; k++) {
      if (S[k] > m) {
        m = S[k];
        at = k;
      }
    }
    if (m > this.limit) {
      this.overflow = { value: m, limit: this.limit, row: Math.floor(at / cols), col: at % cols };
      return Infinity;
    }
    for (let i = 0; i < rows; i++) {
      const o = i * cols;
      let alpha = 0;
      for (let j = 0; j < cols; j++) alpha += P[o + j] = Math.exp(S[o + j]);
      for (let j = 0; j < cols; j++) {
        const q = (R[o + j] = P[o + j] - alpha * B[o + j]);
        loss += q * q;
      }
    }
    return 0.5 * loss;
  }

  /** G = ∂L/∂S from the state of the last `value`. */
  grad(G: Float64Array): void {
    const { rows, cols, P, R, B, t } = this;
    const normalized = this.variant === 'normalized';
    for (let i = 0; i < rows; i++) {
      const o = i * cols;
      let s = 0;
      for (let j = 0; j < cols; j++) s += R[o + j] * (normalized ? P[o + j] : B[o + j]);
      t[i] = s;
      for (let j = 0; j < cols; j++) G[o + j] = P[o + j] * (R[o + j] - s);
    }
  }

  /** M = ∇²_S L · dS row by row (the Hessian of L in S is block-diagonal over rows). Needs `value` and `grad` first. */
  hessVec(dS: Float64Array, M: Float64Array): void {
    const { rows, cols, P, R, B, t } = this;
    for (let i = 0; i < rows; i++) {
      const o = i * cols;
      if (this.variant === 'normalized') {
        // B(x)v = ⟨3f−2b,f⟩ f(f·v) − f(g·v) − g(f·v) + g∘v − ⟨f−b,f⟩ f∘v with g = (2f−b)∘f (§2.4).
        let c1 = 0,
          c2 = 0,
          fv = 0,
          gv = 0;
        for (let j = 0; j < cols; j++) {
          const f = P[o + j],
            b = B[o + j],
            v = dS[o + j],
            g = (2 * f - b) * f;
          c1 += (3 * f - 2 * b) * f;
          c2 += (f - b) * f;
          fv += f * v;
          gv += g * v;
        }
        for (let j = 0; j < cols; j++) {
          const f = P[o + j],
            b = B[o + j],
            v = dS[o + j],
            g = (2 * f - b) * f;
          M[o + j] = c1 * f * fv - f * gv - g * fv + g * v - c2 * f * v;
        }
      } else {
        // diag(u)(I − 1bᵀ)(I − b1ᵀ)diag(u)v + diag(u∘(q − ⟨q,b⟩1))v (§2.5).
        let sw = 0;
        for (let j = 0; j < cols; j++) sw += P[o + j] * dS[o + j];
        let by = 0;
        for (let j = 0; j < cols; j++) by += B[o + j] * (P[o + j] * dS[o + j] - B[o + j] * sw);
        for (let j = 0; j < cols; j++) {
          const u = P[o + j],
            y = u * dS[o + j] - B[o + j] * sw;
          M[o + j] = u * (y - by) + u * (R[o + j] - t[i]) * dS[o + j];
        }
      }
    }
  }
}

/** Wraps a row-major buffer as a Matrix without copying. */
export function view(rows: number, cols: number, data: Float64Array): Matrix {
  return { rows, cols, data };
}
