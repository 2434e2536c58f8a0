// AssemblyScript source of the bench's peak-rate probe (compiled by test/bench/bench.ts when it runs, never shipped):
// independent chains of 128-bit SIMD multiplies and adds on registers only, no memory traffic, so the rate it reaches
// is about the most a WebAssembly SIMD kernel can reach on this CPU under this engine. Seven multiply and seven add
// chains (fifteen of x64's sixteen vector registers with the factor) cover each operation's latency on two multiply
// and two add pipes; two steps per loop trip halve the loop's own instructions. `q` comes from the caller so that
// nothing folds at compile time, and the returned sum keeps every chain live.

/** `iters` rounds of two steps of 7 f64x2 multiplies and 7 f64x2 adds: 56 flops per round. */
export function peak64(iters: i32, q: f64): f64 {
  const v = f64x2.splat(q);
  let m0 = v, m1 = v, m2 = v, m3 = v, m4 = v, m5 = v, m6 = v;
  let a0 = v, a1 = v, a2 = v, a3 = v, a4 = v, a5 = v, a6 = v;
  for (let i = 0; i < iters; i++) {
    m0 = f64x2.mul(m0, v);
    m1 = f64x2.mul(m1, v);
    m2 = f64x2.mul(m2, v);
    m3 = f64x2.mul(m3, v);
    m4 = f64x2.mul(m4, v);
    m5 = f64x2.mul(m5, v);
    m6 = f64x2.mul(m6, v);
    a0 = f64x2.add(a0, v);
    a1 = f64x2.add(a1, v);
    a2 = f64x2.add(a2, v);
    a3 = f64x2.add(a3, v);
    a4 = f64x2.add(a4, v);
    a5 = f64x2.add(a5, v);
    a6 = f64x2.add(a6, v);
    m0 = f64x2.mul(m0, v);
    m1 = f64x2.mul(m1, v);
    m2 = f64x2.mul(m2, v);
    m3 = f64x2.mul(m3, v);
    m4 = f64x2.mul(m4, v);
    m5 = f64x2.mul(m5, v);
    m6 = f64x2.mul(m6, v);
    a0 = f64x2.add(a0, v);
    a1 = f64x2.add(a1, v);
    a2 = f64x2.add(a2, v);
    a3 = f64x2.add(a3, v);
    a4 = f64x2.add(a4, v);
    a5 = f64x2.add(a5, v);
    a6 = f64x2.add(a6, v);
  }
  let u = m0;
  u = f64x2.add(u, m1);
  u = f64x2.add(u, m2);
  u = f64x2.add(u, m3);
  u = f64x2.add(u, m4);
  u = f64x2.add(u, m5);
  u = f64x2.add(u, m6);
  u = f64x2.add(u, a0);
  u = f64x2.add(u, a1);
  u = f64x2.add(u, a2);
  u = f64x2.add(u, a3);
  u = f64x2.add(u, a4);
  u = f64x2.add(u, a5);
  u = f64x2.add(u, a6);
  return f64x2.extract_lane(u, 0) + f64x2.extract_lane(u, 1);
}

/** `iters` rounds of two steps of 7 f32x4 multiplies and 7 f32x4 adds: 112 flops per round. */
export function peak32(iters: i32, q: f32): f32 {
  const v = f32x4.splat(q);
  let m0 = v, m1 = v, m2 = v, m3 = v, m4 = v, m5 = v, m6 = v;
  let a0 = v, a1 = v, a2 = v, a3 = v, a4 = v, a5 = v, a6 = v;
  for (let i = 0; i < iters; i++) {
    m0 = f32x4.mul(m0, v);
    m1 = f32x4.mul(m1, v);
    m2 = f32x4.mul(m2, v);
    m3 = f32x4.mul(m3, v);
    m4 = f32x4.mul(m4, v);
    m5 = f32x4.mul(m5, v);
    m6 = f32x4.mul(m6, v);
    a0 = f32x4.add(a0, v);
    a1 = f32x4.add(a1, v);
    a2 = f32x4.add(a2, v);
    a3 = f32x4.add(a3, v);
    a4 = f32x4.add(a4, v);
    a5 = f32x4.add(a5, v);
    a6 = f32x4.add(a6, v);
    m0 = f32x4.mul(m0, v);
    m1 = f32x4.mul(m1, v);
    m2 = f32x4.mul(m2, v);
    m3 = f32x4.mul(m3, v);
    m4 = f32x4.mul(m4, v);
    m5 = f32x4.mul(m5, v);
    m6 = f32x4.mul(m6, v);
    a0 = f32x4.add(a0, v);
    a1 = f32x4.add(a1, v);
    a2 = f32x4.add(a2, v);
    a3 = f32x4.add(a3, v);
    a4 = f32x4.add(a4, v);
    a5 = f32x4.add(a5, v);
    a6 = f32x4.add(a6, v);
  }
  let u = m0;
  u = f32x4.add(u, m1);
  u = f32x4.add(u, m2);
  u = f32x4.add(u, m3);
  u = f32x4.add(u, m4);
  u = f32x4.add(u, m5);
  u = f32x4.add(u, m6);
  u = f32x4.add(u, a0);
  u = f32x4.add(u, a1);
  u = f32x4.add(u, a2);
  u = f32x4.add(u, a3);
  u = f32x4.add(u, a4);
  u = f32x4.add(u, a5);
  u = f32x4.add(u, a6);
  return f32x4.extract_lane(u, 0) + f32x4.extract_lane(u, 1) + f32x4.extract_lane(u, 2) + f32x4.extract_lane(u, 3);
}
