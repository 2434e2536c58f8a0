// AssemblyScript source of the float64 WebAssembly SIMD (f64x2) kernels, compiled by scripts/build.mjs.
// Every argument is a byte address in linear memory (usize) or a count; the JavaScript side (../kernels.ts) lays out
// the buffers once per objective, so nothing here allocates. Matrices are row-major with explicit row strides.

// ---------- exp ----------

const LOG2E: f64 = 1.4426950408889634;
// ln 2 split so that k·LN2HI is exact for |k| < 2^21 (fdlibm's constants).
const LN2HI: f64 = 6.93147180369123816490e-1;
const LN2LO: f64 = 1.90821492927058770002e-10;
const EXP_MIN: f64 = -708.0;

// exp on two lanes: x = k·ln2 + r, |r| ≤ ln2/2, e^r by its Taylor series to r^13/13! (relative error below 2^-53),
// 2^k added to the exponent bits. Below EXP_MIN the result is 0 (true value < 3.3e-308); NaN propagates.
// @ts-ignore: decorator
@inline function vexp(x: v128): v128 {
  const xc = f64x2.max(x, f64x2.splat(EXP_MIN));
  const k = f64x2.nearest(f64x2.mul(xc, f64x2.splat(LOG2E)));
  let r = f64x2.sub(xc, f64x2.mul(k, f64x2.splat(LN2HI)));
  r = f64x2.sub(r, f64x2.mul(k, f64x2.splat(LN2LO)));
  let p = f64x2.splat(1.6059043836821613e-10); // 1/13!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(2.08767569878681e-9)); // 1/12!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(2.505210838544172e-8));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(2.755731922398589e-7));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(2.7557319223985893e-6));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(2.48015873015873e-5));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.984126984126984e-4));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.3888888888888889e-3));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(8.333333333333333e-3));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(4.1666666666666664e-2));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.16666666666666666));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.5));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  const scale = i64x2.shl(i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(k)), 52);
  return v128.bitselect(f64x2.splat(0.0), i64x2.add(p, scale), f64x2.lt(x, f64x2.splat(EXP_MIN)));
}

// @ts-ignore: decorator
@inline function sexp(x: f64): f64 {
  return f64x2.extract_lane(vexp(f64x2.splat(x)), 0);
}

// @ts-ignore: decorator
@inline function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

// ---------- matrix products ----------

// Depth of one pass over k: a block of A (m×KC) and the KC×4 panel of B it meets stay in cache.
const KC: i32 = 128;

/** C = A·B (A: m×k, B: k×n), or C += A·B when acc ≠ 0. Strides lda, ldb, ldc in elements. */
export function gemm(m: i32, n: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, acc: i32): void {
  if (k === 0) {
    if (!acc) for (let i = 0; i < m; i++) memory.fill(c + (<usize>(i * ldc) << 3), 0, <usize>n << 3);
    return;
  }
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kb = min(KC, k - p0);
    const add: bool = acc !== 0 || p0 > 0;
    const ap = a + (<usize>p0 << 3), bp = b + (<usize>(p0 * ldb) << 3);
    let j = 0;
    for (; j + 4 <= n; j += 4) cols4(m, kb, ap, lda, bp + (<usize>j << 3), ldb, c + (<usize>j << 3), ldc, add);
    for (; j + 2 <= n; j += 2) cols2(m, kb, ap, lda, bp + (<usize>j << 3), ldb, c + (<usize>j << 3), ldc, add);
    for (; j < n; j++) cols1(m, kb, ap, lda, bp + (<usize>j << 3), ldb, c + (<usize>j << 3), ldc, add);
  }
}

// @ts-ignore: decorator
@inline function put(c: usize, v: v128, add: bool): void {
  v128.store(c, add ? f64x2.add(v128.load(c), v) : v);
}

// @ts-ignore: decorator
@inline function put1(c: usize, v: f64, add: bool): void {
  store<f64>(c, add ? load<f64>(c) + v : v);
}

