// AssemblyScript source of the experiment's float32 training kernel (`float32 = 1`), compiled by scripts/build.mjs into
// its own module: icl.ts's batch on four lanes of float32 (f32x4). Per task it draws the words and x* in float64 with
// the float64 kernel's own sampler (iclSampler.ts, the same stream draw for draw) and rounds them to float32, so a seed
// trains on the same tasks up to that rounding and the float64 run is the oracle; then the target, the labels, the
// layer's contracted forward pass and its gradient run in float32, with exp computed here (no host call per entry).
// The weights stay float64 (Adam, AttentionLayer.prepare): each batch starts by rounding M_h and v_h to float32
// copies, and the gradient accumulators are the layer's float64 ones (wasmBatch.ts lays out the memory).
// Rows are padded to a multiple of four floats with zeros (words, x*, M_h, v_h), so any d runs whole vectors and the
// padding adds exact zeros, and matrices to a multiple of four rows, so dot products go four rows at a time; softmax
// inputs are padded with −∞, which exp maps to 0.

import { vexp } from "./exp32";
import { drawWords, setSampler } from "./iclSampler";

// The generator's state, handed over by the caller.
export { setState } from "./iclSampler";

// ---------- sums ----------

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

// @ts-ignore: decorator
@inline function lf(base: usize, i: i32): f32 {
  return load<f32>(base + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function sf(base: usize, i: i32, x: f32): void {
  store<f32>(base + (<usize>i << 2), x);
}

// @ts-ignore: decorator
@inline function ld(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline function st(base: usize, i: i32, x: f64): void {
  store<f64>(base + (<usize>i << 3), x);
}

/** The lane sums of four vectors, as one vector: a transpose by shuffles instead of four horizontal sums. */
// @ts-ignore: decorator
@inline function hsum4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = f32x4.add(v128.shuffle<f32>(a, b, 0, 4, 1, 5), v128.shuffle<f32>(a, b, 2, 6, 3, 7));
  const cd = f32x4.add(v128.shuffle<f32>(c, d, 0, 4, 1, 5), v128.shuffle<f32>(c, d, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(ab, cd, 0, 1, 4, 5), v128.shuffle<f32>(ab, cd, 2, 3, 6, 7));
}

/** The dot products of four rows (`rows`, `stride` bytes apart) with x, over `vecs` vectors, as one vector. */
// @ts-ignore: decorator
@inline function dots4(rows: usize, stride: usize, x: usize, vecs: i32): v128 {
  let s0 = f32x4.splat(0);
  let s1 = s0;
  let s2 = s0;
  let s3 = s0;
  for (let k = 0; k < vecs; k++) {
    const o = rows + (<usize>k << 4);
    const xv = v128.load(x + (<usize>k << 4));
    s0 = f32x4.add(s0, f32x4.mul(v128.load(o), xv));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(o + stride), xv));
    s2 = f32x4.add(s2, f32x4.mul(v128.load(o + 2 * stride), xv));
    s3 = f32x4.add(s3, f32x4.mul(v128.load(o + 3 * stride), xv));
  }
  return hsum4(s0, s1, s2, s3);
}

/** The largest of `vecs` vectors' entries. */
function vmax(x: usize, vecs: i32): f32 {
  let m = v128.load(x);
  for (let k = 1; k < vecs; k++) m = f32x4.max(m, v128.load(x + (<usize>k << 4)));
  const a = max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1));
  return max(a, max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
}

/** x ← exp(x − max)/Σ exp(x − max) over `vecs` vectors (padding −∞ becomes 0). */
function softmax(x: usize, vecs: i32, max: f32): void {
  const m = f32x4.splat(max);
  let sum = f32x4.splat(0);
  for (let k = 0; k < vecs; k++) {
    const o = x + (<usize>k << 4);
    const e = vexp(f32x4.sub(v128.load(o), m));
    v128.store(o, e);
    sum = f32x4.add(sum, e);
  }
  const inv = f32x4.splat(1 / hsum(sum));
  for (let k = 0; k < vecs; k++) {
    const o = x + (<usize>k << 4);
    v128.store(o, f32x4.mul(v128.load(o), inv));
  }
}

