// AssemblyScript source of the float64 WebAssembly SIMD (f64x2) kernels, compiled by scripts/build.mjs.
// Every argument is a byte address in linear memory (usize) or a count; the JavaScript side (../kernels.ts) lays out
// the buffers once per objective, so nothing here allocates. Matrices are row-major with explicit row strides.

// ---------- exp ----------

const EXP_MIN: f64 = -708.0;
// 64/ln 2, and ln 2/64 split so that k·LN2HI_64 is exact for |k| < 2^21 (fdlibm's split of ln 2, divided by 64).
const INV_LN2_64: f64 = 92.33248261689366;
const LN2HI_64: f64 = 6.93147180369123816490e-1 / 64;
const LN2LO_64: f64 = 1.90821492927058770002e-10 / 64;
// 1.5·2^52: adding it rounds to an integer k and leaves k + 2^51 in the low mantissa bits.
const ROUND: f64 = 6755399441055744.0;

// exp's constants, each on both lanes, read from memory: V8 rebuilds a v128 constant from immediates (several
// instructions) at every use inside a loop, while a load from a fixed address is one instruction.
const EXPC: usize = memory.data<f64>([
  EXP_MIN, EXP_MIN, INV_LN2_64, INV_LN2_64, ROUND, ROUND, LN2HI_64, LN2HI_64, LN2LO_64, LN2LO_64,
  0.5, 0.5, 1.0 / 6, 1.0 / 6, 1.0 / 24, 1.0 / 24, 1.0 / 120, 1.0 / 120, 0.0, 0.0,
], 16);

// 2^(j/64), j = 0…63, as pairs (hi, lo): hi the nearest double, lo the rest (computed to 60 digits), so a lookup
// carries 2^(j/64) to about 2^-106 and the result's error is little more than its final rounding.
const EXP2_64: usize = memory.data<f64>([
  1.0, 0.0,
  1.0108892860517005, -1.5234778603368577e-17,
  1.0218971486541166, 5.109225028973444e-17,
  1.0330248790212284, 7.600838874027088e-18,
  1.0442737824274138, 8.551889705537965e-17,
  1.0556451783605572, 1.759325738772092e-18,
  1.0671404006768237, -7.899853966841582e-17,
  1.0787607977571199, -6.656660436056593e-17,
  1.0905077326652577, -3.046782079812471e-17,
  1.102382583307841, 5.2660368715706944e-17,
  1.1143867425958924, 1.0410278456845571e-16,
  1.1265216186082418, 5.165856758795457e-17,
  1.1387886347566916, 8.912812676025408e-17,
  1.1511892299529827, 3.250710218863827e-17,
  1.1637248587775775, 3.8292048369240935e-17,
  1.1763969916502812, 5.554203254218079e-17,
  1.189207115002721, 3.982015231465646e-17,
  1.202156731452703, 6.644981499252301e-17,
  1.215247359980469, -7.712630692681488e-17,
  1.22848053610687, -1.89878163130253e-17,
  1.241857812073484, 4.658027591836937e-17,
  1.255380757024691, -6.7113898212968784e-18,
  1.2690509571917332, 2.667932131342186e-18,
  1.2828700160787783, 1.713594918243561e-17,
  1.2968395546510096, 2.5382502794888315e-17,
  1.3109612115247644, -7.181536135519454e-17,
  1.3252366431597413, -2.8587312100388614e-17,
  1.339667524053303, 8.927282594831732e-17,
  1.3542555469368927, 7.70094837980299e-17,
  1.3690024229745905, 9.593797919118849e-17,
  1.383909881963832, -6.770511658794786e-17,
  1.3989796725383112, -9.614213209051323e-17,
  1.4142135623730951, -9.667293313452913e-17,
  1.42961333839197, -1.2031642489053655e-17,
  1.4451808069770467, -3.0237581349939873e-17,
  1.460917794180647, -5.600377186075216e-17,
  1.4768261459394993, -3.483994556892796e-17,
  1.4929077282912648, 1.4192920154284036e-17,
  1.5091644275934228, -1.016455327754295e-16,
  1.5255981507445384, -1.1024941712342561e-16,
  1.5422108254079407, 7.949834809697621e-17,
  1.559004400237837, 3.7812070533575275e-17,
  1.5759808451078865, -1.0136916471278304e-17,
  1.593142151342267, -1.0094406542311964e-16,
  1.6104903319492543, 2.4707192569797888e-17,
  1.6280274218573478, -6.712955084707084e-17,
  1.645755478153965, -1.0125679913674773e-16,
  1.6636765803267364, 5.8909926967131e-17,
  1.681792830507429, 8.199010020581497e-17,
  1.7001063537185235, -8.0237193703977e-18,
  1.718619298122478, -1.851380418263111e-17,
  1.7373338352737062, 3.164389299292957e-17,
  1.7562521603732995, 2.960140695448873e-17,
  1.7753764925265212, 6.429731796556572e-17,
  1.7947090750031072, 1.8227458427912087e-17,
  1.8142521755003989, -9.969531538920349e-17,
  1.8340080864093424, 3.283107224245627e-17,
  1.8539791250833855, 9.761887490727594e-17,
  1.8741676341103, -6.122763413004143e-17,
  1.8945759815869656, 3.4034035352165297e-17,
  1.9152065613971474, -1.0619946056195963e-16,
  1.9360617934922943, 1.0332385960676326e-16,
  1.9571441241754002, 8.960767791036668e-17,
  1.978456026387951, 4.0388753109278167e-17
], 16);