/** Four columns of C: a 4×4 register block (eight f64x2 accumulators) per four rows. */
function cols4(m: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, add: bool): void {
  const la = <usize>lda << 3, lb = <usize>ldb << 3, lc = <usize>ldc << 3;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const a0 = a + <usize>i * la;
    let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c10 = f64x2.splat(0), c11 = f64x2.splat(0);
    let c20 = f64x2.splat(0), c21 = f64x2.splat(0), c30 = f64x2.splat(0), c31 = f64x2.splat(0);
    let bq = b;
    for (let p = 0; p < k; p++) {
      const b0 = v128.load(bq), b1 = v128.load(bq, 16);
      const ap = a0 + (<usize>p << 3);
      let x = f64x2.splat(load<f64>(ap));
      c00 = f64x2.add(c00, f64x2.mul(x, b0));
      c01 = f64x2.add(c01, f64x2.mul(x, b1));
      x = f64x2.splat(load<f64>(ap + la));
      c10 = f64x2.add(c10, f64x2.mul(x, b0));
      c11 = f64x2.add(c11, f64x2.mul(x, b1));
      x = f64x2.splat(load<f64>(ap + 2 * la));
      c20 = f64x2.add(c20, f64x2.mul(x, b0));
      c21 = f64x2.add(c21, f64x2.mul(x, b1));
      x = f64x2.splat(load<f64>(ap + 3 * la));
      c30 = f64x2.add(c30, f64x2.mul(x, b0));
      c31 = f64x2.add(c31, f64x2.mul(x, b1));
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
    let c0 = f64x2.splat(0), c1 = f64x2.splat(0);
    let bq = b;
    for (let p = 0; p < k; p++) {
      const x = f64x2.splat(load<f64>(a0 + (<usize>p << 3)));
      c0 = f64x2.add(c0, f64x2.mul(x, v128.load(bq)));
      c1 = f64x2.add(c1, f64x2.mul(x, v128.load(bq, 16)));
      bq += lb;
    }
    const cp = c + <usize>i * lc;
    put(cp, c0, add);
    put(cp + 16, c1, add);
  }
}

function cols2(m: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, add: bool): void {
  const la = <usize>lda << 3, lb = <usize>ldb << 3, lc = <usize>ldc << 3;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const a0 = a + <usize>i * la;
    let c0 = f64x2.splat(0), c1 = f64x2.splat(0), c2 = f64x2.splat(0), c3 = f64x2.splat(0);
    let bq = b;
    for (let p = 0; p < k; p++) {
      const b0 = v128.load(bq);
      const ap = a0 + (<usize>p << 3);
      c0 = f64x2.add(c0, f64x2.mul(f64x2.splat(load<f64>(ap)), b0));
      c1 = f64x2.add(c1, f64x2.mul(f64x2.splat(load<f64>(ap + la)), b0));
      c2 = f64x2.add(c2, f64x2.mul(f64x2.splat(load<f64>(ap + 2 * la)), b0));
      c3 = f64x2.add(c3, f64x2.mul(f64x2.splat(load<f64>(ap + 3 * la)), b0));
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
    let c0 = f64x2.splat(0);
    let bq = b;
    for (let p = 0; p < k; p++) {
      c0 = f64x2.add(c0, f64x2.mul(f64x2.splat(load<f64>(a0 + (<usize>p << 3))), v128.load(bq)));
      bq += lb;
    }
    put(c + <usize>i * lc, c0, add);
  }
}

/** The last odd column: rows of A against one column of B, two rows at a time. */
function cols1(m: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, add: bool): void {
  const la = <usize>lda << 3, lb = <usize>ldb << 3, lc = <usize>ldc << 3;
  for (let i = 0; i < m; i++) {
    const a0 = a + <usize>i * la;
    let s: f64 = 0;
    let bq = b;
    for (let p = 0; p < k; p++) {
      s += load<f64>(a0 + (<usize>p << 3)) * load<f64>(bq);
      bq += lb;
    }
    put1(c + <usize>i * lc, s, add);
  }
}

/** out = Aᵀ (A: m×n, row-major) into an n×m buffer. */
export function transpose(m: i32, n: i32, a: usize, out: usize): void {
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) store<f64>(out + (<usize>(j * m + i) << 3), load<f64>(a + (<usize>(i * n + j) << 3)));
}

