/**
 * The cheap analysis (`build: false`) the language server makes on its main thread at every edit, and the cost limits
 * checked before building: the cheap analysis builds nothing, reads no file, takes time linear in the text, and
 * reports nothing the full analysis does not (its diagnostics are published first: they must never be wrong).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { analyze, MAX_BUILD_FLOPS, MAX_CSV_BYTES, type Analysis } from '../../server/src/language/analyze';
import { cachedReader, type FileAccess } from '../../server/src/language/datafiles';
import { EXAMPLES } from '../paths';

const examples = readdirSync(EXAMPLES).filter((f) => f.endsWith('.regress'));
const filesFor = (dir: string, name: string): FileAccess => ({ documentPath: join(dir, name), roots: [dir], read: cachedReader() });
const key = (d: Analysis['diagnostics'][number]) =>
  `${d.severity} ${d.span.start.line}:${d.span.start.col}–${d.span.end.line}:${d.span.end.col} ${d.message}`;

/** The cheap analysis of `text` against the full one: nothing built, every diagnostic also a full one, shapes agreeing. */
function assertCheapWithinFull(text: string, files?: FileAccess) {
  const cheap = analyze(text, undefined, { build: false });
  const full = analyze(text, files);
  if (cheap.file === 'experiment' || full.file === 'experiment') {
    // An experiment file has no numbers to build: the cheap analysis is the full one.
    assert.deepEqual(cheap, full);
    return;
  }
  assert.equal(cheap.built, false);
  assert.equal(cheap.values.size, 0);
  assert.equal(cheap.problem, undefined);
  const left = new Map<string, number>();
  for (const d of full.diagnostics) left.set(key(d), (left.get(key(d)) ?? 0) + 1);
  for (const d of cheap.diagnostics) {
    const k = key(d);
    assert.ok(left.get(k), `the cheap analysis reports what the full one does not: ${k}\n--- document:\n${text}`);
    left.set(k, left.get(k)! - 1);
  }
  // Where the cheap analysis knows n and d (no file gives them), every value the full one built has the shape it expected.
  if (cheap.sizes.n !== undefined && cheap.sizes.d !== undefined) {
    for (const [name, m] of full.values) assert.deepEqual(cheap.shapes.get(name), { rows: m.matrix.rows, cols: m.matrix.cols }, name);
  }
}

test('the cheap analysis builds nothing and reports only what the full one reports, on every example and its mutations', () => {
  for (const name of examples) {
    const text = readFileSync(join(EXAMPLES, name), 'utf8');
    assertCheapWithinFull(text, filesFor(EXAMPLES, name));
    const mutation = fc.record({
      at: fc.nat(text.length),
      del: fc.nat(12),
      ins: fc.constantFrom(
        '',
        ' ',
        '\n',
        '0',
        '-1',
        '1e999',
        'A1',
        'B',
        'n = 3',
        'd = 2',
        'planted(Xstar)',
        'load("data/A1.csv")',
        'normal()',
        'identity()',
        '[1 2; 3 4]',
        ']',
        '(',
        '=',
      ),
    });
    fc.assert(
      fc.property(fc.array(mutation, { maxLength: 4 }), (muts) => {
        let t = text;
        for (const m of muts) t = t.slice(0, Math.min(m.at, t.length)) + m.ins + t.slice(Math.min(m.at, t.length) + m.del);
        assertCheapWithinFull(t, filesFor(EXAMPLES, name));
      }),
      { numRuns: 150, seed: 20241205 },
    );
  }
});

test('the cheap analysis of a planted n = d = 2048 problem (13 s to build) takes milliseconds', () => {
  const text =
    'problem attention normalized\nn = 2048\nd = 2048\nA1 = normal(scale = 0.02)\nA2 = A1\nXstar = normal()\nB = planted(Xstar)\nsolve gd\n';
  const t0 = performance.now();
  const cheap = analyze(text, undefined, { build: false });
  const ms = performance.now() - t0;
  assert.deepEqual(cheap.diagnostics, []);
  assert.ok(cheap.file === 'problem');
  assert.deepEqual(cheap.shapes.get('B'), { rows: 2048, cols: 2048 });
  assert.ok(ms < 200, `${ms.toFixed(1)} ms`);
});

test('a planted target above MAX_BUILD_FLOPS is refused before anything is built, saying what it would cost', () => {
  // n = d = 5792 fits MAX_ENTRIES (n² = 33.5 M) but planting B is 777 GFLOP, minutes of work.
  const text =
    'problem attention normalized\nn = 5792\nd = 5792\nA1 = normal(scale = 0.01)\nA2 = A1\nXstar = normal()\nB = planted(Xstar)\nsolve gd\n';
  const errors = analyze(text, undefined, { build: false }).diagnostics.filter((d) => d.severity === 'error');
  assert.equal(errors.length, 1, JSON.stringify(errors));
  assert.equal(
    errors[0].message,
    'Too costly to build: planted(Xstar) computes A1·Xstar·A2ᵀ, 777 GFLOP at n = 5792, d = 5792 (limit 150 GFLOP, about a minute of work); lower n or d, or load B from a file',
  );
  assert.deepEqual([errors[0].span.start.line, errors[0].span.start.col], [6, 4]);
  // Just inside the limit, the same problem is accepted: n = d = 3300 is 144 GFLOP.
  assert.ok(2 * 3300 ** 2 * 6600 <= MAX_BUILD_FLOPS);
  assert.deepEqual(analyze(text.replaceAll('5792', '3300'), undefined, { build: false }).diagnostics, []);
});

test('a CSV file above MAX_CSV_BYTES is refused unparsed, saying why and what to use instead', () => {
  const dir = mkdtempSync(join(tmpdir(), 'regress-csv-'));
  try {
    // 17 M lines of "0,0": 65 MiB, which would take seconds and gigabytes to parse.
    const lines = Math.ceil((MAX_CSV_BYTES + 2 ** 20) / 4);
    writeFileSync(join(dir, 'big.csv'), '0,0\n'.repeat(lines));
    const text = 'problem softmax normalized\nd = 2\nA = load("big.csv")\nb = simplex()\nsolve gd\n';
    const t0 = performance.now();
    const errors = analyze(text, filesFor(dir, 'doc.regress')).diagnostics.filter((d) => d.severity === 'error');
    const ms = performance.now() - t0;
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.match(
      errors[0].message,
      /^big\.csv: 65 MiB of text, over the 64 MiB limit for CSV \(parsing takes about 1 s per 20 MB and up to ten times the file's size in memory\); save the matrix as \.npy/,
    );
    assert.ok(ms < 2000, `${ms.toFixed(0)} ms: the file was parsed`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
