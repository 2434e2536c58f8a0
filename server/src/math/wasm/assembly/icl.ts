// AssemblyScript source of the in-context-learning experiment's training kernel, compiled by scripts/build.mjs into its
// own module. One call trains on a batch: per task it draws the words and x* (iclSampler.ts: xoshiro128** and the
// ziggurat of server/src/math/random.ts), the target and labels (server/src/icl/tasks.ts), runs the attention layer's
// contracted forward pass and adds the task's gradient to the accumulators (server/src/icl/attentionLayer.ts). It
// follows those JavaScript twins operation for operation, in the same order, with the host's Math.exp and Math.log
// (imported), so both paths give the same numbers bit for bit: the JavaScript one is the oracle, and a seed means the
// same run on either. The JavaScript side (server/src/icl/wasmBatch.ts) lays out every buffer and passes its address
// once.

import { drawWords, hostExp, setSampler } from "./iclSampler";

// The generator's state, set and read by the caller.
export { setState, stateWord } from "./iclSampler";

/** tasks.ts's MIN_CONTEXT: below it the centred labels come from the context's own scores. */
const MIN_CONTEXT: f64 = 1e-280;

// Buffers (byte addresses) and shapes, from configure.
let M: usize = 0; // per head M_h (D×d)
let V: usize = 0; // per head v_h (D)
let GM: usize = 0; // per head Σ gy·∂y/∂u ⊗ a_q (D×d)
let GV: usize = 0; // per head Σ gy·∂y/∂v (D)
let WORDS: usize = 0; // (n+1)×d
let XSTAR: usize = 0; // d
let P: usize = 0; // n+1
let LABELS: usize = 0; // n
let U: usize = 0; // D
let ALPHA: usize = 0; // per head n
let C: usize = 0; // per head n
let OUT: usize = 0; // per head 1
let DU: usize = 0; // D
let DV: usize = 0; // D
let N: i32 = 0;
let DIM: i32 = 0;
let HEADS: i32 = 0;
let SHIFT: f64 = 0;
let SCALE: f64 = 1;
let CENTERED: i32 = 1;

/** Addresses of the tables, the layer's buffers and the scratch (laid out by the caller), and the run's shapes. */
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
  HEADS = heads;
  SHIFT = shift;
  SCALE = scale;
  CENTERED = centered;
  const D = d + 1;
  WORDS = scratch;
  XSTAR = WORDS + (<usize>((n + 1) * d) << 3);
  P = XSTAR + (<usize>d << 3);
  LABELS = P + (<usize>(n + 1) << 3);
  U = LABELS + (<usize>n << 3);
  ALPHA = U + (<usize>D << 3);
  C = ALPHA + (<usize>(heads * n) << 3);
  OUT = C + (<usize>(heads * n) << 3);
  DU = OUT + (<usize>heads << 3);
  DV = DU + (<usize>D << 3);
}

/** Float64 entries of scratch that configure lays out for these shapes. */
export function scratchLength(n: i32, d: i32, heads: i32): i32 {
  return (n + 1) * d + d + (n + 1) + n + (d + 1) + 2 * heads * n + heads + 2 * (d + 1);
}

