// The experiment's training kernel compiled by scripts/build.mjs from server/src/math/wasm/assembly/icl.ts, as bytes.
declare const bytes: Uint8Array;
export default bytes;
