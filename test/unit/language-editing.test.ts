import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { evaluate, EvaluationError } from '../../server/src/solver/run';
import { analyze } from '../../server/src/language/analyze';
import { cachedReader, parseCsv, parseNpy } from '../../server/src/language/datafiles';
import { formatDocument } from '../../server/src/language/format';
import { analyzeProblem } from './problemAnalysis';

test('format aligns multi-line matrix columns on the decimal point and trims trailing spaces', () => {
  const text = 'problem attention normalized\nA1 = [   \n  1 -0.25\n 10.5 3   \n  -2 1e-3\n]\n';
  assert.equal(formatDocument(text), 'problem attention normalized\nA1 = [\n   1    -0.25\n  10.5   3\n  -2     1e-3\n]\n');
  // Rows under a first row on the '[' line align with it; formatting is idempotent.
  const inline = 'A = [ 1.0 0.0\n 0.25 1\n  1 1 ]';
  const once = formatDocument(inline);
  assert.equal(once, 'A = [ 1.0   0.0\n      0.25  1\n      1     1 ]');
  assert.equal(formatDocument(once), once);
  // One-line matrices and comments are left as written.
  const oneLine = 'B = [1 2; 3 4]   # keep\n';
  assert.equal(formatDocument(oneLine), 'B = [1 2; 3 4]   # keep\n');
});

