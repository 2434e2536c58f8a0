/**
 * Reading matrices from workspace files: CSV (comma, semicolon, tab or space separated; an optional header
 * line; `#` comment lines) and NumPy .npy (version 1–3, little- or big-endian float64/float32/int64/int32/int16/
 * int8/uint8, C or Fortran order, 1-D or 2-D). Errors carry the position inside the data file. Paths are resolved
 * relative to the problem file and must stay inside the workspace (symbolic links are resolved first); only regular
 * files up to MAX_FILE_BYTES are read.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
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
  /** False in a workspace the user has not trusted (Workspace Trust): load() reads nothing. Absent means trusted. */
  trusted?: boolean;
}

export function resolveDataPath(access: FileAccess, given: string): { ok: true; path: string } | { ok: false; message: string } {
  if (access.trusted === false) return { ok: false, message: 'Loading data files needs a trusted workspace (Workspace Trust)' };
  const path = resolve(dirname(access.documentPath), given);
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return { ok: false, message: `Cannot read ${given}: no such file (looked for ${path})` };
  }
  if (!isInside(real, realFolders(access.roots)))
    return { ok: false, message: `${given} is outside the workspace; data files must be inside it` };
  return { ok: true, path: real };
}

/** Whether `path` lies in one of `folders` (absolute paths, compared as written, without touching the file system). */
export function isInside(path: string, folders: string[]): boolean {
  return folders.some((folder) => {
    const rel = relative(folder, path);
    return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
  });
}

/** `folders` with symbolic links resolved, leaving out those that no longer exist. */
export function realFolders(folders: string[]): string[] {
  return folders.flatMap((folder) => {
    try {
      return [realpathSync(folder)];
    } catch {
      return [];
    }
  });
}

/**
 * The most the server reads of one file (a data file, or a .regress file it runs without the client having opened
 * it): the largest matrix the language builds (MAX_ENTRIES doubles, 256 MiB) as .npy, plus 64 KiB for its header.
 */
const MAX_FILE_BYTES = 2 ** 28 + 2 ** 16;

/**
 * Reads a regular file of at most MAX_FILE_BYTES. The file is opened non-blocking, so a FIFO never waits for a
 * writer, and checked on the open descriptor, so what is read is what was checked; the read stops past the cap even
 * when the size is unknown beforehand (files under /proc report 0). A refusal is an Error whose `code` is the reason
 * in words: callers report `code`, as for Node's own errors (ENOENT, EACCES).
 */
export function readRegularFile(path: string): Uint8Array {
  const refuse = (reason: string) => Object.assign(new Error(reason), { code: reason });
  const tooLarge = 'larger than 256 MiB, the limit for files the server reads';
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw refuse('not a regular file');
    if (st.size > MAX_FILE_BYTES) throw refuse(tooLarge);
    // One byte more than the size: the end is seen without a second buffer when the size was right.
    let bytes = Buffer.allocUnsafeSlow(st.size + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, bytes, length, bytes.length - length, null);
      if (n === 0) return bytes.subarray(0, length);
      length += n;
      if (length < bytes.length) continue;
      if (length > MAX_FILE_BYTES) throw refuse(tooLarge);
      const grown = Buffer.allocUnsafeSlow(Math.min(2 * bytes.length, MAX_FILE_BYTES + 1));
      bytes.copy(grown);
      bytes = grown;
    }
  } finally {
    closeSync(fd);
  }
}

export function parseDataFile(name: string, bytes: Uint8Array): LoadResult {
  if (/\.npy$/i.test(name)) return parseNpy(bytes);
  if (/\.(csv|tsv|txt)$/i.test(name)) return parseCsv(new TextDecoder('utf-8').decode(bytes));
  return { ok: false, message: `${name}: unsupported data file type (use .csv, .tsv, .txt or .npy)` };
}