// ---------- buffers ----------

// From the caller (float64, the layer's own): per head M_h (D×d), v_h (D), and the accumulators G_h (D×d), g_v (D).
let M: usize = 0;
let V: usize = 0;
let GM: usize = 0;
let GV: usize = 0;
// Scratch (byte addresses, 16-byte aligned), laid out by `layout`; float32 rows are DP floats long.
let WORDS64: usize = 0; // (n+1)×d float64 draws
let XSTAR64: usize = 0; // d float64 draws
let WORDS: usize = 0; // NP1×DP: the n+1 words, then zero rows
let XSTAR: usize = 0; // DP
let P: usize = 0; // NP1: the target p (n+1), then −∞
let LABELS: usize = 0; // NP: the labels (n), then 0
let M32: usize = 0; // per head DR×DP: M_h, then zero rows
let V32: usize = 0; // per head DP (v_h without its label entry)
let VLABEL: usize = 0; // per head v_h[d]
let U: usize = 0; // DR: u_h = M_h·a_q (its label entry u_h[d] meets the words' zero padding or lies past their end)
let ALPHA: usize = 0; // per head NP: scores, the softmax α, then −α (padding: −∞, then 0)
let C: usize = 0; // per head NP: values c_i = e_i·v_h, then ∂y/∂s_i (padding: weight 0)
let OUT: usize = 0; // per head αᵀc
let DU: usize = 0; // DP
let DV: usize = 0; // DP
let AQ: usize = 0; // DP float64: the rounded query word
let GMP: usize = 0; // per head D×DP float64: G_h over the batch, rows padded
let N: i32 = 0;
let DIM: i32 = 0;
let DP: i32 = 0;
let NP: i32 = 0;
let NP1: i32 = 0;
let DR: i32 = 0;
let HEADS: i32 = 0;
let SHIFT: f64 = 0;
let SCALE: f64 = 1;
let CENTERED: i32 = 1;

// @ts-ignore: decorator
@inline function up4(x: i32): i32 {
  return (x + 3) & ~3;
}

// @ts-ignore: decorator
@inline function align16(x: usize): usize {
  return (x + 15) & ~(<usize>15);
}

/** Where `layout` places the next buffer. */
let cursor: usize = 0;

function take(bytes: i32): usize {
  const here = cursor;
  cursor = align16(cursor + <usize>bytes);
  return here;
}

/** Places the scratch buffers from `base` for these shapes; returns the end address. */
function layout(base: usize, n: i32, d: i32, heads: i32): usize {
  const D = d + 1;
  const dp = up4(d);
  const np = up4(n);
  cursor = align16(base);
  WORDS64 = take((n + 1) * d * 8);
  XSTAR64 = take(d * 8);
  WORDS = take(up4(n + 1) * dp * 4);
  XSTAR = take(dp * 4);
  P = take(up4(n + 1) * 4);
  LABELS = take(np * 4);
  M32 = take(heads * up4(D) * dp * 4);
  V32 = take(heads * dp * 4);
  VLABEL = take(heads * 4);
  U = take(up4(D) * 4);
  ALPHA = take(heads * np * 4);
  C = take(heads * np * 4);
  OUT = take(heads * 4);
  DU = take(dp * 4);
  DV = take(dp * 4);
  AQ = take(dp * 8);
  GMP = take(heads * D * dp * 8);
  return cursor;
}

/** Float64 entries of scratch that configure lays out for these shapes (room to align its start included). */
export function scratchLength(n: i32, d: i32, heads: i32): i32 {
  return <i32>(layout(0, n, d, heads) >> 3) + 1;
}

