/**
 * The experiment's dot products: Σ_j a[ao + j]·b[bo + j] over j < len, plus `init`, in four interleaved partial sums
 * (j mod 4, the tail and `init` in the first) combined as (s0 + s1) + (s2 + s3). Four independent chains of additions
 * instead of one run about twice as fast at the experiment's d = 20, and the WebAssembly training kernel
 * (server/src/math/wasm/assembly/icl.ts) sums in exactly this order, so both paths give the same numbers bit for bit.
 */
export function dot4(a: Float64Array, ao: number, b: Float64Array, bo: number, len: number, init = 0): number {
  let s0 = init;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 4 <= len; j += 4) {
    s0 += a[ao + j] * b[bo + j];
    s1 += a[ao + j + 1] * b[bo + j + 1];
    s2 += a[ao + j + 2] * b[bo + j + 2];
    s3 += a[ao + j + 3] * b[bo + j + 3];
  }
  for (; j < len; j++) s0 += a[ao + j] * b[bo + j];
  return s0 + s1 + (s2 + s3);
}