/** Decimal floats only: JavaScript's Number() would also take 0x10, 0b1, 0o7, Infinity, '' and ' '. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function parseCsv(text: string): LoadResult {
  const rows: number[][] = [];
  const lines = text.split(/\r\n|\r|\n/);
  let headerAllowed = true;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const cells = line.split(/\s*[,;\t]\s*|\s+/);
    const values = cells.map((c) => (DECIMAL.test(c) ? Number(c) : NaN));
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
    if (rows.length && values.length !== rows[0].length)
      return { ok: false, message: `line ${i + 1}: ${values.length} values but the first row has ${rows[0].length}` };
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
  const headerStart = major === 1 ? 10 : 12;
  if (bytes.length < headerStart) return fail('truncated header');
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (headerStart + headerLen > bytes.length) return fail('truncated header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, headerStart + headerLen));
  const parsed = parseNpyHeader(header);
  if (typeof parsed === 'string') return fail(`header: ${parsed}`);
  const { descr, fortran, shape } = parsed;
  const dt = /^([<>|=])([fiu])(\d+)$/.exec(descr);
  const dtype = dt ? DTYPES[`${dt[2]}${dt[3]}`] : undefined;
  if (!dt || !dtype || (dt[1] === '|' && dtype.size !== 1)) return fail(`unsupported dtype '${descr}' (use float64, float32 or integers)`);
  const littleEndian = dt[1] !== '>';
  if (shape.length === 0 || shape.length > 2) return fail(`shape (${shape.join(', ')}) is not a vector or a matrix`);
  if (shape.includes(0)) return fail(`the array is empty (shape (${shape.join(', ')})): a problem needs at least one row and one column`);
  const [rows, cols] = shape.length === 1 ? [shape[0], 1] : shape;
  const count = rows * cols;
  const offset = headerStart + headerLen;
  if (offset + count * dtype.size > bytes.length) return fail(`truncated data: expected ${count} values`);
  const data = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const v = dtype.get(view, offset + k * dtype.size, littleEndian);
    if (!Number.isFinite(v)) return fail(`value ${k} is not finite (${v})`);
    // Fortran order stores columns first: entry k is (k mod rows, k div rows).
    const idx = fortran && shape.length === 2 ? (k % rows) * cols + Math.floor(k / rows) : k;
    data[idx] = v;
  }
  return { ok: true, value: { rows, cols, data, vector: shape.length === 1 } };
}

/**
 * The header is a Python dict literal with exactly the keys descr (a string), fortran_order (True or False) and
 * shape (a tuple of whole numbers), then spaces and a newline. Anything else is refused with what was found where.
 */
export function parseNpyHeader(text: string): { descr: string; fortran: boolean; shape: number[] } | string {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const at = () => (i < text.length ? `'${text.slice(i, i + 12).trimEnd()}' at character ${i + 1}` : 'the end of the header');
  const expect = (ch: string) => {
    ws();
    if (text[i] !== ch) throw new Error(`expected '${ch}', found ${at()}`);
    i++;
  };
  const str = (): string => {
    ws();
    const q = text[i];
    if (q !== "'" && q !== '"') throw new Error(`expected a quoted string, found ${at()}`);
    const end = text.indexOf(q, i + 1);
    if (end < 0) throw new Error('unterminated string');
    const s = text.slice(i + 1, end);
    i = end + 1;
    return s;
  };
  const int = (): number => {
    ws();
    const m = /^\d+/.exec(text.slice(i, i + 20));
    if (!m || !Number.isSafeInteger(Number(m[0]))) throw new Error(`expected a whole number, found ${at()}`);
    i += m[0].length;
    return Number(m[0]);
  };
  try {
    const fields: { descr?: string; fortran?: boolean; shape?: number[] } = {};
    expect('{');
    for (;;) {
      ws();
      if (text[i] === '}') break;
      const key = str();
      expect(':');
      ws();
      if (key === 'descr' && fields.descr === undefined) fields.descr = str();
      else if (key === 'fortran_order' && fields.fortran === undefined) {
        const word = /^(True|False)/.exec(text.slice(i, i + 5));
        if (!word) throw new Error(`fortran_order must be True or False, found ${at()}`);
        fields.fortran = word[0] === 'True';
        i += word[0].length;
      } else if (key === 'shape' && fields.shape === undefined) {
        expect('(');
        const shape: number[] = [];
        for (;;) {
          ws();
          if (text[i] === ')') break;
          shape.push(int());
          ws();
          if (text[i] === ',') i++;
          else if (text[i] !== ')') throw new Error(`expected ',' or ')' in the shape, found ${at()}`);
        }
        i++;
        fields.shape = shape;
      } else
        throw new Error(
          fields[key === 'fortran_order' ? 'fortran' : (key as 'descr' | 'shape')] !== undefined
            ? `duplicate key '${key}'`
            : `unknown key '${key}'`,
        );
      ws();
      if (text[i] === ',') i++;
      else if (text[i] !== '}') throw new Error(`expected ',' or '}', found ${at()}`);
    }
    i++;
    ws();
    if (i !== text.length) throw new Error(`unexpected ${at()} after the dictionary`);
    if (fields.descr === undefined || fields.fortran === undefined || fields.shape === undefined) {
      throw new Error(
        `missing ${['descr', 'fortran_order', 'shape'].filter((_, j) => [fields.descr, fields.fortran, fields.shape][j] === undefined).join(', ')}`,
      );
    }
    return { descr: fields.descr, fortran: fields.fortran, shape: fields.shape };
  } catch (e) {
    return (e as Error).message;
  }
}

/** A reader that re-reads a file only when its size or modification time changed (analysis runs per keystroke). */
export function cachedReader(): (path: string) => Uint8Array {
  const cache = new Map<string, { mtimeMs: number; size: number; bytes: Uint8Array }>();
  return (path) => {
    const st = statSync(path);
    const hit = cache.get(path);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.bytes;
    const bytes = readRegularFile(path);
    cache.set(path, { mtimeMs: st.mtimeMs, size: st.size, bytes });
    return bytes;
  };
}