/** icl.ts's configure: the same arguments, so the caller lays out either kernel alike. */
export function configure(
  zx: usize, zr: usize, m: usize, v: usize, gm: usize, gv: usize, scratch: usize,
  n: i32, d: i32, heads: i32, shift: f64, scale: f64,
  wordsKind: i32, wordsA: f64, wordsB: f64, xstarKind: i32, xstarA: f64, xstarB: f64, centered: i32,
): void {
  setSampler(zx, zr, wordsKind, wordsA, wordsB, xstarKind, xstarA, xstarB);
  M = m;
  V = v;
  GM = gm;
  GV = gv;
  N = n;
  DIM = d;
  DP = up4(d);
  NP = up4(n);
  NP1 = up4(n + 1);
  DR = up4(d + 1);
  HEADS = heads;
  SHIFT = shift;
  SCALE = scale;
  CENTERED = centered;
  // Fresh memory is zero, so every padding entry written nowhere below stays 0.
  layout(scratch, n, d, heads);
}

// ---------- one task ----------

/** `len` float64 entries rounded to float32, four at a time; the padding after them is left alone. */
// @ts-ignore: decorator
@inline function toF32(from: usize, to: usize, len: i32): void {
  let j = 0;
  for (; j + 4 <= len; j += 4) {
    const lo = f32x4.demote_f64x2_zero(v128.load(from + (<usize>j << 3)));
    const hi = f32x4.demote_f64x2_zero(v128.load(from + (<usize>j << 3), 16));
    v128.store(to + (<usize>j << 2), v128.shuffle<f32>(lo, hi, 0, 1, 4, 5));
  }
  for (; j < len; j++) sf(to, j, <f32>ld(from, j));
}

/** TaskSampler.next in float32: words and x* drawn in float64 and rounded, p = softmax(words·x*), the labels. */
function drawTask(): void {
  const n = N;
  const d = DIM;
  const dp = DP;
  const vecs = dp >> 2;
  drawWords(WORDS64, XSTAR64, n, d);
  for (let i = 0; i <= n; i++) toF32(WORDS64 + (<usize>(i * d) << 3), WORDS + (<usize>(i * dp) << 2), d);
  toF32(XSTAR64, XSTAR, d);
  const stride = <usize>dp << 2;
  for (let i = 0; i < NP1; i += 4)
    v128.store(P + (<usize>i << 2), dots4(WORDS + <usize>i * stride, stride, XSTAR, vecs));
  for (let i = n + 1; i < NP1; i++) sf(P, i, -Infinity);
  if (CENTERED) {
    // b̂ = b/Σ_ctx b is the softmax of the context's own scores: taken from them, it cannot be 0/0 where float32's
    // exp underflows (score gaps above 87, against 745 in float64) and every context b_i rounds to 0.
    for (let k = 0; k < NP >> 2; k++) v128.store(LABELS + (<usize>k << 4), v128.load(P + (<usize>k << 4)));
    for (let i = n; i < NP; i++) sf(LABELS, i, -Infinity);
    softmax(LABELS, NP >> 2, vmax(LABELS, NP >> 2));
    for (let i = 0; i < n; i++) sf(LABELS, i, lf(LABELS, i) * <f32>n - 1);
  }
  softmax(P, NP1 >> 2, vmax(P, NP1 >> 2));
  if (!CENTERED) for (let i = 0; i < n; i++) sf(LABELS, i, lf(P, i));
}