/** z = A·x (A: n×d). Four rows per pass share each load of x. */
export function gemv(n: i32, d: i32, a: usize, x: usize, z: usize): void {
  const ld = <usize>d << 3;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a0 = a + <usize>i * ld;
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
    let t0: f64 = 0, t1: f64 = 0, t2: f64 = 0, t3: f64 = 0;
    let j = 0;
    for (; j + 2 <= d; j += 2) {
      const o = <usize>j << 3;
      const xv = v128.load(x + o);
      s0 = f64x2.add(s0, f64x2.mul(v128.load(a0 + o), xv));
      s1 = f64x2.add(s1, f64x2.mul(v128.load(a0 + ld + o), xv));
      s2 = f64x2.add(s2, f64x2.mul(v128.load(a0 + 2 * ld + o), xv));
      s3 = f64x2.add(s3, f64x2.mul(v128.load(a0 + 3 * ld + o), xv));
    }
    if (j < d) {
      const o = <usize>j << 3;
      const xs = load<f64>(x + o);
      t0 = load<f64>(a0 + o) * xs;
      t1 = load<f64>(a0 + ld + o) * xs;
      t2 = load<f64>(a0 + 2 * ld + o) * xs;
      t3 = load<f64>(a0 + 3 * ld + o) * xs;
    }
    const zp = z + (<usize>i << 3);
    store<f64>(zp, hsum(s0) + t0);
    store<f64>(zp, hsum(s1) + t1, 8);
    store<f64>(zp, hsum(s2) + t2, 16);
    store<f64>(zp, hsum(s3) + t3, 24);
  }
  for (; i < n; i++) {
    const a0 = a + <usize>i * ld;
    let s: f64 = 0;
    for (let j = 0; j < d; j++) s += load<f64>(a0 + (<usize>j << 3)) * load<f64>(x + (<usize>j << 3));
    store<f64>(z + (<usize>i << 3), s);
  }
}

/** out = Aᵀ·w (A: n×d): w-weighted rows of A accumulated, two columns per lane pair, four rows per pass. */
export function gemvT(n: i32, d: i32, a: usize, w: usize, out: usize): void {
  memory.fill(out, 0, <usize>d << 3);
  const ld = <usize>d << 3;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a0 = a + <usize>i * ld, wp = w + (<usize>i << 3);
    const w0 = load<f64>(wp), w1 = load<f64>(wp, 8), w2 = load<f64>(wp, 16), w3 = load<f64>(wp, 24);
    const v0 = f64x2.splat(w0), v1 = f64x2.splat(w1), v2 = f64x2.splat(w2), v3 = f64x2.splat(w3);
    let j = 0;
    for (; j + 2 <= d; j += 2) {
      const o = <usize>j << 3;
      let s = f64x2.mul(v128.load(a0 + o), v0);
      s = f64x2.add(s, f64x2.mul(v128.load(a0 + ld + o), v1));
      s = f64x2.add(s, f64x2.mul(v128.load(a0 + 2 * ld + o), v2));
      s = f64x2.add(s, f64x2.mul(v128.load(a0 + 3 * ld + o), v3));
      v128.store(out + o, f64x2.add(v128.load(out + o), s));
    }
    if (j < d) {
      const o = <usize>j << 3;
      const s = load<f64>(a0 + o) * w0 + load<f64>(a0 + ld + o) * w1 + load<f64>(a0 + 2 * ld + o) * w2 + load<f64>(a0 + 3 * ld + o) * w3;
      store<f64>(out + o, load<f64>(out + o) + s);
    }
  }
  for (; i < n; i++) {
    const a0 = a + <usize>i * ld, wi = load<f64>(w + (<usize>i << 3));
    for (let j = 0; j < d; j++) {
      const o = <usize>j << 3;
      store<f64>(out + o, load<f64>(out + o) + load<f64>(a0 + o) * wi);
    }
  }
}

// ---------- fused row passes (rows.ts holds the formulas; these are the same, two lanes at a time) ----------

/** Largest entry of a len-long buffer (NaN if any entry is NaN). */
export function maxOf(s: usize, len: i32): f64 {
  let m = f64x2.splat(-Infinity);
  let j = 0;
  for (; j + 2 <= len; j += 2) m = f64x2.max(m, v128.load(s + (<usize>j << 3)));
  let r = max(f64x2.extract_lane(m, 0), f64x2.extract_lane(m, 1));
  if (j < len) r = max(r, load<f64>(s + (<usize>j << 3)));
  return r;
}

/**
 * Normalized rows: P = softmax(S row), R = P − B, G = P∘(R − ⟨P,R⟩) written over S (g may equal s).
 * Returns Σ R² over the rows (twice the loss).
 */