// @ts-ignore: decorator
@inline function ld(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline function st(base: usize, i: i32, x: f64): void {
  store<f64>(base + (<usize>i << 3), x);
}

/** server/src/icl/dot.ts's dot4, the same order of operations: Σ_j a[j]·b[j] (j < len) + init, four partial sums. */
// @ts-ignore: decorator
@inline function dot4(a: usize, b: usize, len: i32, init: f64): f64 {
  let s0 = init;
  let s1: f64 = 0;
  let s2: f64 = 0;
  let s3: f64 = 0;
  let j = 0;
  for (; j + 4 <= len; j += 4) {
    const o = <usize>j << 3;
    s0 += load<f64>(a + o) * load<f64>(b + o);
    s1 += load<f64>(a + o, 8) * load<f64>(b + o, 8);
    s2 += load<f64>(a + o, 16) * load<f64>(b + o, 16);
    s3 += load<f64>(a + o, 24) * load<f64>(b + o, 24);
  }
  for (; j < len; j++) s0 += ld(a, j) * ld(b, j);
  return s0 + s1 + (s2 + s3);
}

/** tasks.ts's scoreSoftmax: out[0..rows) = softmax of the first `rows` words' scores words·x*, computed stably. */
function scoreSoftmax(out: usize, rows: i32): void {
  const d = DIM;
  let max = -Infinity;
  for (let i = 0; i < rows; i++) {
    const s = dot4(WORDS + (<usize>(i * d) << 3), XSTAR, d, 0);
    st(out, i, s);
    if (s > max) max = s;
  }
  let sum: f64 = 0;
  for (let i = 0; i < rows; i++) {
    const e = hostExp(ld(out, i) - max);
    st(out, i, e);
    sum += e;
  }
  const inv = 1 / sum;
  for (let i = 0; i < rows; i++) st(out, i, ld(out, i) * inv);
}

/** TaskSampler.next: words, x*, p = softmax(words·x*), and the labels (tasks.ts's setLabels). */
function drawTask(): void {
  const n = N;
  drawWords(WORDS, XSTAR, n, DIM);
  scoreSoftmax(P, n + 1);
  if (!CENTERED) {
    for (let i = 0; i < n; i++) st(LABELS, i, ld(P, i));
    return;
  }
  let ctx: f64 = 0;
  for (let i = 0; i < n; i++) ctx += ld(P, i);
  if (ctx >= MIN_CONTEXT) for (let i = 0; i < n; i++) st(LABELS, i, (<f64>n * ld(P, i)) / ctx - 1);
  else {
    // The context's share of p underflowed: b̂ is the softmax of the context's own scores.
    scoreSoftmax(LABELS, n);
    for (let i = 0; i < n; i++) st(LABELS, i, <f64>n * ld(LABELS, i) - 1);
  }
}

// ---------- the layer (attentionLayer.ts) ----------

/** AttentionLayer.forward on the drawn task. */
function forward(): f64 {
  const n = N;
  const d = DIM;
  const D = d + 1;
  const query = n * d;
  let y: f64 = 0;
  for (let h = 0; h < HEADS; h++) {
    const oM = h * D * d;
    const oV = h * D;
    const oA = h * n;
    const aq = WORDS + (<usize>query << 3);
    for (let r = 0; r < D; r++) st(U, r, dot4(M + (<usize>(oM + r * d) << 3), aq, d, 0));
    const uLabel = ld(U, d);
    const vLabel = ld(V, oV + d);
    let max = -Infinity;
    const vh = V + (<usize>oV << 3);
    for (let i = 0; i < n; i++) {
      const b = ld(LABELS, i);
      const e = WORDS + (<usize>(i * d) << 3);
      const s = dot4(e, U, d, b * uLabel);
      st(ALPHA, oA + i, s);
      st(C, oA + i, dot4(e, vh, d, b * vLabel));
      if (s > max) max = s;
    }
    let sum: f64 = 0;
    for (let i = 0; i < n; i++) {
      const e = hostExp(ld(ALPHA, oA + i) - max);
      st(ALPHA, oA + i, e);
      sum += e;
    }
    const inv = 1 / sum;
    let out: f64 = 0;
    for (let i = 0; i < n; i++) {
      const a = ld(ALPHA, oA + i) * inv;
      st(ALPHA, oA + i, a);
      out += a * ld(C, oA + i);
    }
    st(OUT, h, out);
    y -= out;
  }
  return SHIFT + SCALE * y;
}

/** AttentionLayer.accumulate for the drawn task. */
function accumulate(dLoss: f64): void {
  const n = N;
  const d = DIM;
  const D = d + 1;
  const query = n * d;
  const gy = dLoss * SCALE;
  for (let h = 0; h < HEADS; h++) {
    const oA = h * n;
    const out = ld(OUT, h);
    for (let r = 0; r < d; r++) {
      st(DU, r, 0);
      st(DV, r, 0);
    }
    let duLabel: f64 = 0;
    let dvLabel: f64 = 0;
    for (let i = 0; i < n; i++) {
      const a = -ld(ALPHA, oA + i);
      const ds = a * (ld(C, oA + i) - out);
      const oE = i * d;
      for (let r = 0; r < d; r++) {
        const e = ld(WORDS, oE + r);
        st(DU, r, ld(DU, r) + ds * e);
        st(DV, r, ld(DV, r) + a * e);
      }
      const b = ld(LABELS, i);
      duLabel += ds * b;
      dvLabel += a * b;
    }
    st(DU, d, duLabel);
    st(DV, d, dvLabel);
    const oG = h * D * d;
    for (let r = 0; r < D; r++) {
      const g = gy * ld(DU, r);
      for (let j = 0; j < d; j++) st(GM, oG + r * d + j, ld(GM, oG + r * d + j) + g * ld(WORDS, query + j));
      st(GV, h * D + r, ld(GV, h * D + r) + gy * ld(DV, r));
    }
  }
}

/** experiment.ts's trainStep up to the gradient: `batch` fresh tasks accumulated; returns their mean loss. */
export function trainBatch(batch: i32): f64 {
  let loss: f64 = 0;
  for (let b = 0; b < batch; b++) {
    drawTask();
    const residual = forward() - ld(P, N);
    loss += 0.5 * residual * residual;
    accumulate(residual / <f64>batch);
  }
  return loss / <f64>batch;
}
