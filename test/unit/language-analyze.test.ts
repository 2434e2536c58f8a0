import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Diagnostic } from '../../server/src/language/syntax';
import { EXAMPLES } from '../paths';
import { analyzeProblem } from './problemAnalysis';

const QUICKSTART = readFileSync(join(EXAMPLES, 'quickstart.regress'), 'utf8');

const errors = (text: string) => analyzeProblem(text).diagnostics.filter((d) => d.severity === 'error');
const at = (d: Diagnostic) => [d.span.start.line, d.span.start.col, d.span.end.line, d.span.end.col];

const HEADER = 'problem attention normalized\nn = 3\nd = 2\n';

test('the quickstart is clean and builds an attention problem with a planted, row-stochastic B', () => {
  const a = analyzeProblem(QUICKSTART);
  assert.deepEqual(a.diagnostics, []);
  const p = a.problem;
  assert.ok(p && p.kind === 'attention');
  assert.equal(p.B.rows, p.n);
  for (let i = 0; i < p.n; i++) {
    const row = p.B.data.subarray(i * p.n, (i + 1) * p.n);
    assert.ok(Math.abs(row.reduce((s, v) => s + v, 0) - 1) < 1e-12);
    assert.ok(row.every((v) => v > 0));
  }
  assert.deepEqual(
    a.solves.map((s) => s.method),
    ['gd'],
  );
  assert.equal(a.solves[0].options.lr, 3);
});

test('generated data is reproducible from the seed and independent of other names', () => {
  const one = analyzeProblem(QUICKSTART).problem!;
  const two = analyzeProblem(QUICKSTART).problem!;
  assert.ok(one.kind === 'attention' && two.kind === 'attention');
  assert.deepEqual(Array.from(one.A1.data), Array.from(two.A1.data));
  // Adding a matrix (X0 from zeros to normal) must not change A1's stream.
  const three = analyzeProblem(QUICKSTART.replace('X0 = zeros', 'X0 = normal(scale = 0.1)')).problem!;
  assert.ok(three.kind === 'attention');
  assert.deepEqual(Array.from(three.A1.data), Array.from(one.A1.data));
  const reseeded = analyzeProblem(QUICKSTART.replace('seed = 7', 'seed = 8')).problem!;
  assert.ok(reseeded.kind === 'attention');
  assert.notDeepEqual(Array.from(reseeded.A1.data), Array.from(one.A1.data));
});

test('a syntax error gives one diagnostic at the exact place, and the rest still checks', () => {
  const text = `${HEADER}A1 = normal(scale = )\nA2 = normal()\nB = simplex()\nsolve gd lr = 0.5\n`;
  const errs = errors(text);
  assert.equal(errs.length, 1, JSON.stringify(errs));
  assert.deepEqual(at(errs[0]), [3, 20, 3, 21]); // the ')' where a value was expected
  assert.match(errs[0].message, /Expected a value/);
});

test('an unclosed bracket is reported once at the bracket and does not swallow the next statements', () => {
  const text = `${HEADER}A1 = [1 2\n3 4\n5 6\nA2 = normal()\nB = simplx()\nsolve gd lr = 0.5\n`;
  const errs = errors(text);
  assert.equal(errs[0].message, "Unclosed '[': add ']' after the last row");
  assert.deepEqual(at(errs[0]), [3, 5, 3, 6]);
  // The typo two lines later is still found.
  assert.ok(errs.some((e) => /Unknown generator or name 'simplx' \(did you mean 'simplex'\?\)/.test(e.message)));
});

test('unknown names, methods and options get "did you mean" hints at their ranges', () => {
  const text = `${HEADER}A1 = normal()\nA2 = normal()\nB = simplex()\nXstr = zeros\nsolve gdd lr = 1\nsolve gd stepz = 3\n`;
  const errs = errors(text);
  const byMsg = (re: RegExp) => errs.find((e) => re.test(e.message));
  assert.deepEqual(at(byMsg(/Unknown name 'Xstr' \(did you mean 'Xstar'\?\)/)!), [6, 0, 6, 4]);
  assert.deepEqual(at(byMsg(/Unknown method 'gdd' \(did you mean 'gd'\?\)/)!), [7, 6, 7, 9]);
  assert.deepEqual(at(byMsg(/gd has no option 'stepz' \(did you mean 'steps'\?\)/)!), [8, 9, 8, 14]);
  assert.equal(errs.length, 3);
});

