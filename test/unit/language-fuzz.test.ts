import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { analyze } from '../../server/src/language/analyze';
import { formatDocument } from '../../server/src/language/format';
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

const tokens = ['problem', 'attention', 'softmax', 'normalized', 'rescaled', 'solve', 'gd', 'lbfgs', 'A1', 'A2', 'B', 'X0', 'Xstar', 'n', 'd', 'seed', '=', '[', ']', '(', ')', ',', ';', '\n', ' ', '#', '1', '-2.5', '1e999', 'normal', 'planted', 'simplex', 'lr', 'steps', '"x.csv"', 'load', 'check', 'bounds', 'tensor', 'k', 'layers', 'WQ', 'WK', 'WV', 'WP', 'experiment', 'icl', 'heads', 'batch', 'etamin', 'etamax', 'etacount', 'words', 'xstar', 'uniform'];

test('random token soup never throws and keeps diagnostics inside the document', () => {
  fc.assert(fc.property(fc.array(fc.constantFrom(...tokens), { maxLength: 120 }), (parts) => void assertRangesInside(parts.join(' '))), { numRuns: 2000 });
});

test('arbitrary unicode strings never throw', () => {
  fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (s) => void assertRangesInside(s)), { numRuns: 1000 });
});

for (const [name, source] of [['quickstart', QUICKSTART], ['icl-experiment', ICL]] as const) test(`mutations of a valid file (${name}: deletions, insertions, swaps) never throw; formatting never loses content`, () => {
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