export function rowsNormalized(rows: i32, cols: i32, s: usize, b: usize, g: usize): f64 {
  let loss: f64 = 0;
  const lc = <usize>cols << 3;
  for (let i = 0; i < rows; i++) {
    const so = s + <usize>i * lc, bo = b + <usize>i * lc, go = g + <usize>i * lc;
    const mx = f64x2.splat(maxOf(so, cols));
    let sum = f64x2.splat(0);
    let j = 0;
    for (; j + 2 <= cols; j += 2) {
      const o = <usize>j << 3;
      const e = vexp(f64x2.sub(v128.load(so + o), mx));
      v128.store(go + o, e);
      sum = f64x2.add(sum, e);
    }
    let sumS = hsum(sum);
    if (j < cols) {
      const o = <usize>j << 3;
      const e = sexp(load<f64>(so + o) - f64x2.extract_lane(mx, 0));
      store<f64>(go + o, e);
      sumS += e;
    }
    const inv = f64x2.splat(1 / sumS);
    let l2 = f64x2.splat(0), t = f64x2.splat(0);
    for (j = 0; j + 2 <= cols; j += 2) {
      const o = <usize>j << 3;
      const p = f64x2.mul(v128.load(go + o), inv);
      const r = f64x2.sub(p, v128.load(bo + o));
      v128.store(go + o, p);
      l2 = f64x2.add(l2, f64x2.mul(r, r));
      t = f64x2.add(t, f64x2.mul(p, r));
    }
    let tS = hsum(t);
    loss += hsum(l2);
    if (j < cols) {
      const o = <usize>j << 3;
      const p = load<f64>(go + o) * f64x2.extract_lane(inv, 0);
      const r = p - load<f64>(bo + o);
      store<f64>(go + o, p);
      loss += r * r;
      tS += p * r;
    }
    const tv = f64x2.splat(tS);
    for (j = 0; j + 2 <= cols; j += 2) {
      const o = <usize>j << 3;
      const p = v128.load(go + o);
      v128.store(go + o, f64x2.mul(p, f64x2.sub(f64x2.sub(p, v128.load(bo + o)), tv)));
    }
    if (j < cols) {
      const o = <usize>j << 3;
      const p = load<f64>(go + o);
      store<f64>(go + o, p * (p - load<f64>(bo + o) - tS));
    }
  }
  return loss;
}

/**
 * Rescaled rows: U = exp(S), α = rowsum(U), Q = U − αB, G = U∘(Q − ⟨Q,B⟩) written over S (g may equal s).
 * The caller has checked max S against the overflow limit. Returns Σ Q².
 */
export function rowsRescaled(rows: i32, cols: i32, s: usize, b: usize, g: usize): f64 {
  let loss: f64 = 0;
  const lc = <usize>cols << 3;
  for (let i = 0; i < rows; i++) {
    const so = s + <usize>i * lc, bo = b + <usize>i * lc, go = g + <usize>i * lc;
    let sum = f64x2.splat(0);
    let j = 0;
    for (; j + 2 <= cols; j += 2) {
      const o = <usize>j << 3;
      const e = vexp(v128.load(so + o));
      v128.store(go + o, e);
      sum = f64x2.add(sum, e);
    }
    let alpha = hsum(sum);
    if (j < cols) {
      const o = <usize>j << 3;
      const e = sexp(load<f64>(so + o));
      store<f64>(go + o, e);
      alpha += e;
    }
    const av = f64x2.splat(alpha);
    let l2 = f64x2.splat(0), t = f64x2.splat(0);
    for (j = 0; j + 2 <= cols; j += 2) {
      const o = <usize>j << 3;
      const bb = v128.load(bo + o);
      const q = f64x2.sub(v128.load(go + o), f64x2.mul(av, bb));
      l2 = f64x2.add(l2, f64x2.mul(q, q));
      t = f64x2.add(t, f64x2.mul(q, bb));
    }
    let tS = hsum(t);
    loss += hsum(l2);
    if (j < cols) {
      const o = <usize>j << 3;
      const bb = load<f64>(bo + o);
      const q = load<f64>(go + o) - alpha * bb;
      loss += q * q;
      tS += q * bb;
    }
    const tv = f64x2.splat(tS);
    for (j = 0; j + 2 <= cols; j += 2) {
      const o = <usize>j << 3;
      const u = v128.load(go + o);
      const q = f64x2.sub(u, f64x2.mul(av, v128.load(bo + o)));
      v128.store(go + o, f64x2.mul(u, f64x2.sub(q, tv)));
    }
    if (j < cols) {
      const o = <usize>j << 3;
      const u = load<f64>(go + o);
      store<f64>(go + o, u * (u - alpha * load<f64>(bo + o) - tS));
    }
  }
  return loss;
}