test('shape mismatches name the expected and actual shapes', () => {
  const text = `${HEADER}A1 = [1 2 3\n4 5 6\n7 8 9]\nA2 = normal()\nB = simplex()\n`;
  const [e] = errors(text);
  assert.equal(e.message, 'A1 must be n×d = 3×2, but this literal is 3×3');
  assert.deepEqual(at(e), [3, 5, 5, 6]);
  const ragged = errors(`${HEADER}A1 = [1 2\n3\n5 6]\nA2 = normal()\nB = simplex()\n`);
  assert.equal(ragged[0].message, 'Row has 1 entry but the first row has 2');
  assert.deepEqual(at(ragged[0]), [4, 0, 4, 1]);
});

test('n and d are inferred from a literal when not given; missing required items are errors', () => {
  const a = analyzeProblem('problem attention normalized\nA1 = [1 0\n0 1\n1 1]\nA2 = A1\nB = simplex()\nsolve gd lr = 1\n');
  assert.deepEqual(errors('problem attention normalized\nA1 = [1 0\n0 1\n1 1]\nA2 = A1\nB = simplex()\nsolve gd lr = 1\n'), []);
  assert.equal(a.sizes.n, 3);
  assert.equal(a.sizes.d, 2);
  const missing = errors(`${HEADER}A1 = normal()\n`);
  assert.deepEqual(missing.map((e) => e.message.split(':')[0]).sort(), ['Missing A2', 'Missing B']);
  assert.deepEqual(at(missing[0]), [0, 0, 0, 28]); // on the problem line
});

test('numbers: non-finite values, non-positive learning rates and bad sizes are errors at the number', () => {
  const e1 = errors(`${HEADER}A1 = [1 1e999\n0 1\n1 1]\nA2 = A1\nB = simplex()\n`);
  assert.equal(e1[0].message, '1e999 is not a finite number');
  assert.deepEqual(at(e1[0]), [3, 8, 3, 13]);
  const e2 = errors(`${HEADER}A1 = normal()\nA2 = A1\nB = simplex()\nsolve gd lr = 0\n`);
  assert.equal(e2[0].message, 'lr must be greater than 0, not 0');
  assert.deepEqual(at(e2[0]), [6, 14, 6, 15]);
  const e3 = errors('problem attention normalized\nn = 2.5\nd = 0\n');
  assert.deepEqual(
    e3.slice(0, 2).map((e) => e.message),
    ['n must be a whole number, not 2.5', 'd must be at least 1, not 0'],
  );
});

