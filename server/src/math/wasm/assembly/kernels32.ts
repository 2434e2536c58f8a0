// AssemblyScript source of the float32 WebAssembly SIMD (f32x4) kernels, compiled by scripts/build.mjs: the same
// exports, arguments and structure as kernels.ts (the float64 kernels), on four lanes of float32. Buffers hold
// float32 entries (byte address = ptr + 4·index); sums that leave a kernel (the row losses) are returned as f64.
// Register blocks are 4 rows × 8 columns, so pack() panels are 8 columns wide.
// A second file rather than one generic source: AssemblyScript has no generics over SIMD lane types, and the lane
// count changes the register blocks, the panel width and the exp (exp32.ts's Taylor series to r^7 here; a 64-entry
// table and a Taylor series to r^5 there).

import { vexp } from "./exp32";

// ---------- exp (exp32.ts) and sums ----------

// @ts-ignore: decorator
@inline function sexp(x: f32): f32 {
  return f32x4.extract_lane(vexp(f32x4.splat(x)), 0);
}

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

// ---------- matrix products ----------

const KC: i32 = 256;
// A KC×8 panel of B copied contiguous (rows a multiple of 4 KiB apart would share one L1 set; see kernels.ts).
const PANEL: usize = memory.data(KC * 8 * 4);

/** C = A·B (A: m×k, B: k×n), or C += A·B when acc ≠ 0. Strides lda, ldb, ldc in elements. */
export function gemm(m: i32, n: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, acc: i32): void {
  if (k === 0) {
    if (!acc) for (let i = 0; i < m; i++) memory.fill(c + (<usize>(i * ldc) << 2), 0, <usize>n << 2);
    return;
  }
  const lb = <usize>ldb << 2;
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kb = min(KC, k - p0);
    const add: bool = acc !== 0 || p0 > 0;
    const ap = a + (<usize>p0 << 2), bp = b + <usize>p0 * lb;
    let j = 0;
    if (m >= 8) {
      for (; j + 8 <= n; j += 8) {
        let src = bp + (<usize>j << 2);
        for (let p = 0; p < kb; p++) {
          const o = <usize>p << 5;
          v128.store(PANEL + o, v128.load(src));
          v128.store(PANEL + o, v128.load(src, 16), 16);
          src += lb;
        }
        cols8(m, kb, ap, lda, PANEL, 8, c + (<usize>j << 2), ldc, add);
      }
    } else for (; j + 8 <= n; j += 8) cols8(m, kb, ap, lda, bp + (<usize>j << 2), ldb, c + (<usize>j << 2), ldc, add);
    for (; j + 4 <= n; j += 4) cols4(m, kb, ap, lda, bp + (<usize>j << 2), ldb, c + (<usize>j << 2), ldc, add);
    for (; j < n; j++) cols1(m, kb, ap, lda, bp + (<usize>j << 2), ldb, c + (<usize>j << 2), ldc, add);
  }
}

/** B (k×n, row stride ldb) as gemmPacked reads it: panels of 8 columns, k rows each, the last padded with zeros. */
export function pack(k: i32, n: i32, b: usize, ldb: i32, out: usize): void {
  const panels = (n + 7) >> 3;
  for (let q = 0; q < panels; q++)
    for (let p = 0; p < k; p++)
      for (let t = 0; t < 8; t++) {
        const j = 8 * q + t;
        store<f32>(out + (<usize>((q * k + p) * 8 + t) << 2), j < n ? load<f32>(b + (<usize>(p * ldb + j) << 2)) : 0);
      }
}