/** AttentionLayer.forward in float32; the read-out in float64. */
function forward(): f64 {
  const n = N;
  const d = DIM;
  const dp = DP;
  const vecs = dp >> 2;
  const stride = <usize>dp << 2;
  const aq = WORDS + <usize>n * stride;
  let y: f64 = 0;
  for (let h = 0; h < HEADS; h++) {
    const m = M32 + <usize>(h * DR) * stride;
    for (let r = 0; r < DR; r += 4) v128.store(U + (<usize>r << 2), dots4(m + <usize>r * stride, stride, aq, vecs));
    const uLabel = f32x4.splat(lf(U, d));
    const vh = V32 + (<usize>(h * dp) << 2);
    const vLabel = f32x4.splat(lf(VLABEL, h));
    const alpha = ALPHA + (<usize>(h * NP) << 2);
    const c = C + (<usize>(h * NP) << 2);
    // Four words at a time: their scores e_i·u + b_i·u[d] and values e_i·v_h + b_i·v_h[d] (rows past n are the query
    // word and zeros: their scores are replaced by −∞ below, so their α and their values' weight are 0).
    for (let i = 0; i < NP; i += 4) {
      const e = WORDS + <usize>i * stride;
      let s0 = f32x4.splat(0);
      let s1 = s0;
      let s2 = s0;
      let s3 = s0;
      let c0 = s0;
      let c1 = s0;
      let c2 = s0;
      let c3 = s0;
      for (let k = 0; k < vecs; k++) {
        const o = <usize>k << 4;
        const u = v128.load(U + o);
        const v = v128.load(vh + o);
        const w0 = v128.load(e + o);
        const w1 = v128.load(e + stride + o);
        const w2 = v128.load(e + 2 * stride + o);
        const w3 = v128.load(e + 3 * stride + o);
        s0 = f32x4.add(s0, f32x4.mul(w0, u));
        s1 = f32x4.add(s1, f32x4.mul(w1, u));
        s2 = f32x4.add(s2, f32x4.mul(w2, u));
        s3 = f32x4.add(s3, f32x4.mul(w3, u));
        c0 = f32x4.add(c0, f32x4.mul(w0, v));
        c1 = f32x4.add(c1, f32x4.mul(w1, v));
        c2 = f32x4.add(c2, f32x4.mul(w2, v));
        c3 = f32x4.add(c3, f32x4.mul(w3, v));
      }
      const b = v128.load(LABELS + (<usize>i << 2));
      v128.store(alpha + (<usize>i << 2), f32x4.add(hsum4(s0, s1, s2, s3), f32x4.mul(b, uLabel)));
      v128.store(c + (<usize>i << 2), f32x4.add(hsum4(c0, c1, c2, c3), f32x4.mul(b, vLabel)));
    }
    for (let i = n; i < NP; i++) sf(alpha, i, -Infinity);
    softmax(alpha, NP >> 2, vmax(alpha, NP >> 2));
    let out = f32x4.splat(0);
    for (let k = 0; k < NP >> 2; k++) {
      const o = <usize>k << 4;
      out = f32x4.add(out, f32x4.mul(v128.load(alpha + o), v128.load(c + o)));
    }
    const o = hsum(out);
    sf(OUT, h, o);
    y -= <f64>o;
  }
  return SHIFT + SCALE * y;
}

/**
 * AttentionLayer.accumulate in float32 per task, into float64 sums over the batch. A float32 running sum of a batch's
 * 2048 terms would round every addition to 2⁻²⁴ of the running sum, and the terms have both signs, so the gradient
 * they add up to can be far smaller than the sums on the way; in float64 each term keeps only its own float32
 * rounding. The float64 products g ⊗ a_q take about 0.2 ms of a 6 ms step at n = 25, d = 20.
 */
