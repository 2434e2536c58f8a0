// AssemblyScript: exp on four lanes of float32, shared by the float32 kernels (kernels32.ts) and the experiment's
// float32 training kernel (icl32.ts); each module compiled from them gets its own copy of the constants.

const EXP_MIN: f32 = -87.0; // e^-87 ≈ 1.6e-38, just above the smallest normal float32
// 1.5·2^23: adding it rounds to an integer k and leaves k + 2^22 in the low mantissa bits.
const ROUND: f32 = 12582912.0;

// The constants on all four lanes, read from memory (one load each; V8 rebuilds v128 constants at every use).
const EXPC: usize = memory.data<f32>([
  EXP_MIN, EXP_MIN, EXP_MIN, EXP_MIN,
  1.44269504, 1.44269504, 1.44269504, 1.44269504, // log2 e
  ROUND, ROUND, ROUND, ROUND,
  0.693145752, 0.693145752, 0.693145752, 0.693145752, // ln 2, high part (exact times k for |k| < 2^9)
  1.42860677e-6, 1.42860677e-6, 1.42860677e-6, 1.42860677e-6, // ln 2 − high part
  1.98412698e-4, 1.98412698e-4, 1.98412698e-4, 1.98412698e-4, // 1/7!
  1.38888889e-3, 1.38888889e-3, 1.38888889e-3, 1.38888889e-3, // 1/6!
  8.33333333e-3, 8.33333333e-3, 8.33333333e-3, 8.33333333e-3, // 1/5!
  4.16666667e-2, 4.16666667e-2, 4.16666667e-2, 4.16666667e-2, // 1/4!
  0.166666667, 0.166666667, 0.166666667, 0.166666667, // 1/3!
  0.5, 0.5, 0.5, 0.5,
  1.0, 1.0, 1.0, 1.0,
  0.0, 0.0, 0.0, 0.0,
], 16);

// @ts-ignore: decorator
@inline function c(i: i32): v128 {
  return v128.load(EXPC + (<usize>i << 4));
}

// exp on four lanes: x = k·ln2 + r, |r| ≤ ln2/2, e^r by its Taylor series to r^7/7! (relative error below 2^-24),
// 2^k added to the exponent bits; below EXP_MIN (and at −∞) the result is 0, NaN propagates (as in kernels.ts).
// @ts-ignore: decorator
@inline export function vexp(x: v128): v128 {
  const lo = c(0);
  const xc = f32x4.pmax(x, lo);
  const kr = f32x4.add(f32x4.mul(xc, c(1)), c(2));
  const k = f32x4.sub(kr, c(2));
  let r = f32x4.sub(xc, f32x4.mul(k, c(3)));
  r = f32x4.sub(r, f32x4.mul(k, c(4)));
  const r2 = f32x4.mul(r, r);
  // e^r ≈ (1 + r) + r²(1/2! + r/3!) + r⁴((1/4! + r/5!) + r²(1/6! + r/7!)).
  const q0 = f32x4.add(c(11), r);
  const q1 = f32x4.add(c(10), f32x4.mul(c(9), r));
  const q2 = f32x4.add(c(8), f32x4.mul(c(7), r));
  const q3 = f32x4.add(c(6), f32x4.mul(c(5), r));
  const p = f32x4.add(f32x4.add(q0, f32x4.mul(q1, r2)), f32x4.mul(f32x4.add(q2, f32x4.mul(q3, r2)), f32x4.mul(r2, r2)));
  return v128.bitselect(c(12), i32x4.add(p, i32x4.shl(kr, 23)), f32x4.lt(x, lo));
}
