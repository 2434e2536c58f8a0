// The kernels module compiled by scripts/build.mjs from assembly/kernels.ts, embedded as bytes.
declare const bytes: Uint8Array;
export default bytes;