test('a normalized target whose rows are not distributions is a warning, not an error', () => {
  const a = analyzeProblem(`${HEADER}A1 = normal()\nA2 = A1\nB = [0.5 0.5 0\n1 0 0\n0.2 0.2 0.2]\nsolve gd lr = 1\n`);
  const w = a.diagnostics.filter((d) => d.severity === 'warning');
  assert.equal(w.length, 1);
  assert.match(w[0].message, /^Row 3 of B is not a probability distribution \(sum 0\.6000/);
  assert.ok(a.problem, 'warnings do not block solving');
  assert.equal(
    analyzeProblem(
      `${HEADER.replace('normalized', 'rescaled')}A1 = normal()\nA2 = A1\nB = [0.5 0.5 0\n1 0 0\n0.2 0.2 0.2]\n`,
    ).diagnostics.filter((d) => d.severity === 'warning').length,
    0,
  );
});

test('references copy the data; circular definitions are caught', () => {
  const a = analyzeProblem(`${HEADER}A1 = normal()\nA2 = A1\nB = simplex()\n`);
  const p = a.problem!;
  assert.ok(p.kind === 'attention');
  assert.deepEqual(Array.from(p.A2.data), Array.from(p.A1.data));
  const cyc = errors(`${HEADER}A1 = A2\nA2 = A1\nB = simplex()\n`);
  assert.ok(
    cyc.some((e) => /Circular definition/.test(e.message)),
    JSON.stringify(cyc),
  );
});

test('the softmax (vector) form: vectors as a row or a column, planted b from xstar', () => {
  const a = analyzeProblem(
    'problem softmax normalized\nA = [1 0\n0 1\n1 1]\nxstar = [0.5 -0.5]\nb = planted(xstar)\nx0 = [0\n0]\nsolve gd lr = 1\n',
  );
  assert.deepEqual(errors('problem softmax normalized\nA = [1 0\n0 1\n1 1]\nxstar = [0.5 -0.5]\nb = planted(xstar)\nx0 = [0\n0]\n'), []);
  const p = a.problem!;
  assert.ok(p.kind === 'softmax');
  // b = softmax(A·x*) with A·x* = (0.5, −0.5, 0), computed independently here.
  const z = [0.5, -0.5, 0].map(Math.exp);
  const s = z.reduce((x, y) => x + y, 0);
  z.forEach((v, i) => assert.ok(Math.abs(p.b[i] - v / s) < 1e-15));
  assert.deepEqual(
    errors('problem softmax normalized\nn = 3\nd = 2\nA = normal()\nb = simplex()\nA1 = normal()\n').map((e) => e.message),
    ["'A1' belongs to attention problems, not softmax ones"],
  );
});

test('the analysis never throws on hostile input and keeps every range inside the document', () => {
  const inputs = [
    '',
    '\n\n',
    '[[[[',
    ']]]',
    'problem',
    'solve',
    '= = =',
    '"unterminated',
    'A1 = normal(scale = 1',
    '\u0000\u0001€😀',
    'problem attention normalized\nn = 99999999\nd = 99999999\n',
    'problem attention normalized\n'.repeat(3),
  ];
  for (const text of inputs) {
    const a = analyzeProblem(text);
    const lines = text.split(/\r\n|\r|\n/);
    for (const d of a.diagnostics) {
      assert.ok(d.span.start.line < lines.length && d.span.end.line < lines.length, `${JSON.stringify(text)}: ${JSON.stringify(d)}`);
      assert.ok(d.span.end.col <= lines[d.span.end.line].length, `${JSON.stringify(text)}: ${JSON.stringify(d)}`);
    }
  }
  assert.match(errors('problem attention normalized\nn = 99999999\nd = 4\n')[0].message, /Problem too large/);
});

test('the size limit counts what each problem kind really builds: softmax never forms an n×n matrix', () => {
  // n = 10,000 (n² = 1e8, above the limit) with d = 3 builds only A (30,000 entries): accepted.
  const ok = analyzeProblem('problem softmax normalized\nn = 10000\nd = 3\nA = normal(1)\nb = simplex\n');
  assert.deepEqual(
    ok.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    [],
  );
  assert.equal(ok.problem?.kind === 'softmax' && ok.problem.A.data.length, 30000);
  // n·d above 2^25 is refused, citing A and its size in memory.
  const big = errors('problem softmax normalized\nn = 20000000\nd = 2\nA = normal(1)\nb = simplex\n');
  assert.equal(big.length, 1);
  assert.equal(
    big[0].message,
    'Problem too large: the 20000000×2 matrix A would have 40,000,000 entries (305 MiB; limit 33,554,432 entries, 256 MiB)',
  );
  // Attention builds B and S (n×n): n = 6000 is refused for them, whatever d.
  const att = errors('problem attention normalized\nn = 6000\nd = 2\n');
  assert.match(att[0].message, /^Problem too large: the 6000×6000 matrices B and S = A1·X·A2ᵀ would have 36,000,000 entries/);
});