// @ts-ignore: decorator
@inline function c(i: i32): v128 {
  return v128.load(EXPC + (<usize>i << 4));
}

// exp on two lanes by a table (Tang's method, as in glibc): x = (64m + j)·ln2/64 + r with |r| ≤ ln2/128, so
// e^x = 2^m · 2^(j/64) · e^r, e^r − 1 by its Taylor series to r^5/5! (the first term left out, r^6/6!, is below
// 2^-54 of the result: about 0.3 ulp at the ends of the range of r), 2^(j/64) read from the table and 2^m added to the
// exponent bits. Within 0.85 ulp of the exact value over −708…709 (a unit test against a 400-bit oracle; the worst
// seen on 140,000 points, among them the ends of r for several j, 0.82; fdlibm's rational form this replaced, 0.93),
// and about 20% faster: V8 issues each f64x2 operation separately (no FMA) and keeps few constants in registers, so
// the instruction count sets the pace, and the table halves the polynomial. k is rounded by adding ROUND, whose
// mantissa then holds k in its low bits: the low 6 give j, the next 12 m's exponent field. Below EXP_MIN the result
// is 0 (true value < 3.3e-308); NaN propagates (pmax is a plain maxpd, which keeps a NaN x, where f64x2.max's NaN and
// signed-zero rules cost several instructions). Above ln(largest double) ≈ 709.78 the result is meaningless (the
// exponent field wraps): the callers refuse such scores first (rows.ts's rescaledLimit; softmax rows are ≤ 0).
// @ts-ignore: decorator
@inline function vexp(x: v128): v128 {
  const lo = c(0);
  const xc = f64x2.pmax(x, lo);
  const kr = f64x2.add(f64x2.mul(xc, c(1)), c(2));
  const k = f64x2.sub(kr, c(2));
  let r = f64x2.sub(xc, f64x2.mul(k, c(3)));
  r = f64x2.sub(r, f64x2.mul(k, c(4)));
  const t0 = v128.load(EXP2_64 + (<usize>(<i32>i64x2.extract_lane(kr, 0) & 63) << 4));
  const t1 = v128.load(EXP2_64 + (<usize>(<i32>i64x2.extract_lane(kr, 1) & 63) << 4));
  const hi = v128.shuffle<i64>(t0, t1, 0, 2);
  const tail = v128.shuffle<i64>(t0, t1, 1, 3);
  // e^r − 1 = r + r²·(1/2 + r/6) + r⁴·(1/24 + r/120): a short dependency chain.
  const r2 = f64x2.mul(r, r);
  const a = f64x2.add(c(5), f64x2.mul(r, c(6)));
  const b = f64x2.add(c(7), f64x2.mul(r, c(8)));
  const p = f64x2.add(r, f64x2.add(f64x2.mul(r2, a), f64x2.mul(f64x2.mul(r2, r2), b)));
  const y = f64x2.add(hi, f64x2.add(f64x2.mul(hi, p), tail));
  return v128.bitselect(c(9), i64x2.add(y, i64x2.shl(i64x2.shr_u(kr, 6), 52)), f64x2.lt(x, lo));
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
// A KC×4 panel of B copied contiguous: rows of B a multiple of 4 KiB apart (n = 512, or 4096 with d = 64) would
// otherwise all fall in one set of the L1 cache and evict each other on every pass.
const PANEL: usize = memory.data(KC * 4 * 8);

/** C = A·B (A: m×k, B: k×n), or C += A·B when acc ≠ 0. Strides lda, ldb, ldc in elements. */
export function gemm(m: i32, n: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, acc: i32): void {
  if (k === 0) {
    if (!acc) for (let i = 0; i < m; i++) memory.fill(c + (<usize>(i * ldc) << 3), 0, <usize>n << 3);
    return;
  }
  const lb = <usize>ldb << 3;
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kb = min(KC, k - p0);
    const add: bool = acc !== 0 || p0 > 0;
    const ap = a + (<usize>p0 << 3), bp = b + <usize>p0 * lb;
    let j = 0;
    // Copying a panel pays once it serves at least two register blocks of rows.
    if (m >= 8) {
      for (; j + 4 <= n; j += 4) {
        let src = bp + (<usize>j << 3);
        for (let p = 0; p < kb; p++) {
          const o = <usize>p << 5;
          v128.store(PANEL + o, v128.load(src));
          v128.store(PANEL + o, v128.load(src, 16), 16);
          src += lb;
        }
        cols4(m, kb, ap, lda, PANEL, 4, c + (<usize>j << 3), ldc, add);
      }
    } else for (; j + 4 <= n; j += 4) cols4(m, kb, ap, lda, bp + (<usize>j << 3), ldb, c + (<usize>j << 3), ldc, add);
    for (; j + 2 <= n; j += 2) cols2(m, kb, ap, lda, bp + (<usize>j << 3), ldb, c + (<usize>j << 3), ldc, add);
    for (; j < n; j++) cols1(m, kb, ap, lda, bp + (<usize>j << 3), ldb, c + (<usize>j << 3), ldc, add);
  }
}

