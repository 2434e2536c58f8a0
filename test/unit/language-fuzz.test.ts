import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { analyze } from '../../server/src/language/analyze';
import { formatDocument } from '../../server/src/language/format';
import { MAX_NESTING, parse } from '../../server/src/language/parser';
import { EXAMPLES } from '../paths';

const QUICKSTART = readFileSync(join(EXAMPLES, 'quickstart.regress'), 'utf8');
const ICL = readFileSync(join(EXAMPLES, 'icl-experiment.regress'), 'utf8');

/** Every diagnostic range must lie inside the document (an editor rejects or misplaces others). */
function assertRangesInside(text: string) {
  const a = analyze(text);
  const lines = text.split(/\r\n|\r|\n/);
  for (const d of a.diagnostics) {
    for (const p of [d.span.start, d.span.end]) {
      assert.ok(p.line >= 0 && p.line < lines.length, `line ${p.line} outside ${lines.length} lines: ${d.message}`);
      assert.ok(p.col >= 0 && p.col <= lines[p.line].length, `col ${p.col} outside line ${p.line}: ${d.message}`);
    }
    assert.ok(d.message.length > 0);
  }
  return a;
}

const tokens = [
  'problem',
  'attention',
  'softmax',
  'normalized',
  'rescaled',
  'solve',
  'gd',
  'lbfgs',
  'A1',
  'A2',
  'B',
  'X0',
  'Xstar',
  'n',
  'd',
  'seed',
  '=',
  '[',
  ']',
  '(',
  ')',
  ',',
  ';',
  '\n',
  ' ',
  '#',
  '1',
  '-2.5',
  '1e999',
  'normal',
  'planted',
  'simplex',
  'lr',
  'steps',
  '"x.csv"',
  'load',
  'check',
  'bounds',
  'tensor',
  'k',
  'layers',
  'WQ',
  'WK',
  'WV',
  'WP',
  'experiment',
  'icl',
  'heads',
  'batch',
  'etamin',
  'etamax',
  'etacount',
  'words',
  'xstar',
  'uniform',
];

test('random token soup never throws and keeps diagnostics inside the document', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...tokens), { maxLength: 120 }), (parts) => void assertRangesInside(parts.join(' '))),
    { numRuns: 2000 },
  );
});

test('arbitrary unicode strings never throw', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (s) => void assertRangesInside(s)),
    { numRuns: 1000 },
  );
});

for (const [name, source] of [
  ['quickstart', QUICKSTART],
  ['icl-experiment', ICL],
] as const)
  test(`mutations of a valid file (${name}: deletions, insertions, swaps) never throw; formatting never loses content`, () => {
    const mutation = fc.record({ at: fc.nat(source.length), del: fc.nat(12), ins: fc.string({ maxLength: 8 }) });
    fc.assert(
      fc.property(fc.array(mutation, { maxLength: 6 }), (muts) => {
        let text: string = source;
        for (const m of muts) {
          const at = Math.min(m.at, text.length);
          text = text.slice(0, at) + m.ins + text.slice(at + m.del);
        }
        assertRangesInside(text);
        // Formatting only moves whitespace: the non-space characters are the same, in order.
        assert.equal(formatDocument(text).replace(/\s+/g, ''), text.replace(/\s+/g, ''));
      }),
      { numRuns: 1000 },
    );
  });

/** What a document means: its problem (every built number), settings, solves and diagnostics (severity and text). */
function meaning(text: string) {
  const a = analyze(text);
  if (a.file === 'experiment') return { settings: a.settings, diagnostics: a.diagnostics.map((d) => `${d.severity}: ${d.message}`).sort() };
  return {
    kind: a.kind,
    variant: a.variant,
    sizes: a.sizes,
    values: [...a.values].map(([name, v]) => [name, v.matrix.rows, v.matrix.cols, Array.from(v.matrix.data)]),
    solves: a.solves.map((s) => [s.method, s.options]),
    checks: a.checks.map((c) => c.kind),
    diagnostics: a.diagnostics.map((d) => `${d.severity}: ${d.message}`).sort(),
  };
}

