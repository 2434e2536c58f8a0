// The float32 kernels module compiled by scripts/build.mjs from assembly/kernels32.ts, embedded as bytes.
declare const bytes: Uint8Array;
export default bytes;