/**
 * B (k×n, row stride ldb) rearranged for gemmPacked: panel q (columns 4q…4q+3) is k rows of 4 entries, contiguous,
 * the last panel padded with zeros. `out` holds k·4·⌈n/4⌉ entries.
 */
export function pack(k: i32, n: i32, b: usize, ldb: i32, out: usize): void {
  const panels = (n + 3) >> 2;
  for (let q = 0; q < panels; q++)
    for (let p = 0; p < k; p++)
      for (let t = 0; t < 4; t++) {
        const j = 4 * q + t;
        store<f64>(out + (<usize>((q * k + p) * 4 + t) << 3), j < n ? load<f64>(b + (<usize>(p * ldb + j) << 3)) : 0);
      }
}

/** C = A·B (or C += A·B when acc ≠ 0) with B given as pack() laid it out: a constant B is packed once. */
export function gemmPacked(m: i32, n: i32, k: i32, a: usize, lda: i32, bp: usize, c: usize, ldc: i32, acc: i32): void {
  if (k === 0) {
    if (!acc) for (let i = 0; i < m; i++) memory.fill(c + (<usize>(i * ldc) << 3), 0, <usize>n << 3);
    return;
  }
  const panel = <usize>k << 5;
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kb = min(KC, k - p0);
    const add: bool = acc !== 0 || p0 > 0;
    const ap = a + (<usize>p0 << 3), pp = bp + (<usize>p0 << 5);
    let j = 0;
    for (; j + 4 <= n; j += 4) cols4(m, kb, ap, lda, pp + <usize>(j >> 2) * panel, 4, c + (<usize>j << 3), ldc, add);
    const last = pp + <usize>(j >> 2) * panel;
    if (j + 2 <= n) {
      cols2(m, kb, ap, lda, last, 4, c + (<usize>j << 3), ldc, add);
      if (j + 3 <= n) cols1(m, kb, ap, lda, last + 16, 4, c + (<usize>(j + 2) << 3), ldc, add);
    } else if (j < n) cols1(m, kb, ap, lda, last, 4, c + (<usize>j << 3), ldc, add);
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
    // Four row pointers advanced by one entry per step, each entry splat by one load (a single vmovddup).
    let a1 = a0 + la, a2 = a0 + 2 * la, a3 = a0 + 3 * la, aq = a0, bq = b;
    const end = a0 + (<usize>k << 3);
    for (; aq < end; aq += 8) {
      const b0 = v128.load(bq), b1 = v128.load(bq, 16);
      let x = v128.load64_splat(aq);
      c00 = f64x2.add(c00, f64x2.mul(x, b0));
      c01 = f64x2.add(c01, f64x2.mul(x, b1));
      x = v128.load64_splat(a1);
      c10 = f64x2.add(c10, f64x2.mul(x, b0));
      c11 = f64x2.add(c11, f64x2.mul(x, b1));
      x = v128.load64_splat(a2);
      c20 = f64x2.add(c20, f64x2.mul(x, b0));
      c21 = f64x2.add(c21, f64x2.mul(x, b1));
      x = v128.load64_splat(a3);
      c30 = f64x2.add(c30, f64x2.mul(x, b0));
      c31 = f64x2.add(c31, f64x2.mul(x, b1));
      a1 += 8;
      a2 += 8;
      a3 += 8;
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
    let a1 = a0 + la, a2 = a0 + 2 * la, a3 = a0 + 3 * la, aq = a0, bq = b;
    const end = a0 + (<usize>k << 3);
    for (; aq < end; aq += 8) {
      const b0 = v128.load(bq);
      c0 = f64x2.add(c0, f64x2.mul(v128.load64_splat(aq), b0));
      c1 = f64x2.add(c1, f64x2.mul(v128.load64_splat(a1), b0));
      c2 = f64x2.add(c2, f64x2.mul(v128.load64_splat(a2), b0));
      c3 = f64x2.add(c3, f64x2.mul(v128.load64_splat(a3), b0));
      a1 += 8;
      a2 += 8;
      a3 += 8;
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

/**
 * Largest entry of a len-long buffer, NaN entries skipped (−Infinity if all are NaN). Two pmax chains: pmax is one
 * maxpd, where f64x2.max's NaN rules cost eight dependent instructions per step. A NaN score still makes its row's
 * loss NaN through exp, so the row passes need no NaN-aware max.
 */
export function maxOf(s: usize, len: i32): f64 {
  let m0 = f64x2.splat(-Infinity), m1 = m0;
  let j = 0;
  for (; j + 4 <= len; j += 4) {
    const o = <usize>j << 3;
    m0 = f64x2.pmax(m0, v128.load(s + o));
    m1 = f64x2.pmax(m1, v128.load(s + o, 16));
  }
  for (; j + 2 <= len; j += 2) m0 = f64x2.pmax(m0, v128.load(s + (<usize>j << 3)));
  m0 = f64x2.pmax(m0, m1);
  let r = f64x2.extract_lane(m0, 0);
  const r1 = f64x2.extract_lane(m0, 1);
  if (r < r1) r = r1;
  if (j < len) {
    const t = load<f64>(s + (<usize>j << 3));
    if (r < t) r = t;
  }
  return r;
}

/**
 * e = exp(s − shift) over a row of `cols` entries into g (g may equal s); returns Σ e. Two vectors per step, each
 * with its own running sum: the two exps overlap in the pipeline.
 */
function expRow(s: usize, g: usize, cols: i32, shift: f64): f64 {
  const mx = f64x2.splat(shift);
  let sum0 = f64x2.splat(0), sum1 = sum0;
  let j = 0;
  for (; j + 4 <= cols; j += 4) {
    const o = <usize>j << 3;
    const e0 = vexp(f64x2.sub(v128.load(s + o), mx));
    const e1 = vexp(f64x2.sub(v128.load(s + o, 16), mx));
    v128.store(g + o, e0);
    v128.store(g + o, e1, 16);
    sum0 = f64x2.add(sum0, e0);
    sum1 = f64x2.add(sum1, e1);
  }
  if (j + 2 <= cols) {
    const o = <usize>j << 3;
    const e = vexp(f64x2.sub(v128.load(s + o), mx));
    v128.store(g + o, e);
    sum0 = f64x2.add(sum0, e);
    j += 2;
  }
  let sum = hsum(f64x2.add(sum0, sum1));
  if (j < cols) {
    const o = <usize>j << 3;
    const e = sexp(load<f64>(s + o) - shift);
    store<f64>(g + o, e);
    sum += e;
  }
  return sum;
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
    const inv = f64x2.splat(1 / expRow(so, go, cols, maxOf(so, cols)));
    let l2 = f64x2.splat(0), t = f64x2.splat(0);
    let j = 0;
    for (; j + 2 <= cols; j += 2) {
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
    const alpha = expRow(so, go, cols, 0);
    const av = f64x2.splat(alpha);
    let l2 = f64x2.splat(0), t = f64x2.splat(0);
    let j = 0;
    for (; j + 2 <= cols; j += 2) {
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
    const inv = f64x2.splat(1 / expRow(so, so, cols, maxOf(so, cols)));
    let j = 0;
    for (; j + 2 <= cols; j += 2) v128.store(so + (<usize>j << 3), f64x2.mul(v128.load(so + (<usize>j << 3)), inv));
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