/** C = A·B (or C += A·B when acc ≠ 0) with B as pack() laid it out. */
export function gemmPacked(m: i32, n: i32, k: i32, a: usize, lda: i32, bp: usize, c: usize, ldc: i32, acc: i32): void {
  if (k === 0) {
    if (!acc) for (let i = 0; i < m; i++) memory.fill(c + (<usize>(i * ldc) << 2), 0, <usize>n << 2);
    return;
  }
  const panel = <usize>k << 5;
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kb = min(KC, k - p0);
    const add: bool = acc !== 0 || p0 > 0;
    const ap = a + (<usize>p0 << 2), pp = bp + (<usize>p0 << 5);
    let j = 0;
    for (; j + 8 <= n; j += 8) cols8(m, kb, ap, lda, pp + <usize>(j >> 3) * panel, 8, c + (<usize>j << 2), ldc, add);
    const last = pp + <usize>(j >> 3) * panel;
    let t = 0;
    if (j + 4 <= n) {
      cols4(m, kb, ap, lda, last, 8, c + (<usize>j << 2), ldc, add);
      t = 4;
    }
    for (; j + t < n; t++) cols1(m, kb, ap, lda, last + (<usize>t << 2), 8, c + (<usize>(j + t) << 2), ldc, add);
  }
}

// @ts-ignore: decorator
@inline function put(c: usize, v: v128, add: bool): void {
  v128.store(c, add ? f32x4.add(v128.load(c), v) : v);
}

/** Eight columns of C: a 4×8 register block (eight f32x4 accumulators) per four rows. */
function cols8(m: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, add: bool): void {
  const la = <usize>lda << 2, lb = <usize>ldb << 2, lc = <usize>ldc << 2;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const a0 = a + <usize>i * la;
    let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
    let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
    let a1 = a0 + la, a2 = a0 + 2 * la, a3 = a0 + 3 * la, aq = a0, bq = b;
    const end = a0 + (<usize>k << 2);
    for (; aq < end; aq += 4) {
      const b0 = v128.load(bq), b1 = v128.load(bq, 16);
      let x = v128.load32_splat(aq);
      c00 = f32x4.add(c00, f32x4.mul(x, b0));
      c01 = f32x4.add(c01, f32x4.mul(x, b1));
      x = v128.load32_splat(a1);
      c10 = f32x4.add(c10, f32x4.mul(x, b0));
      c11 = f32x4.add(c11, f32x4.mul(x, b1));
      x = v128.load32_splat(a2);
      c20 = f32x4.add(c20, f32x4.mul(x, b0));
      c21 = f32x4.add(c21, f32x4.mul(x, b1));
      x = v128.load32_splat(a3);
      c30 = f32x4.add(c30, f32x4.mul(x, b0));
      c31 = f32x4.add(c31, f32x4.mul(x, b1));
      a1 += 4;
      a2 += 4;
      a3 += 4;
      bq += lb;
    }
    const cp = c + <usize>i * lc;
    put(cp, c00, add);
    put(cp + 16, c01, add);
    put(cp + lc, c10, add);
    put(cp + lc + 16, c11, add);
    put(cp + 2 * lc, c20, add);
    put(cp + 2 * lc + 16, c21, add);
    put(cp + 3 * lc, c30, add);
    put(cp + 3 * lc + 16, c31, add);
  }
  for (; i < m; i++) {
    const a0 = a + <usize>i * la;
    let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
    let bq = b;
    for (let p = 0; p < k; p++) {
      const x = v128.load32_splat(a0 + (<usize>p << 2));
      c0 = f32x4.add(c0, f32x4.mul(x, v128.load(bq)));
      c1 = f32x4.add(c1, f32x4.mul(x, v128.load(bq, 16)));
      bq += lb;
    }
    const cp = c + <usize>i * lc;
    put(cp, c0, add);
    put(cp + 16, c1, add);
  }
}