/**
 * Hessian core of the normalized rows applied to dS, written over dS; S is overwritten with P.
 * Per row: c1·f(f·v) − f(g·v) − g(f·v) + g∘v − c2·f∘v, g = (2f − b)∘f, c1 = ⟨3f − 2b, f⟩, c2 = ⟨f − b, f⟩.
 */
export function hessNormalized(rows: i32, cols: i32, s: usize, b: usize, ds: usize): void {
  rowsSoftmax(rows, cols, s);
  const lc = <usize>cols << 3;
  for (let i = 0; i < rows; i++) {
    const fo = s + <usize>i * lc, bo = b + <usize>i * lc, vo = ds + <usize>i * lc;
    let c1: f64 = 0, c2: f64 = 0, fv: f64 = 0, gv: f64 = 0;
    for (let j = 0; j < cols; j++) {
      const o = <usize>j << 3;
      const f = load<f64>(fo + o), bb = load<f64>(bo + o), v = load<f64>(vo + o), g = (2 * f - bb) * f;
      c1 += (3 * f - 2 * bb) * f;
      c2 += (f - bb) * f;
      fv += f * v;
      gv += g * v;
    }
    for (let j = 0; j < cols; j++) {
      const o = <usize>j << 3;
      const f = load<f64>(fo + o), bb = load<f64>(bo + o), v = load<f64>(vo + o), g = (2 * f - bb) * f;
      store<f64>(vo + o, c1 * f * fv - f * gv - g * fv + g * v - c2 * f * v);
    }
  }
}

/** Row-wise softmax in place. */
function rowsSoftmax(rows: i32, cols: i32, s: usize): void {
  const lc = <usize>cols << 3;
  for (let i = 0; i < rows; i++) {
    const so = s + <usize>i * lc;
    const mx = f64x2.splat(maxOf(so, cols));
    let sum = f64x2.splat(0);
    let j = 0;
    for (; j + 2 <= cols; j += 2) {
      const o = <usize>j << 3;
      const e = vexp(f64x2.sub(v128.load(so + o), mx));
      v128.store(so + o, e);
      sum = f64x2.add(sum, e);
    }
    let sumS = hsum(sum);
    if (j < cols) {
      const o = <usize>j << 3;
      const e = sexp(load<f64>(so + o) - f64x2.extract_lane(mx, 0));
      store<f64>(so + o, e);
      sumS += e;
    }
    const inv = f64x2.splat(1 / sumS);
    for (j = 0; j + 2 <= cols; j += 2) v128.store(so + (<usize>j << 3), f64x2.mul(v128.load(so + (<usize>j << 3)), inv));
    if (j < cols) store<f64>(so + (<usize>j << 3), load<f64>(so + (<usize>j << 3)) * f64x2.extract_lane(inv, 0));
  }
}

/**
 * Hessian core of the rescaled rows applied to dS, written over dS; S is overwritten with U = exp(S).
 * Per row: u∘(y − ⟨b,y⟩) + u∘(q − ⟨q,b⟩)∘v with y = u∘v − b⟨u,v⟩, q = u − αb.
 */
export function hessRescaled(rows: i32, cols: i32, s: usize, b: usize, ds: usize): void {
  const lc = <usize>cols << 3;
  for (let i = 0; i < rows; i++) {
    const uo = s + <usize>i * lc, bo = b + <usize>i * lc, vo = ds + <usize>i * lc;
    let alpha: f64 = 0, sw: f64 = 0;
    for (let j = 0; j < cols; j++) {
      const o = <usize>j << 3;
      const u = sexp(load<f64>(uo + o));
      store<f64>(uo + o, u);
      alpha += u;
      sw += u * load<f64>(vo + o);
    }
    let t: f64 = 0, by: f64 = 0;
    for (let j = 0; j < cols; j++) {
      const o = <usize>j << 3;
      const u = load<f64>(uo + o), bb = load<f64>(bo + o);
      t += (u - alpha * bb) * bb;
      by += bb * (u * load<f64>(vo + o) - bb * sw);
    }
    for (let j = 0; j < cols; j++) {
      const o = <usize>j << 3;
      const u = load<f64>(uo + o), bb = load<f64>(bo + o), v = load<f64>(vo + o);
      const y = u * v - bb * sw;
      store<f64>(vo + o, u * (y - by) + u * (u - alpha * bb - t) * v);
    }
  }
}
