/**
 * A short fingerprint of a problem's numbers, for the `started` event of a solve run: the panel compares it between
 * two runs of the same file to say "data changed" when the settings it shows (kind, sizes, methods) are equal but
 * the matrices are not. FNV-1a over the bytes of every matrix, in a fixed order, with each matrix's shape: not a
 * cryptographic hash, only a change detector (two different data sets share one with probability about 2⁻³²).
 */
import type { Matrix, Problem } from '../problem';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export function problemFingerprint(p: Problem): string {
  let h = FNV_OFFSET;
  const bytes = (data: Float64Array) => {
    const b = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], FNV_PRIME);
  };
  const matrix = (m: Matrix) => {
    bytes(Float64Array.of(m.rows, m.cols));
    bytes(m.data);
  };
  bytes(Float64Array.of(p.kind === 'attention' ? 1 : 2, p.variant === 'normalized' ? 1 : 2, p.reg));
  if (p.kind === 'attention') [p.A1, p.A2, p.B, p.X0].forEach(matrix);
  else {
    matrix(p.A);
    bytes(p.b);
    bytes(p.x0);
  }
  if (p.move) {
    bytes(Float64Array.of(p.move.k, p.move.layers));
    [p.move.WQ, p.move.WK, p.move.WV, p.move.WP].forEach(matrix);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