function cols4(m: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, add: bool): void {
  const la = <usize>lda << 2, lb = <usize>ldb << 2, lc = <usize>ldc << 2;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const a0 = a + <usize>i * la;
    let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
    let a1 = a0 + la, a2 = a0 + 2 * la, a3 = a0 + 3 * la, aq = a0, bq = b;
    const end = a0 + (<usize>k << 2);
    for (; aq < end; aq += 4) {
      const b0 = v128.load(bq);
      c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(aq), b0));
      c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(a1), b0));
      c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(a2), b0));
      c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(a3), b0));
      a1 += 4;
      a2 += 4;
      a3 += 4;
      bq += lb;
    }
    const cp = c + <usize>i * lc;
    put(cp, c0, add);
    put(cp + lc, c1, add);
    put(cp + 2 * lc, c2, add);
    put(cp + 3 * lc, c3, add);
  }
  for (; i < m; i++) {
    const a0 = a + <usize>i * la;
    let c0 = f32x4.splat(0);
    let bq = b;
    for (let p = 0; p < k; p++) {
      c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(a0 + (<usize>p << 2)), v128.load(bq)));
      bq += lb;
    }
    put(c + <usize>i * lc, c0, add);
  }
}

/** One column of C (the last n mod 4). */
function cols1(m: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, add: bool): void {
  const la = <usize>lda << 2, lb = <usize>ldb << 2, lc = <usize>ldc << 2;
  for (let i = 0; i < m; i++) {
    const a0 = a + <usize>i * la;
    let s: f32 = 0;
    let bq = b;
    for (let p = 0; p < k; p++) {
      s += load<f32>(a0 + (<usize>p << 2)) * load<f32>(bq);
      bq += lb;
    }
    const cp = c + <usize>i * lc;
    store<f32>(cp, add ? load<f32>(cp) + s : s);
  }
}

/** out = Aᵀ (A: m×n, row-major) into an n×m buffer. */
export function transpose(m: i32, n: i32, a: usize, out: usize): void {
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) store<f32>(out + (<usize>(j * m + i) << 2), load<f32>(a + (<usize>(i * n + j) << 2)));
}

/** z = A·x (A: n×d). Four rows per pass share each load of x. */
export function gemv(n: i32, d: i32, a: usize, x: usize, z: usize): void {
  const ld = <usize>d << 2;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a0 = a + <usize>i * ld;
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= d; j += 4) {
      const o = <usize>j << 2;
      const xv = v128.load(x + o);
      s0 = f32x4.add(s0, f32x4.mul(v128.load(a0 + o), xv));
      s1 = f32x4.add(s1, f32x4.mul(v128.load(a0 + ld + o), xv));
      s2 = f32x4.add(s2, f32x4.mul(v128.load(a0 + 2 * ld + o), xv));
      s3 = f32x4.add(s3, f32x4.mul(v128.load(a0 + 3 * ld + o), xv));
    }
    let t0 = hsum(s0), t1 = hsum(s1), t2 = hsum(s2), t3 = hsum(s3);
    for (; j < d; j++) {
      const o = <usize>j << 2;
      const xs = load<f32>(x + o);
      t0 += load<f32>(a0 + o) * xs;
      t1 += load<f32>(a0 + ld + o) * xs;
      t2 += load<f32>(a0 + 2 * ld + o) * xs;
      t3 += load<f32>(a0 + 3 * ld + o) * xs;
    }
    const zp = z + (<usize>i << 2);
    store<f32>(zp, t0);
    store<f32>(zp, t1, 4);
    store<f32>(zp, t2, 8);
    store<f32>(zp, t3, 12);
  }
  for (; i < n; i++) {
    const a0 = a + <usize>i * ld;
    let s: f32 = 0;
    for (let j = 0; j < d; j++) s += load<f32>(a0 + (<usize>j << 2)) * load<f32>(x + (<usize>j << 2));
    store<f32>(z + (<usize>i << 2), s);
  }
}

