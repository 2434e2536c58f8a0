// The experiment's float32 training kernel compiled by scripts/build.mjs from server/src/math/wasm/assembly/icl32.ts, as bytes.
declare const bytes: Uint8Array;
export default bytes;
