import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../../server/src/language/analyze';
import { formatDocument } from '../../server/src/language/format';
import type { Diagnostic } from '../../server/src/language/syntax';
import { completions } from '../../server/src/lsp/completion';
import { hoverAt } from '../../server/src/lsp/hover';
import { documentSymbols } from '../../server/src/lsp/outline';
import { analyzeProblem } from './problemAnalysis';

const at = (d: Diagnostic) => [d.span.start.line, d.span.start.col, d.span.end.line, d.span.end.col];
const bySeverity = (text: string, severity: Diagnostic['severity']) => analyze(text).diagnostics.filter((d) => d.severity === severity);

const ATTENTION = 'problem attention normalized\nn = 4\nd = 3\nA1 = normal()\nA2 = A1\nB = simplex()\n';
const SOFTMAX = 'problem softmax normalized\nn = 5\nd = 3\nseed = 2\nA = normal(scale = 0.5)\nb = simplex()\nx0 = normal(scale = 0.5)\n';
const MOVE = 'k = 2\nWQ = normal(scale = 0.3)\nWK = normal(scale = 0.3)\nWV = normal(scale = 0.3)\nWP = normal(scale = 0.3)\n';

test('check statements: both kinds are collected with their 0-based lines, anywhere after the problem line', () => {
  const text = `${ATTENTION}check bounds\nsolve gd lr = 1\ncheck tensor   # the tensor trick\n`;
  const a = analyzeProblem(text);
  assert.deepEqual(a.diagnostics, []);
  assert.deepEqual(a.checks, [
    { kind: 'bounds', line: 6 },
    { kind: 'tensor', line: 8 },
  ]);
  // Formatting leaves them as written.
  assert.equal(formatDocument(text), text);
});

test('an unknown check is an error with a "did you mean" hint at its name; a bare `check` is a syntax error', () => {
  const errs = bySeverity(`${ATTENTION}check bound\ncheck tensr\ncheck nothing\n`, 'error');
  assert.deepEqual(
    errs.map((e) => e.message),
    [
      "Unknown check 'bound' (did you mean 'bounds'?)",
      "Unknown check 'tensr' (did you mean 'tensor'?)",
      "Unknown check 'nothing' (use bounds or tensor)",
    ],
  );
  assert.deepEqual(at(errs[0]), [6, 6, 6, 11]);
  const bare = bySeverity(`${ATTENTION}check\nsolve gd lr = 1\n`, 'error');
  assert.equal(bare.length, 1);
  assert.equal(bare[0].message, "Expected what to check after 'check': bounds or tensor");
  assert.deepEqual(at(bare[0]), [6, 0, 6, 5]);
  const extra = bySeverity(`${ATTENTION}check bounds tensor\n`, 'error');
  assert.deepEqual(
    extra.map((e) => e.message),
    ["Unexpected 'tensor' at the end of the statement"],
  );
  // `check = …` is an assignment to an unknown name, not a check.
  assert.match(bySeverity(`${ATTENTION}check = 1\n`, 'error')[0].message, /^Unknown name 'check'/);
});

test('a repeated check is a warning naming the first line, and runs once; a check before the problem line is an error', () => {
  const a = analyzeProblem(`${ATTENTION}check bounds\ncheck bounds\n`);
  const warnings = a.diagnostics.filter((d) => d.severity === 'warning');
  assert.deepEqual(
    warnings.map((w) => w.message),
    ['check bounds is given twice (first on line 7); it runs once'],
  );
  assert.deepEqual(at(warnings[0]), [7, 0, 7, 12]);
  assert.deepEqual(a.checks, [{ kind: 'bounds', line: 6 }]);
  assert.ok(a.problem, 'a warning does not block solving');
  const early = bySeverity(`check bounds\n${ATTENTION}`, 'error');
  assert.deepEqual(
    early.map((e) => e.message),
    ['check bounds must come after the problem line (line 2)'],
  );
});

test('check tensor on a softmax problem is a warning: the tensor trick is for the matrix form', () => {
  const w = bySeverity(`${SOFTMAX}check tensor\n`, 'warning');
  assert.equal(w.length, 1);
  assert.match(w[0].message, /^check tensor applies to attention problems/);
});