/** out = Aᵀ·w (A: n×d): w-weighted rows of A accumulated, four columns per vector, four rows per pass. */
export function gemvT(n: i32, d: i32, a: usize, w: usize, out: usize): void {
  memory.fill(out, 0, <usize>d << 2);
  const ld = <usize>d << 2;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a0 = a + <usize>i * ld, wp = w + (<usize>i << 2);
    const w0 = load<f32>(wp), w1 = load<f32>(wp, 4), w2 = load<f32>(wp, 8), w3 = load<f32>(wp, 12);
    const v0 = f32x4.splat(w0), v1 = f32x4.splat(w1), v2 = f32x4.splat(w2), v3 = f32x4.splat(w3);
    let j = 0;
    for (; j + 4 <= d; j += 4) {
      const o = <usize>j << 2;
      let s = f32x4.mul(v128.load(a0 + o), v0);
      s = f32x4.add(s, f32x4.mul(v128.load(a0 + ld + o), v1));
      s = f32x4.add(s, f32x4.mul(v128.load(a0 + 2 * ld + o), v2));
      s = f32x4.add(s, f32x4.mul(v128.load(a0 + 3 * ld + o), v3));
      v128.store(out + o, f32x4.add(v128.load(out + o), s));
    }
    for (; j < d; j++) {
      const o = <usize>j << 2;
      const s = load<f32>(a0 + o) * w0 + load<f32>(a0 + ld + o) * w1 + load<f32>(a0 + 2 * ld + o) * w2 + load<f32>(a0 + 3 * ld + o) * w3;
      store<f32>(out + o, load<f32>(out + o) + s);
    }
  }
  for (; i < n; i++) {
    const a0 = a + <usize>i * ld, wi = load<f32>(w + (<usize>i << 2));
    for (let j = 0; j < d; j++) {
      const o = <usize>j << 2;
      store<f32>(out + o, load<f32>(out + o) + load<f32>(a0 + o) * wi);
    }
  }
}

// ---------- fused row passes (the formulas of kernels.ts, four lanes at a time) ----------

/** Largest entry of a len-long buffer, NaN entries skipped (−Infinity if all are NaN). */
export function maxOf(s: usize, len: i32): f64 {
  let m0 = f32x4.splat(-Infinity), m1 = m0;
  let j = 0;
  for (; j + 8 <= len; j += 8) {
    const o = <usize>j << 2;
    m0 = f32x4.pmax(m0, v128.load(s + o));
    m1 = f32x4.pmax(m1, v128.load(s + o, 16));
  }
  for (; j + 4 <= len; j += 4) m0 = f32x4.pmax(m0, v128.load(s + (<usize>j << 2)));
  m0 = f32x4.pmax(m0, m1);
  let r = f32x4.extract_lane(m0, 0);
  const r1 = f32x4.extract_lane(m0, 1), r2 = f32x4.extract_lane(m0, 2), r3 = f32x4.extract_lane(m0, 3);
  if (r < r1) r = r1;
  if (r < r2) r = r2;
  if (r < r3) r = r3;
  for (; j < len; j++) {
    const v = load<f32>(s + (<usize>j << 2));
    if (r < v) r = v;
  }
  return r;
}

// @ts-ignore: decorator
@inline function lanes(cols: i32): i32 {
  return cols & ~3;
}

/**
 * Normalized rows: P = softmax(S row), R = P − B, G = P∘(R − ⟨P,R⟩) written over S (g may equal s).
 * Returns Σ R² over the rows (twice the loss), each row's sum added in f64.
 */
