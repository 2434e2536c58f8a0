/**
 * Reading matrices from workspace files: CSV (comma, semicolon, tab or space separated; an optional header
 * line; `#` comment lines) and NumPy .npy (version 1–3, little- or big-endian float64/float32/int64/int32/int16/
 * int8/uint8, C or Fortran order, 1-D or 2-D). Errors carry the position inside the data file. Paths are resolved
 * relative to the problem file and must stay inside the workspace (symbolic links are resolved first).
 */
import { realpathSync, statSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

export interface LoadedMatrix {
  rows: number;
  cols: number;
  data: Float64Array;
  /** True when the file holds a 1-D array (shape (k,)). */
  vector: boolean;
}

export type LoadResult = { ok: true; value: LoadedMatrix } | { ok: false; message: string };

/** How the analysis reaches the file system; absent for documents that are not files (untitled buffers). */
export interface FileAccess {
  /** Absolute path of the .regress file. */
  documentPath: string;
  /** Absolute folders the data may come from (the workspace folders). */
  roots: string[];
  /** Reads a file; the LSP passes a cached reader keyed by modification time. */
  read(path: string): Uint8Array;
}

export function resolveDataPath(access: FileAccess, given: string): { ok: true; path: string } | { ok: false; message: string } {
  const path = resolve(dirname(access.documentPath), given);
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return { ok: false, message: `Cannot read ${given}: no such file (looked for ${path})` };
  }
  const inside = access.roots.some((root) => {
    let r: string;
    try {
      r = realpathSync(root);
    } catch {
      return false;
    }
    const rel = relative(r, real);
    return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
  });
  if (!inside) return { ok: false, message: `${given} is outside the workspace; data files must be inside it` };
  if (!statSync(real).isFile()) return { ok: false, message: `${given} is not a file` };
  return { ok: true, path: real };
}

export function parseDataFile(name: string, bytes: Uint8Array): LoadResult {
  if (/\.npy$/i.test(name)) return parseNpy(bytes);
  if (/\.(csv|tsv|txt)$/i.test(name)) return parseCsv(new TextDecoder('utf-8').decode(bytes));
  return { ok: false, message: `${name}: unsupported data file type (use .csv, .tsv, .txt or .npy)` };
}

export function parseCsv(text: string): LoadResult {
  const rows: number[][] = [];
  const lines = text.split(/\r\n|\r|\n/);
  let headerAllowed = true;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const cells = line.split(/\s*[,;\t]\s*|\s+/);
    const values = cells.map(Number);
    const bad = cells.findIndex((c, j) => c === '' || Number.isNaN(values[j]));
    if (bad >= 0) {
      if (headerAllowed && values.every((v, j) => Number.isNaN(v) && cells[j] !== '')) {
        headerAllowed = false; // a header line of names
        continue;
      }
      return { ok: false, message: `line ${i + 1}, column ${lines[i].indexOf(cells[bad]) + 1}: '${cells[bad]}' is not a number` };
    }
    const inf = values.findIndex((v) => !Number.isFinite(v));
    if (inf >= 0) return { ok: false, message: `line ${i + 1}: '${cells[inf]}' is not a finite number` };
    if (rows.length && values.length !== rows[0].length) return { ok: false, message: `line ${i + 1}: ${values.length} values but the first row has ${rows[0].length}` };
    headerAllowed = false;
    rows.push(values);
  }
  if (rows.length === 0) return { ok: false, message: 'no numbers in the file' };
  const cols = rows[0].length;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((r, i) => data.set(r, i * cols));
  return { ok: true, value: { rows: rows.length, cols, data, vector: false } };
}

const DTYPES: Record<string, { size: number; get: (v: DataView, o: number, le: boolean) => number }> = {
  f8: { size: 8, get: (v, o, le) => v.getFloat64(o, le) },
  f4: { size: 4, get: (v, o, le) => v.getFloat32(o, le) },
  i8: { size: 8, get: (v, o, le) => Number(v.getBigInt64(o, le)) },
  i4: { size: 4, get: (v, o, le) => v.getInt32(o, le) },
  i2: { size: 2, get: (v, o, le) => v.getInt16(o, le) },
  i1: { size: 1, get: (v, o) => v.getInt8(o) },
  u1: { size: 1, get: (v, o) => v.getUint8(o) },
};

export function parseNpy(bytes: Uint8Array): LoadResult {
  const fail = (message: string): LoadResult => ({ ok: false, message: `.npy: ${message}` });
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) return fail('not a NumPy file (bad magic bytes)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  if (major < 1 || major > 3) return fail(`unsupported format version ${major}`);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  if (headerStart + headerLen > bytes.length) return fail('truncated header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, headerStart + headerLen));
  const descr = header.match(/'descr'\s*:\s*'([<>|=])([a-z])(\d+)'/);
  const fortran = header.match(/'fortran_order'\s*:\s*(True|False)/);
  const shapeText = header.match(/'shape'\s*:\s*\(([^)]*)\)/);
  if (!descr || !fortran || !shapeText) return fail('cannot read the header dictionary');
  const dtype = DTYPES[`${descr[2]}${descr[3]}`];
  if (!dtype) return fail(`unsupported dtype '${descr[1]}${descr[2]}${descr[3]}' (use float64, float32 or integers)`);
  const littleEndian = descr[1] !== '>';
  const shape = shapeText[1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (shape.length === 0 || shape.length > 2 || shape.some((s) => !Number.isInteger(s) || s < 0)) return fail(`shape (${shapeText[1]}) is not a vector or a matrix`);
  const [rows, cols] = shape.length === 1 ? [shape[0], 1] : shape;
  const count = rows * cols;
  const offset = headerStart + headerLen;
  if (offset + count * dtype.size > bytes.length) return fail(`truncated data: expected ${count} values`);
  const data = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const v = dtype.get(view, offset + k * dtype.size, littleEndian);
    if (!Number.isFinite(v)) return fail(`value ${k} is not finite (${v})`);
    // Fortran order stores columns first: entry k is (k mod rows, k div rows).
    const idx = fortran[1] === 'True' && shape.length === 2 ? (k % rows) * cols + Math.floor(k / rows) : k;
    data[idx] = v;
  }
  return { ok: true, value: { rows, cols, data, vector: shape.length === 1 } };
}

/** A reader that re-reads a file only when its size or modification time changed (analysis runs per keystroke). */
export function cachedReader(): (path: string) => Uint8Array {
  const cache = new Map<string, { mtimeMs: number; size: number; bytes: Uint8Array }>();
  return (path) => {
    const st = statSync(path);
    const hit = cache.get(path);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.bytes;
    const bytes = readFileSync(path);
    cache.set(path, { mtimeMs: st.mtimeMs, size: st.size, bytes });
    return bytes;
  };
}