/** Formatting keeps the meaning (or leaves a document with syntax errors as it is) and is idempotent. */
function assertFormatKeepsMeaning(text: string) {
  const once = formatDocument(text);
  assert.equal(formatDocument(once), once, 'formatting is idempotent');
  if (once === text) return;
  assert.equal(parse(text).diagnostics.length, 0, 'a document with syntax errors is left unchanged');
  assert.deepEqual(meaning(once), meaning(text));
}

const cell = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((v) => String(v)),
  fc.integer({ min: -999, max: 999 }).map(String),
  fc.constantFrom('1e-3', '-0.25', '+2', '.5', '3.', '−2', '1,', '0x10', '#c', '1-2', '2e'),
);
const gap = fc.constantFrom(' ', '  ', '\t', ', ', ',', ' ; ', '   ');
const matrixDoc = fc
  .record({
    rows: fc.array(fc.array(cell, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 }),
    gaps: fc.array(gap, { minLength: 20, maxLength: 20 }),
    inline: fc.boolean(),
    tail: fc.constantFrom('', '; n = 2', ' # note', '; B = [1 2\n3 4]', '\nsolve gd lr = 0.5'),
  })
  .map(({ rows, gaps, inline, tail }) => {
    let g = 0;
    const body = rows.map((r) => r.map((c, j) => (j ? gaps[g++ % gaps.length] : '') + c).join('')).join('\n');
    return `problem softmax normalized\nA = [${inline ? '' : '\n'}${body}\n]${tail}\nb = simplex\n`;
  });

test('formatting keeps the meaning of random matrix documents, or leaves them unchanged, and is idempotent', () => {
  fc.assert(fc.property(matrixDoc, assertFormatKeepsMeaning), { numRuns: 3000 });
});

test('formatting keeps the meaning of mutated examples and random token soup', () => {
  const mutation = fc.record({
    at: fc.nat(QUICKSTART.length),
    del: fc.nat(12),
    ins: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(' ', '\n', '−', ';', ',', '  1', ' -2')),
  });
  fc.assert(
    fc.property(fc.array(mutation, { maxLength: 6 }), (muts) => {
      let text: string = QUICKSTART;
      for (const m of muts) {
        const at = Math.min(m.at, text.length);
        text = text.slice(0, at) + m.ins + text.slice(at + m.del);
      }
      assertFormatKeepsMeaning(text);
    }),
    { numRuns: 1500 },
  );
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...tokens), { maxLength: 120 }), (parts) => assertFormatKeepsMeaning(parts.join(' '))),
    { numRuns: 1500 },
  );
});

test('formatting never deletes what lies between the numbers of a row (a Unicode minus stays, and stays an error)', () => {
  const text = 'problem softmax normalized\nA = [\n1 −2\n3 4\n]\nb = simplex\n';
  assert.equal(formatDocument(text), text);
  const commas = 'problem softmax normalized\nA = [\n1, 2\n30, 4\n]\nb = simplex\n';
  assert.deepEqual(meaning(formatDocument(commas)), meaning(commas));
});

test('statements joined by ; keep their meaning under formatting', () => {
  const text = 'problem softmax normalized\nA = [1 2\n30 4]; b = [0.5 0.5]\nd = 2\n';
  const out = formatDocument(text);
  assert.deepEqual(meaning(out), meaning(text));
  const two = 'problem attention normalized\nA1 = [1 2\n30 4]; A2 = [5 6\n7 80]\nB = simplex\n';
  assert.deepEqual(meaning(formatDocument(two)), meaning(two));
});

test('deep nesting is a diagnostic at the place, not a stack overflow, in the parser and every walk over the tree', () => {
  const depth = 5000;
  const text = `problem softmax normalized\nA = ${'normal('.repeat(depth)}${')'.repeat(depth)}\nb = simplex\n`;
  const a = assertRangesInside(text);
  const d = a.diagnostics.find((x) => /nested too deeply/.test(x.message));
  assert.ok(d, a.diagnostics.map((x) => x.message).join('\n'));
  assert.equal(d.span.start.line, 1);
  assert.equal(d.span.start.col, 4 + 'normal('.length * MAX_NESTING);
  assert.equal(formatDocument(text), text);
  // Just inside the bound everything still parses (the error is about the generator, not the nesting).
  const ok = `A = ${'normal('.repeat(MAX_NESTING - 1)}${')'.repeat(MAX_NESTING - 1)}\n`;
  assert.ok(!parse(ok).diagnostics.some((x) => /nested/.test(x.message)));
});