export function rowsNormalized(rows: i32, cols: i32, s: usize, b: usize, g: usize): f64 {
  let loss: f64 = 0;
  const lc = <usize>cols << 2, v = lanes(cols);
  for (let i = 0; i < rows; i++) {
    const so = s + <usize>i * lc, bo = b + <usize>i * lc, go = g + <usize>i * lc;
    const mxs = <f32>maxOf(so, cols), mx = f32x4.splat(mxs);
    let sum = f32x4.splat(0);
    let j = 0;
    for (; j < v; j += 4) {
      const o = <usize>j << 2;
      const e = vexp(f32x4.sub(v128.load(so + o), mx));
      v128.store(go + o, e);
      sum = f32x4.add(sum, e);
    }
    let sumS = hsum(sum);
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      const e = sexp(load<f32>(so + o) - mxs);
      store<f32>(go + o, e);
      sumS += e;
    }
    const invS: f32 = 1 / sumS, inv = f32x4.splat(invS);
    let l2 = f32x4.splat(0), t = f32x4.splat(0);
    for (j = 0; j < v; j += 4) {
      const o = <usize>j << 2;
      const p = f32x4.mul(v128.load(go + o), inv);
      const r = f32x4.sub(p, v128.load(bo + o));
      v128.store(go + o, p);
      l2 = f32x4.add(l2, f32x4.mul(r, r));
      t = f32x4.add(t, f32x4.mul(p, r));
    }
    let tS = hsum(t), l2S = hsum(l2);
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      const p = load<f32>(go + o) * invS;
      const r = p - load<f32>(bo + o);
      store<f32>(go + o, p);
      l2S += r * r;
      tS += p * r;
    }
    loss += <f64>l2S;
    const tv = f32x4.splat(tS);
    for (j = 0; j < v; j += 4) {
      const o = <usize>j << 2;
      const p = v128.load(go + o);
      v128.store(go + o, f32x4.mul(p, f32x4.sub(f32x4.sub(p, v128.load(bo + o)), tv)));
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      const p = load<f32>(go + o);
      store<f32>(go + o, p * (p - load<f32>(bo + o) - tS));
    }
  }
  return loss;
}

/**
 * Rescaled rows: U = exp(S), α = rowsum(U), Q = U − αB, G = U∘(Q − ⟨Q,B⟩) written over S (g may equal s).
 * The caller has checked max S against the float32 overflow limit. Returns Σ Q².
 */
export function rowsRescaled(rows: i32, cols: i32, s: usize, b: usize, g: usize): f64 {
  let loss: f64 = 0;
  const lc = <usize>cols << 2, v = lanes(cols);
  for (let i = 0; i < rows; i++) {
    const so = s + <usize>i * lc, bo = b + <usize>i * lc, go = g + <usize>i * lc;
    let sum = f32x4.splat(0);
    let j = 0;
    for (; j < v; j += 4) {
      const o = <usize>j << 2;
      const e = vexp(v128.load(so + o));
      v128.store(go + o, e);
      sum = f32x4.add(sum, e);
    }
    let alpha = hsum(sum);
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      const e = sexp(load<f32>(so + o));
      store<f32>(go + o, e);
      alpha += e;
    }
    const av = f32x4.splat(alpha);
    let l2 = f32x4.splat(0), t = f32x4.splat(0);
    for (j = 0; j < v; j += 4) {
      const o = <usize>j << 2;
      const bb = v128.load(bo + o);
      const q = f32x4.sub(v128.load(go + o), f32x4.mul(av, bb));
      l2 = f32x4.add(l2, f32x4.mul(q, q));
      t = f32x4.add(t, f32x4.mul(q, bb));
    }
    let tS = hsum(t), l2S = hsum(l2);
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      const bb = load<f32>(bo + o);
      const q = load<f32>(go + o) - alpha * bb;
      l2S += q * q;
      tS += q * bb;
    }
    loss += <f64>l2S;
    const tv = f32x4.splat(tS);
    for (j = 0; j < v; j += 4) {
      const o = <usize>j << 2;
      const u = v128.load(go + o);
      const q = f32x4.sub(u, f32x4.mul(av, v128.load(bo + o)));
      v128.store(go + o, f32x4.mul(u, f32x4.sub(q, tv)));
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      const u = load<f32>(go + o);
      store<f32>(go + o, u * (u - alpha * load<f32>(bo + o) - tS));
    }
  }
  return loss;
}