/** Writes a .npy file by hand (an independent writer of the format), C or Fortran order, chosen dtype. */
function npy(shape: number[], values: number[], opts: { fortran?: boolean; descr?: string } = {}): Uint8Array {
  const descr = opts.descr ?? '<f8';
  let header = `{'descr': '${descr}', 'fortran_order': ${opts.fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const size = Number(descr.slice(2));
  const out = new Uint8Array(10 + header.length + values.length * size);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const v = new DataView(out.buffer, 10 + header.length);
  const le = descr[0] !== '>';
  values.forEach((x, i) =>
    descr.endsWith('f8') ? v.setFloat64(i * 8, x, le) : descr.endsWith('f4') ? v.setFloat32(i * 4, x, le) : v.setInt32(i * 4, x, le),
  );
  return out;
}

test('npy: C and Fortran order, float32, big-endian and int32 all read into row-major float64', () => {
  const c = parseNpy(npy([2, 3], [1, 2, 3, 4, 5, 6]));
  assert.ok(c.ok);
  assert.deepEqual([c.value.rows, c.value.cols, Array.from(c.value.data)], [2, 3, [1, 2, 3, 4, 5, 6]]);
  // Fortran order stores columns: the same matrix is 1 4 2 5 3 6 on disk.
  const f = parseNpy(npy([2, 3], [1, 4, 2, 5, 3, 6], { fortran: true }));
  assert.ok(f.ok);
  assert.deepEqual(Array.from(f.value.data), [1, 2, 3, 4, 5, 6]);
  const f4 = parseNpy(npy([3], [0.5, -1.5, 2], { descr: '<f4' }));
  assert.ok(f4.ok && f4.value.vector);
  assert.deepEqual(Array.from(f4.value.data), [0.5, -1.5, 2]);
  const be = parseNpy(npy([2], [3.25, -7], { descr: '>f8' }));
  assert.ok(be.ok);
  assert.deepEqual(Array.from(be.value.data), [3.25, -7]);
  const i4 = parseNpy(npy([1, 2], [7, -9], { descr: '<i4' }));
  assert.ok(i4.ok);
  assert.deepEqual(Array.from(i4.value.data), [7, -9]);
  const bad = parseNpy(new TextEncoder().encode('not numpy at all'));
  assert.ok(!bad.ok && /bad magic/.test(bad.message));
  const truncated = parseNpy(npy([2, 3], [1, 2, 3, 4, 5, 6]).subarray(0, 100));
  assert.ok(!truncated.ok && /truncated/.test(truncated.message));
  const nan = parseNpy(npy([2], [1, NaN]));
  assert.ok(!nan.ok && /not finite/.test(nan.message));
});

test('csv: separators, header line, comments; errors give the line and column', () => {
  const ok = parseCsv('# weights\nx,y,z\n1, 2, 3\n4;5;6\n7\t8\t9\n\n');
  assert.ok(ok.ok);
  assert.deepEqual([ok.value.rows, ok.value.cols, Array.from(ok.value.data)], [3, 3, [1, 2, 3, 4, 5, 6, 7, 8, 9]]);
  const word = parseCsv('1,2\n3,abc\n');
  assert.ok(!word.ok);
  assert.equal(word.message, "line 2, column 3: 'abc' is not a number");
  const ragged = parseCsv('1 2 3\n4 5\n');
  assert.ok(!ragged.ok && ragged.message === 'line 2: 2 values but the first row has 3');
  const inf = parseCsv('1 1e999\n');
  assert.ok(!inf.ok && /not a finite number/.test(inf.message));
});

test('csv: only decimal floats are numbers (no hexadecimal, binary, octal, Infinity, digit separators or empty cells)', () => {
  for (const cell of ['0x10', '0b1', '0o7', 'Infinity', '-Infinity', '1_000', '1e', '.', '+', '--1', '0x1p3']) {
    const r = parseCsv(`1,2\n3,${cell}\n`);
    assert.ok(!r.ok, cell);
    assert.equal(r.message, `line 2, column 3: '${cell}' is not a number`);
  }
  const empty = parseCsv('1,2\n3,,4\n');
  assert.ok(!empty.ok && /^line 2, column \d+: '' is not a number$/.test(empty.message), empty.ok ? '' : empty.message);
  const ok = parseCsv('+1.5 -.5 3. 1E3 -2e-2 007\n');
  assert.ok(ok.ok);
  assert.deepEqual(Array.from(ok.value.data), [1.5, -0.5, 3, 1000, -0.02, 7]);
});

/** A .npy file with the given header text (padded as NumPy does) and little-endian float64 values. */
function npyWithHeader(header: string, values: number[]): Uint8Array {
  const padded = header + ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const out = new Uint8Array(10 + padded.length + values.length * 8);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, padded.length, true);
  out.set(new TextEncoder().encode(padded), 10);
  values.forEach((x, i) => new DataView(out.buffer, 10 + padded.length).setFloat64(i * 8, x, true));
  return out;
}

test('npy: an empty array (zero rows or columns) is refused with a message', () => {
  for (const shape of [[0, 3], [3, 0], [0]]) {
    const r = parseNpy(npy(shape, []));
    assert.ok(!r.ok && /the array is empty/.test(r.message), JSON.stringify(shape));
  }
});

test('npy: the header dictionary is parsed, not matched: crafted headers are refused with what was wrong', () => {
  const cases: [string, RegExp][] = [
    // A regex would find the keys inside another value or a comment-like tail.
    ["{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 'shape': (9,) }", /unknown key 'x'/],
    ["{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'shape': (1,), }", /duplicate key 'shape'/],
    ["{'descr': '<f8', 'fortran_order': False, 'shape': (2,), } junk", /unexpected 'junk' at character/],
    ["{'note': \"'descr': '<f8', 'fortran_order': False, 'shape': (2,)\"}", /unknown key 'note'/],
    ["{'descr': '<f8', 'shape': (2,), }", /missing fortran_order/],
    ["{'descr': '<f8', 'fortran_order': Maybe, 'shape': (2,), }", /fortran_order must be True or False/],
    ["{'descr': '<f8', 'fortran_order': False, 'shape': (2, -1), }", /expected a whole number/],
    ["{'descr': '<f8', 'fortran_order': False, 'shape': (2.5,), }", /expected ',' or '\)' in the shape/],
    ["{'descr': '<c16', 'fortran_order': False, 'shape': (2,), }", /unsupported dtype '<c16'/],
    ["{'descr': '|f8', 'fortran_order': False, 'shape': (2,), }", /unsupported dtype '\|f8'/],
    ["{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,), }", /expected a quoted string/],
  ];
  for (const [header, want] of cases) {
    const r = parseNpy(npyWithHeader(header, [1, 2]));
    assert.ok(!r.ok, header);
    assert.match(r.message, want);
    assert.match(r.message, /^\.npy: /);
  }
  // The order of keys and spacing are free, as in Python.
  const ok = parseNpy(npyWithHeader('{"shape":(1,2),"fortran_order":False,"descr":"<f8"}', [1, 2]));
  assert.ok(ok.ok && ok.value.rows === 1 && ok.value.cols === 2);
});

test('load(): reads workspace files relative to the problem, checks shapes, refuses paths outside', () => {
  const ws = mkdtempSync(join(tmpdir(), 'regress-ws-'));
  const outside = mkdtempSync(join(tmpdir(), 'regress-out-'));
  mkdirSync(join(ws, 'data'));
  writeFileSync(join(ws, 'data', 'A1.csv'), '1,0\n0,1\n1,1\n');
  writeFileSync(join(ws, 'data', 'x.npy'), npy([2], [0.5, -0.5]));
  writeFileSync(join(outside, 'secret.csv'), '1,2\n3,4\n5,6\n');
  symlinkSync(join(outside, 'secret.csv'), join(ws, 'data', 'link.csv'));
  const access = { documentPath: join(ws, 'p.regress'), roots: [ws], read: cachedReader() };
  const base = 'problem attention normalized\nn = 3\nd = 2\nA2 = A1\nB = planted(Xstar)\nXstar = load("data/x2.npy")\n';
  writeFileSync(join(ws, 'data', 'x2.npy'), npy([2, 2], [1, 0, 0, 1]));
  const a = analyzeProblem(`${base}A1 = load("data/A1.csv")\n`, access);
  assert.deepEqual(
    a.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  assert.ok(a.problem?.kind === 'attention');
  assert.deepEqual(Array.from(a.problem.A1.data), [1, 0, 0, 1, 1, 1]);

  const msg = (text: string) =>
    analyze(`${base}${text}\n`, access)
      .diagnostics.filter((d) => d.severity === 'error')
      .map((d) => d.message);
  assert.deepEqual(msg(`A1 = load("../${outside.split('/').pop()}/secret.csv")`), [
    `../${outside.split('/').pop()}/secret.csv is outside the workspace; data files must be inside it`,
  ]);
  assert.deepEqual(msg('A1 = load("data/link.csv")'), ['data/link.csv is outside the workspace; data files must be inside it']);
  assert.match(msg('A1 = load("data/missing.csv")')[0], /^Cannot read data\/missing\.csv: no such file/);
  assert.deepEqual(msg('A1 = load("data/x.npy")'), ['A1 must be n×d = 3×2, but data/x.npy holds a vector of length 2']);
  assert.deepEqual(msg('A1 = "data/A1.csv"'), ['To read A1 from a file write load("data/A1.csv")']);
  // Without file access (an untitled buffer) load() explains what to do.
  assert.match(analyze(`${base}A1 = load("data/A1.csv")\n`).diagnostics[0].message, /Save this file in a workspace folder first/);
  // Without n and d the loaded file's shape fixes them; a file that cannot be read is reported at its path, once,
  // instead of "Missing n" and "Missing d".
  const inferred = analyzeProblem('problem attention normalized\nA1 = load("data/A1.csv")\nA2 = A1\nB = simplex()\n', access);
  assert.deepEqual(
    inferred.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  assert.deepEqual([inferred.sizes.n, inferred.sizes.d], [3, 2]);
  const broken = analyze(
    'problem attention normalized\nA1 = load("data/missing.csv")\nA2 = A1\nB = simplex()\n',
    access,
  ).diagnostics.filter((d) => d.severity === 'error');
  assert.equal(broken.length, 1, JSON.stringify(broken));
  assert.match(broken[0].message, /^Cannot read data\/missing\.csv: no such file/);
  assert.deepEqual(broken[0].span.start, { line: 1, col: 10 });
});

test('rescaled problems warn when the initial point already overflows the squared exp', () => {
  const text = (scale: number) =>
    `problem attention rescaled\nn = 4\nd = 2\nseed = 1\nA1 = normal(scale = ${scale})\nA2 = A1\nB = simplex()\nX0 = identity\n`;
  const warnings = (t: string) =>
    analyze(t)
      .diagnostics.filter((d) => d.severity === 'warning')
      .map((d) => d.message);
  assert.deepEqual(warnings(text(1)), []);
  const w = warnings(text(40));
  assert.equal(w.length, 1);
  assert.match(
    w[0],
    /^Entries of A1·X0·A2ᵀ reach \d+(\.\d+)?: the rescaled loss squares exp\(S\) and would overflow; the solver refuses scores above \d+\.\d for this n and target/,
  );
  assert.deepEqual(warnings(text(40).replace('rescaled', 'normalized')), []);
});

test('the overflow warning and the solver agree: a file is warned about exactly when its run would stop at k = 0', () => {
  const file = (s: number, n: number) =>
    `problem softmax rescaled\nn = ${n}\nd = 1\nA = [${[s, ...Array(n - 1).fill(0)].join('; ')}]\nb = [${Array(n)
      .fill(1 / n)
      .join(' ')}]\nx0 = [1]\nsolve gd steps = 1\n`;
  let flips = 0;
  for (const n of [2, 7, 50]) {
    let before: boolean | undefined;
    for (let s = 340; s <= 356; s += 0.25) {
      const a = analyzeProblem(file(s, n));
      const warned = a.diagnostics.some((d) => d.severity === 'warning' && /would overflow/.test(d.message));
      let refused = false;
      try {
        evaluate(a.problem!);
      } catch (e) {
        refused = e instanceof EvaluationError && /would overflow/.test(e.message);
      }
      assert.equal(warned, refused, `n = ${n}, A·x0 = ${s}: warned ${warned}, refused at k = 0 ${refused}`);
      if (before !== undefined && before !== refused) flips++;
      before = refused;
    }
  }
  assert.equal(flips, 3, 'each n crosses its limit once inside the scanned range');
});