test('the data move: WQ, WK, WV are d×k and WP is k×d, for both kinds; layers defaults to 1', () => {
  for (const header of [ATTENTION, SOFTMAX]) {
    const a = analyzeProblem(`${header}${MOVE}`);
    assert.deepEqual(
      a.diagnostics.filter((d) => d.severity !== 'info'),
      [],
    );
    const move = a.problem?.move;
    assert.ok(move);
    assert.deepEqual([move.k, move.layers], [2, 1]);
    assert.deepEqual(
      [move.WQ, move.WK, move.WV, move.WP].map((m) => [m.rows, m.cols]),
      [
        [3, 2],
        [3, 2],
        [3, 2],
        [2, 3],
      ],
    );
    assert.equal(analyzeProblem(`${header}${MOVE}layers = 3\n`).problem?.move?.layers, 3);
  }
  // Literals and references work as for any data.
  const lit = analyzeProblem(`${SOFTMAX}k = 1\nWQ = [1\n0\n0]\nWK = WQ\nWV = uniform()\nWP = [0.5 0.5 0.5]\n`);
  assert.deepEqual(
    lit.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  assert.deepEqual(Array.from(lit.problem!.move!.WK.data), [1, 0, 0]);
});

test('the data move needs all four weights and k: one error naming what is missing, at the first weight given', () => {
  const partial = bySeverity(`${SOFTMAX}k = 2\nWQ = normal()\nWV = normal()\n`, 'error');
  assert.deepEqual(
    partial.map((e) => e.message),
    ['The self-attention data move needs all of WQ, WK, WV and WP: missing WK, WP (add `WK = …`, `WP = …`)'],
  );
  assert.deepEqual(at(partial[0]), [8, 0, 8, 2]);
  const noK = bySeverity(`${SOFTMAX}${MOVE.replace('k = 2\n', '')}`, 'error');
  assert.equal(noK.length, 1, JSON.stringify(noK));
  assert.match(noK[0].message, /^Missing k: the self-attention data move needs its head dimension/);
  assert.deepEqual(at(noK[0]), [7, 0, 7, 2]);
});

test('shapes with k are checked like n and d; k and layers are whole numbers ≥ 1 and warn when unused', () => {
  const wrong = bySeverity(`${SOFTMAX}${MOVE.replace('WQ = normal(scale = 0.3)', 'WQ = [1 2 3\n4 5 6\n7 8 9]')}`, 'error');
  assert.deepEqual(
    wrong.map((e) => e.message),
    ['WQ must be d×k = 3×2, but this literal is 3×3'],
  );
  assert.deepEqual(
    bySeverity(`${SOFTMAX}${MOVE.replace('WP = normal(scale = 0.3)', 'WP = WQ')}`, 'error').map((e) => e.message),
    ['WP must be 2×3, but WQ is 3×2'],
  );
  assert.deepEqual(
    bySeverity(`${SOFTMAX}${MOVE.replace('k = 2', 'k = 0')}layers = 1.5\n`, 'error').map((e) => e.message),
    ['k must be at least 1, not 0', 'layers must be a whole number, not 1.5'],
  );
  assert.match(bySeverity(`${SOFTMAX}${MOVE.replace('k = 2', 'k = 99999999')}`, 'error')[0].message, /^k too large: a 5×99999999 matrix/);
  const unused = bySeverity(`${SOFTMAX}k = 2\nlayers = 2\n`, 'warning');
  assert.deepEqual(
    unused.map((w) => w.message.split(':')[0]),
    ['k has no effect without the self-attention data move', 'layers has no effect without the self-attention data move'],
  );
});

test('the weights are seeded, each from its own stream: reproducible, distinct, and independent of the other data', () => {
  const one = analyzeProblem(`${SOFTMAX}${MOVE}`).problem!;
  const two = analyzeProblem(`${SOFTMAX}${MOVE}`).problem!;
  assert.deepEqual(Array.from(one.move!.WQ.data), Array.from(two.move!.WQ.data));
  assert.notDeepEqual(Array.from(one.move!.WQ.data), Array.from(one.move!.WK.data));
  const without = analyzeProblem(SOFTMAX).problem!;
  assert.ok(one.kind === 'softmax' && without.kind === 'softmax');
  assert.deepEqual(Array.from(one.A.data), Array.from(without.A.data));
  const reseeded = analyzeProblem(`${SOFTMAX.replace('seed = 2', 'seed = 3')}${MOVE}`).problem!;
  assert.notDeepEqual(Array.from(reseeded.move!.WQ.data), Array.from(one.move!.WQ.data));
});

test('editor features: completion offers check and its names, the outline lists checks, hover documents them', () => {
  const text = `${ATTENTION}check tensor\ncheck bounds\n`;
  const a = analyze(text);
  const check = completions(a, '').find((c) => c.label === 'check');
  assert.equal(check?.insertText, 'check ${1|bounds,tensor|}');
  assert.deepEqual(
    completions(a, 'check ').map((c) => c.label),
    ['bounds', 'tensor'],
  );
  assert.ok(
    completions(a, '').some((c) => c.label === 'WQ'),
    'the move weights are offered',
  );
  assert.deepEqual(
    documentSymbols(a)
      .slice(-2)
      .map((s) => s.name),
    ['check tensor', 'check bounds'],
  );
  const tensor = hoverAt(a, 6, 8) as { contents: { value: string } };
  assert.match(tensor.contents.value, /^\*\*check tensor\*\* — Checks the tensor trick/);
  const bounds = hoverAt(a, 7, 2, { version: 1 }) as { contents: { value: string } };
  assert.match(bounds.contents.value, /Not run yet.*▶ Check bounds.*regress-lab check-bounds FILE/s);
  const k = hoverAt(analyze(`${SOFTMAX}${MOVE}`), 7, 0) as { contents: { value: string } };
  assert.match(k.contents.value, /^\*\*k\*\* — Head dimension/);
});

test('options that would never end a run are refused: armijo shrink = 1, an lbfgs memory beyond 1000', () => {
  const errors = (solve: string) =>
    analyze(`problem softmax normalized\nn = 4\nd = 2\nA = normal()\nb = simplex()\nx0 = zeros()\n${solve}\n`)
      .diagnostics.filter((d) => d.severity === 'error')
      .map((d) => d.message);
  assert.deepEqual(errors('solve armijo shrink = 1'), ['shrink must be less than 1, not 1']);
  assert.deepEqual(errors('solve armijo shrink = 0.999'), []);
  assert.deepEqual(errors('solve lbfgs memory = 1e9'), ['memory must be at most 1000, not 1e9']);
  assert.deepEqual(errors('solve lbfgs memory = 1000'), []);
});

test('one reader for every numeric setting: the same mistake gets the same message at the value, in problem settings, experiment settings and solve options', () => {
  // Each case: a problem-file line, an experiment-file line, a solve line, and the message each must get.
  const problem = SOFTMAX.replace('seed = 2\n', '');
  const cases: [string, string, string, (name: string) => string][] = [
    ['layers = 2.50', 'heads = 2.50', 'solve gd steps = 2.50', (name) => `${name} must be a whole number, not 2.50`],
    ['reg = -1e-3', 'beta1 = -1e-3', 'solve gd gradtol = -1e-3', (name) => `${name} must be at least 0, not -1e-3`],
    [
      'seed = 1e16',
      'seed = 1e16',
      'solve gd steps = 2e9',
      (name) => `${name} must be at most ${name === 'seed' ? 9007199254740991 : 1e9}, not ${name === 'seed' ? '1e16' : '2e9'}`,
    ],
    ['reg = 1e999', 'lr = 1e999', 'solve gd lr = 1e999', () => '1e999 is not a finite number'],
  ];
  const only = (text: string, line: number) => {
    const errs = bySeverity(text, 'error');
    assert.equal(errs.length, 1, `${JSON.stringify(text)}: ${JSON.stringify(errs.map((e) => e.message))}`);
    assert.equal(errs[0].span.start.line, line);
    return errs[0];
  };
  for (const [problemLine, experimentLine, solveLine, message] of cases) {
    for (const [text, line, source] of [
      [`${problem}${problemLine}\n`, 6, problemLine],
      [`experiment icl\n${experimentLine}\n`, 1, experimentLine],
      [`${problem}${solveLine}\n`, 6, solveLine],
    ] as const) {
      const e = only(text, line);
      const [name, value] = source.replace(/^solve gd /, '').split(' = ');
      assert.equal(e.message, message(name), source);
      // At the value, not the name.
      assert.deepEqual(at(e), [line, source.length - value.length, line, source.length], source);
    }
  }
  // Exclusive bounds: lr > 0 in a solve block and in an experiment alike; the bound itself is refused, just above it passes.
  assert.equal(only(`${SOFTMAX}solve gd lr = 0\n`, 7).message, 'lr must be greater than 0, not 0');
  assert.equal(only('experiment icl\nlr = 0\n', 1).message, 'lr must be greater than 0, not 0');
  assert.deepEqual(bySeverity(`${SOFTMAX}solve gd lr = 5e-324\n`, 'error'), []);
  assert.equal(only('experiment icl\nbeta1 = 1\n', 1).message, 'beta1 must be less than 1, not 1');
  // A value that is not a number at all (problem and experiment settings; solve options parse only numbers).
  assert.equal(only(`${SOFTMAX}reg = [1 2]\n`, 7).message, 'reg must be a number');
  assert.equal(only('experiment icl\nheads = normal()\n', 1).message, 'heads must be a number');
});

test('hover and completion show each setting’s default from the schema', () => {
  const hover = (text: string, line: number, col: number) =>
    (hoverAt(analyze(text), line, col) as { contents: { value: string } } | null)?.contents.value ?? '';
  assert.match(hover(`${SOFTMAX}layers = 2\n`, 7, 1), /^\*\*layers\*\* — Number of successive context updates .* Default 1\.$/);
  assert.match(hover(SOFTMAX, 3, 1), /^\*\*seed\*\* — Seed of every random generator .* Default 0\.$/);
  // n has no default: it is given or inferred.
  assert.doesNotMatch(hover(SOFTMAX, 1, 0), /Default/);
  assert.match(hover(`${SOFTMAX}solve armijo shrink = 0.3\n`, 7, 14), /^`shrink` — Backtracking factor in \(0, 1\)\. Default 0\.5\.$/);
  const shrink = completions(analyze(SOFTMAX), 'solve armijo ').find((c) => c.label === 'shrink');
  assert.equal(shrink?.detail, 'default 0.5');
  assert.equal(shrink?.insertText, 'shrink = ${1:0.5}');
});