function accumulate(dLoss: f64): void {
  const n = N;
  const d = DIM;
  const dp = DP;
  const vecs = dp >> 2;
  const D = d + 1;
  const stride = <usize>dp << 2;
  const gy = dLoss * SCALE;
  for (let j = 0; j < dp; j++) st(AQ, j, <f64>lf(WORDS, n * dp + j));
  for (let h = 0; h < HEADS; h++) {
    const alpha = ALPHA + (<usize>(h * NP) << 2);
    const c = C + (<usize>(h * NP) << 2);
    // ∂y/∂s_i = −α_i(c_i − αᵀc), written over c (padding: α = 0 gives 0); −α_i over α.
    const out = f32x4.splat(lf(OUT, h));
    let duLabel = f32x4.splat(0);
    let dvLabel = f32x4.splat(0);
    for (let k = 0; k < NP >> 2; k++) {
      const o = <usize>k << 4;
      const a = f32x4.neg(v128.load(alpha + o));
      const ds = f32x4.mul(a, f32x4.sub(v128.load(c + o), out));
      v128.store(alpha + o, a);
      v128.store(c + o, ds);
      const b = v128.load(LABELS + o);
      duLabel = f32x4.add(duLabel, f32x4.mul(ds, b));
      dvLabel = f32x4.add(dvLabel, f32x4.mul(a, b));
    }
    // ∂y/∂u = Σ_i ∂y/∂s_i·e_i and ∂y/∂v = −Σ_i α_i·e_i, a vector of both at a time, four words at a time in four
    // sums each (one chain of additions would wait on each other; the padding words have weight 0).
    for (let k = 0; k < vecs; k++) {
      const e = WORDS + (<usize>k << 4);
      let du0 = f32x4.splat(0);
      let du1 = du0;
      let du2 = du0;
      let du3 = du0;
      let dv0 = du0;
      let dv1 = du0;
      let dv2 = du0;
      let dv3 = du0;
      for (let i = 0; i < NP; i += 4) {
        const w = e + <usize>i * stride;
        const ci = c + (<usize>i << 2);
        const ai = alpha + (<usize>i << 2);
        const w0 = v128.load(w);
        const w1 = v128.load(w + stride);
        const w2 = v128.load(w + 2 * stride);
        const w3 = v128.load(w + 3 * stride);
        du0 = f32x4.add(du0, f32x4.mul(v128.load32_splat(ci), w0));
        du1 = f32x4.add(du1, f32x4.mul(v128.load32_splat(ci + 4), w1));
        du2 = f32x4.add(du2, f32x4.mul(v128.load32_splat(ci + 8), w2));
        du3 = f32x4.add(du3, f32x4.mul(v128.load32_splat(ci + 12), w3));
        dv0 = f32x4.add(dv0, f32x4.mul(v128.load32_splat(ai), w0));
        dv1 = f32x4.add(dv1, f32x4.mul(v128.load32_splat(ai + 4), w1));
        dv2 = f32x4.add(dv2, f32x4.mul(v128.load32_splat(ai + 8), w2));
        dv3 = f32x4.add(dv3, f32x4.mul(v128.load32_splat(ai + 12), w3));
      }
      v128.store(DU + (<usize>k << 4), f32x4.add(f32x4.add(du0, du1), f32x4.add(du2, du3)));
      v128.store(DV + (<usize>k << 4), f32x4.add(f32x4.add(dv0, dv1), f32x4.add(dv2, dv3)));
    }
    const g = GMP + (<usize>(h * D * dp) << 3);
    for (let r = 0; r < D; r++) {
      const gr = f64x2.splat(gy * <f64>(r < d ? lf(DU, r) : hsum(duLabel)));
      const row = g + (<usize>(r * dp) << 3);
      for (let j = 0; j < dp; j += 2) {
        const o = <usize>j << 3;
        v128.store(row + o, f64x2.add(v128.load(row + o), f64x2.mul(gr, v128.load(AQ + o))));
      }
      const gv = h * D + r;
      st(GV, gv, ld(GV, gv) + gy * <f64>(r < d ? lf(DV, r) : hsum(dvLabel)));
    }
  }
}

/** icl.ts's trainBatch in float32: `batch` fresh tasks accumulated; returns their mean loss (summed in float64). */
export function trainBatch(batch: i32): f64 {
  const d = DIM;
  const dp = DP;
  const D = d + 1;
  // This step's weights, rounded.
  for (let h = 0; h < HEADS; h++) {
    for (let r = 0; r < D; r++)
      for (let j = 0; j < d; j++) sf(M32, (h * DR + r) * dp + j, <f32>ld(M, (h * D + r) * d + j));
    for (let j = 0; j < d; j++) sf(V32, h * dp + j, <f32>ld(V, h * D + j));
    sf(VLABEL, h, <f32>ld(V, h * D + d));
  }
  let loss: f64 = 0;
  for (let b = 0; b < batch; b++) {
    drawTask();
    const residual = forward() - <f64>lf(P, N);
    loss += 0.5 * residual * residual;
    accumulate(residual / <f64>batch);
  }
  // The batch's sums into the layer's accumulators (unpadded), and a clean slate for the next batch.
  for (let h = 0; h < HEADS; h++)
    for (let r = 0; r < D; r++) {
      const row = (h * D + r) * dp;
      for (let j = 0; j < d; j++) {
        const at = (h * D + r) * d + j;
        st(GM, at, ld(GM, at) + ld(GMP, row + j));
      }
      for (let j = 0; j < dp; j++) st(GMP, row + j, 0);
    }
  return loss / <f64>batch;
}
