// AssemblyScript source of the bench's fused multiply-add probe (compiled with relaxed SIMD by test/bench/bench.ts,
// run in a Node started with --experimental-wasm-relaxed-simd): the same register-only chains as peak.ts, each step one
// f64x2.relaxed_madd (V8 emits vfmadd on x64), to see whether fused multiply-adds raise the ceiling. Fourteen chains
// and the factor: fifteen live vectors, all in registers (V8 keeps one of x64's sixteen for itself).

/** `iters` rounds of two steps of 14 f64x2 multiply-adds: 112 flops per round. */
export function fma64(iters: i32, q: f64): f64 {
  const v = f64x2.splat(q);
  let a0 = v, a1 = v, a2 = v, a3 = v, a4 = v, a5 = v, a6 = v, a7 = v, a8 = v, a9 = v, a10 = v, a11 = v, a12 = v, a13 = v;
  for (let i = 0; i < iters; i++) {
    a0 = f64x2.relaxed_madd(a0, v, v);
    a1 = f64x2.relaxed_madd(a1, v, v);
    a2 = f64x2.relaxed_madd(a2, v, v);
    a3 = f64x2.relaxed_madd(a3, v, v);
    a4 = f64x2.relaxed_madd(a4, v, v);
    a5 = f64x2.relaxed_madd(a5, v, v);
    a6 = f64x2.relaxed_madd(a6, v, v);
    a7 = f64x2.relaxed_madd(a7, v, v);
    a8 = f64x2.relaxed_madd(a8, v, v);
    a9 = f64x2.relaxed_madd(a9, v, v);
    a10 = f64x2.relaxed_madd(a10, v, v);
    a11 = f64x2.relaxed_madd(a11, v, v);
    a12 = f64x2.relaxed_madd(a12, v, v);
    a13 = f64x2.relaxed_madd(a13, v, v);
    a0 = f64x2.relaxed_madd(a0, v, v);
    a1 = f64x2.relaxed_madd(a1, v, v);
    a2 = f64x2.relaxed_madd(a2, v, v);
    a3 = f64x2.relaxed_madd(a3, v, v);
    a4 = f64x2.relaxed_madd(a4, v, v);
    a5 = f64x2.relaxed_madd(a5, v, v);
    a6 = f64x2.relaxed_madd(a6, v, v);
    a7 = f64x2.relaxed_madd(a7, v, v);
    a8 = f64x2.relaxed_madd(a8, v, v);
    a9 = f64x2.relaxed_madd(a9, v, v);
    a10 = f64x2.relaxed_madd(a10, v, v);
    a11 = f64x2.relaxed_madd(a11, v, v);
    a12 = f64x2.relaxed_madd(a12, v, v);
    a13 = f64x2.relaxed_madd(a13, v, v);
  }
  let u = a0;
  u = f64x2.add(u, a1);
  u = f64x2.add(u, a2);
  u = f64x2.add(u, a3);
  u = f64x2.add(u, a4);
  u = f64x2.add(u, a5);
  u = f64x2.add(u, a6);
  u = f64x2.add(u, a7);
  u = f64x2.add(u, a8);
  u = f64x2.add(u, a9);
  u = f64x2.add(u, a10);
  u = f64x2.add(u, a11);
  u = f64x2.add(u, a12);
  u = f64x2.add(u, a13);
  return f64x2.extract_lane(u, 0) + f64x2.extract_lane(u, 1);
}
