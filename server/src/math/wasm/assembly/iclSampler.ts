// AssemblyScript: the random draws of the experiment's training kernels (icl.ts in float64, icl32.ts in float32),
// one copy for both so a seed draws the same words and x* in either: xoshiro128** and the ziggurat of
// server/src/math/random.ts, operation for operation, with the host's Math.exp and Math.log (imported) for the
// rare tail and wedge draws, so the stream matches the JavaScript Rng's bit for bit.

// @ts-ignore: decorator
@external("env", "exp")
export declare function hostExp(x: f64): f64;
// @ts-ignore: decorator
@external("env", "log")
declare function hostLog(x: f64): f64;

/** Where the ziggurat's base layer ends (random.ts's ZIGGURAT_R). */
const ZIGGURAT_R: f64 = 3.442619855899;

// xoshiro128** state.
let s0: u32 = 0;
let s1: u32 = 0;
let s2: u32 = 0;
let s3: u32 = 0;

// The ziggurat's tables (byte addresses): x[0..128] and ratio[0..127].
let ZX: usize = 0;
let ZR: usize = 0;
// The task distributions: kind 0 normal (a = mean, b = scale), 1 uniform (a = low, b = high).
let WORDS_KIND: i32 = 0;
let WORDS_A: f64 = 0;
let WORDS_B: f64 = 1;
let XSTAR_KIND: i32 = 0;
let XSTAR_A: f64 = 0;
let XSTAR_B: f64 = 1;

/** The ziggurat's tables and the distributions of the words and of x*, as a kernel's configure receives them. */
export function setSampler(
  zx: usize, zr: usize, wordsKind: i32, wordsA: f64, wordsB: f64, xstarKind: i32, xstarA: f64, xstarB: f64,
): void {
  ZX = zx;
  ZR = zr;
  WORDS_KIND = wordsKind;
  WORDS_A = wordsA;
  WORDS_B = wordsB;
  XSTAR_KIND = xstarKind;
  XSTAR_A = xstarA;
  XSTAR_B = xstarB;
}

/** The generator's state (an Rng's four words). */
export function setState(a: u32, b: u32, c: u32, d: u32): void {
  s0 = a;
  s1 = b;
  s2 = c;
  s3 = d;
}

export function stateWord(i: i32): u32 {
  return i == 0 ? s0 : i == 1 ? s1 : i == 2 ? s2 : s3;
}

// @ts-ignore: decorator
@inline function ld(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline function st(base: usize, i: i32, x: f64): void {
  store<f64>(base + (<usize>i << 3), x);
}

// @ts-ignore: decorator
@inline function nextUint32(): u32 {
  const result = rotl<u32>(s1 * 5, 7) * 9;
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl<u32>(s3, 11);
  return result;
}

function uniform(): f64 {
  const hi = nextUint32() >>> 5;
  const lo = nextUint32() >>> 6;
  return (<f64>hi * 67108864.0 + <f64>lo) / 9007199254740992.0;
}

function normalTail(negative: bool): f64 {
  let t: f64, y: f64;
  do {
    t = hostLog(1 - uniform()) / ZIGGURAT_R;
    y = hostLog(1 - uniform());
  } while (-2 * y < t * t);
  return negative ? t - ZIGGURAT_R : ZIGGURAT_R - t;
}

/** Between a layer's inner and outer rectangle (Rng.wedge): v when accepted, else NaN. */
function wedge(v: f64, layer: i32): f64 {
  const x = ld(ZX, layer);
  const x1 = ld(ZX, layer + 1);
  const f0 = hostExp(-0.5 * (x * x - v * v));
  const f1 = hostExp(-0.5 * (x1 * x1 - v * v));
  return f1 + uniform() * (f0 - f1) < 1 ? v : NaN;
}

/**
 * Rng.fillNormal: `len` standard normals into `out`, the generator's state in locals (the globals are memory to the
 * engine) and written back around the rare tail and wedge draws.
 */
function fillNormal(out: usize, len: i32): void {
  const zx = ZX;
  const zr = ZR;
  let a = s0;
  let b = s1;
  let c = s2;
  let d = s3;
  for (let i = 0; i < len; i++) {
    let z: f64 = 0;
    while (true) {
      const hi = rotl<u32>(b * 5, 7) * 9;
      let t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = rotl<u32>(d, 11);
      const lo = rotl<u32>(b * 5, 7) * 9;
      t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = rotl<u32>(d, 11);
      const u = (<f64>(hi >>> 5) * 67108864.0 + <f64>(lo >>> 6)) * 2.220446049250313e-16 - 1;
      const layer = <i32>(((hi & 31) << 2) | (lo & 3));
      const x = ld(zx, layer);
      if (abs(u) < ld(zr, layer)) {
        z = u * x;
        break;
      }
      s0 = a;
      s1 = b;
      s2 = c;
      s3 = d;
      z = layer == 0 ? normalTail(u < 0) : wedge(u * x, layer);
      a = s0;
      b = s1;
      c = s2;
      d = s3;
      if (!isNaN(z)) break;
    }
    st(out, i, z);
  }
  s0 = a;
  s1 = b;
  s2 = c;
  s3 = d;
}

/** TaskSampler.next's draws: the n + 1 words (rows of d) into `words`, then x* into `xstar` (float64). */
export function drawWords(words: usize, xstar: usize, n: i32, d: i32): void {
  fill(WORDS_KIND, WORDS_A, WORDS_B, words, (n + 1) * d);
  fill(XSTAR_KIND, XSTAR_A, XSTAR_B, xstar, d);
}

/** tasks.ts's fill: `len` draws from a distribution into `out` (float64). */
function fill(kind: i32, a: f64, b: f64, out: usize, len: i32): void {
  if (kind == 0) {
    fillNormal(out, len);
    // a + b·z two at a time: the same operations on each lane, so the same numbers as one at a time.
    const va = f64x2.splat(a);
    const vb = f64x2.splat(b);
    let i = 0;
    for (; i + 2 <= len; i += 2) {
      const o = out + (<usize>i << 3);
      v128.store(o, f64x2.add(va, f64x2.mul(vb, v128.load(o))));
    }
    if (i < len) st(out, i, a + b * ld(out, i));
  } else for (let i = 0; i < len; i++) st(out, i, a + (b - a) * uniform());
}