/** Row-wise softmax in place. */
function rowsSoftmax(rows: i32, cols: i32, s: usize): void {
  const lc = <usize>cols << 2, v = lanes(cols);
  for (let i = 0; i < rows; i++) {
    const so = s + <usize>i * lc;
    const mxs = <f32>maxOf(so, cols), mx = f32x4.splat(mxs);
    let sum = f32x4.splat(0);
    let j = 0;
    for (; j < v; j += 4) {
      const o = <usize>j << 2;
      const e = vexp(f32x4.sub(v128.load(so + o), mx));
      v128.store(so + o, e);
      sum = f32x4.add(sum, e);
    }
    let sumS = hsum(sum);
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      const e = sexp(load<f32>(so + o) - mxs);
      store<f32>(so + o, e);
      sumS += e;
    }
    const invS: f32 = 1 / sumS, inv = f32x4.splat(invS);
    for (j = 0; j < v; j += 4) v128.store(so + (<usize>j << 2), f32x4.mul(v128.load(so + (<usize>j << 2)), inv));
    for (; j < cols; j++) store<f32>(so + (<usize>j << 2), load<f32>(so + (<usize>j << 2)) * invS);
  }
}

/**
 * Hessian core of the normalized rows applied to dS, written over dS; S is overwritten with P.
 * Per row: c1·f(f·v) − f(g·v) − g(f·v) + g∘v − c2·f∘v, g = (2f − b)∘f, c1 = ⟨3f − 2b, f⟩, c2 = ⟨f − b, f⟩.
 */
export function hessNormalized(rows: i32, cols: i32, s: usize, b: usize, ds: usize): void {
  rowsSoftmax(rows, cols, s);
  const lc = <usize>cols << 2;
  for (let i = 0; i < rows; i++) {
    const fo = s + <usize>i * lc, bo = b + <usize>i * lc, vo = ds + <usize>i * lc;
    let c1: f32 = 0, c2: f32 = 0, fv: f32 = 0, gv: f32 = 0;
    for (let j = 0; j < cols; j++) {
      const o = <usize>j << 2;
      const f = load<f32>(fo + o), bb = load<f32>(bo + o), v = load<f32>(vo + o), g = (f + f - bb) * f;
      c1 += (<f32>3 * f - <f32>2 * bb) * f;
      c2 += (f - bb) * f;
      fv += f * v;
      gv += g * v;
    }
    for (let j = 0; j < cols; j++) {
      const o = <usize>j << 2;
      const f = load<f32>(fo + o), bb = load<f32>(bo + o), v = load<f32>(vo + o), g = (f + f - bb) * f;
      store<f32>(vo + o, c1 * f * fv - f * gv - g * fv + g * v - c2 * f * v);
    }
  }
}

/**
 * Hessian core of the rescaled rows applied to dS, written over dS; S is overwritten with U = exp(S).
 * Per row: u∘(y − ⟨b,y⟩) + u∘(q − ⟨q,b⟩)∘v with y = u∘v − b⟨u,v⟩, q = u − αb.
 */
export function hessRescaled(rows: i32, cols: i32, s: usize, b: usize, ds: usize): void {
  const lc = <usize>cols << 2;
  for (let i = 0; i < rows; i++) {
    const uo = s + <usize>i * lc, bo = b + <usize>i * lc, vo = ds + <usize>i * lc;
    let alpha: f32 = 0, sw: f32 = 0;
    for (let j = 0; j < cols; j++) {
      const o = <usize>j << 2;
      const u = sexp(load<f32>(uo + o));
      store<f32>(uo + o, u);
      alpha += u;
      sw += u * load<f32>(vo + o);
    }
    let t: f32 = 0, by: f32 = 0;
    for (let j = 0; j < cols; j++) {
      const o = <usize>j << 2;
      const u = load<f32>(uo + o), bb = load<f32>(bo + o);
      t += (u - alpha * bb) * bb;
      by += bb * (u * load<f32>(vo + o) - bb * sw);
    }
    for (let j = 0; j < cols; j++) {
      const o = <usize>j << 2;
      const u = load<f32>(uo + o), bb = load<f32>(bo + o), v = load<f32>(vo + o);
      const y = u * v - bb * sw;
      store<f32>(vo + o, u * (y - by) + u * (u - alpha * bb - t) * v);
    }
  }
}
