/** The `sweep` statement of experiment files: what each point runs, its mistakes at their places, and the editor features. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyze, type ExperimentAnalysis } from '../../server/src/language/analyze';
import { MAX_SWEEP_POINTS } from '../../server/src/language/experiment';
import { formatDocument } from '../../server/src/language/format';
import type { Diagnostic } from '../../server/src/language/syntax';
import { codeLenses } from '../../server/src/lsp/codelens';
import { completions } from '../../server/src/lsp/completion';
import { hoverAt } from '../../server/src/lsp/hover';
import { documentSymbols } from '../../server/src/lsp/outline';
import { REPO_ROOT } from '../paths';

const at = (d: Diagnostic) => [d.span.start.line, d.span.start.col, d.span.end.line, d.span.end.col];
function experimentAnalysis(text: string): ExperimentAnalysis {
  const a = analyze(text);
  if (a.file !== 'experiment') assert.fail(`expected an experiment file, but this is a ${a.file} file`);
  return a;
}
const hoverText = (text: string, line: number, col: number) => {
  const h = hoverAt(analyze(text), line, col);
  return h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '';
};

test('each point has the file’s settings with the swept one replaced; k and the default words follow d', () => {
  const a = experimentAnalysis('experiment icl\nn = 9\nheads = 2\nsweep d = 5, 10, 40\n');
  assert.deepEqual(a.diagnostics, []);
  const run = a.sweep!.run!;
  assert.equal(a.sweep!.line, 3);
  assert.deepEqual(run.sweep, { setting: 'd', values: [5, 10, 40] });
  const base = a.settings!;
  assert.deepEqual(
    run.points,
    [5, 10, 40].map((d) => ({ ...base, d, k: d + 1, words: { kind: 'normal', scale: 1 / Math.sqrt(d), mean: 0 } })),
  );
  // What the file sets stays set: k and the words do not follow d then.
  const fixed = experimentAnalysis('experiment icl\nk = 4\nwords = uniform(low = -1, high = 1)\nsweep d = 5, 10\n').sweep!.run!.points;
  assert.deepEqual(
    fixed.map((s) => [s.d, s.k, s.words]),
    [
      [5, 4, { kind: 'uniform', low: -1, high: 1 }],
      [10, 4, { kind: 'uniform', low: -1, high: 1 }],
    ],
  );
  // Any numeric setting: n leaves k = d + 1 alone; Adam's ε can be swept too; one value is a sweep of one point.
  assert.deepEqual(
    experimentAnalysis('experiment icl\nsweep n = 25, 200\n').sweep!.run!.points.map((s) => [s.n, s.d, s.k]),
    [
      [25, 20, 21],
      [200, 20, 21],
    ],
  );
  assert.deepEqual(
    experimentAnalysis('experiment icl\nsweep eps = 1e-8, 1e-12\n').sweep!.run!.points.map((s) => s.eps),
    [1e-8, 1e-12],
  );
  assert.deepEqual(
    experimentAnalysis('experiment icl\nsweep k = 3, 7\nd = 6\n').sweep!.run!.points.map((s) => [s.d, s.k]),
    [
      [6, 3],
      [6, 7],
    ],
  );
  assert.equal(experimentAnalysis('experiment icl\nsweep seed = 4\n').sweep!.run!.points.length, 1);
  assert.equal(experimentAnalysis('experiment icl\n').sweep, undefined);
});

test('a setting both assigned and swept: the assignment is unused, a warning at it', () => {
  const a = experimentAnalysis('experiment icl\nd = 6\nsweep d = 5, 10\n');
  assert.deepEqual(
    a.diagnostics.map((d) => [d.severity, d.message, at(d)]),
    [['warning', 'This d is not used: the sweep on line 3 sets d at every point', [1, 0, 1, 5]]],
  );
  assert.equal(a.settings!.d, 6);
  assert.deepEqual(
    a.sweep!.run!.points.map((s) => s.d),
    [5, 10],
  );
});

test('sweep mistakes are errors at their place, and the file runs nothing', () => {
  const many = Array.from({ length: MAX_SWEEP_POINTS + 2 }, (_, i) => i + 1).join(', ');
  const manyAt = `experiment icl\nsweep seed = ${many}\n`.split('\n')[1];
  const cases: [string, RegExp, number[]][] = [
    ['experiment icl\nsweep dd = 5, 10\n', /^Unknown experiment setting 'dd' \(did you mean 'd'\?\)$/, [1, 6, 1, 8]],
    ['experiment icl\nsweep labels = 1, 2\n', /^labels is centered or doc, not a number: a sweep varies a numeric setting/, [1, 6, 1, 12]],
    ['experiment icl\nsweep words = 1, 2\n', /^words is a distribution, not a number/, [1, 6, 1, 11]],
    ['experiment icl\nsweep reg = 1, 2\n', /^reg applies to problem files, not experiments$/, [1, 6, 1, 9]],
    ['experiment icl\nsweep d =\n', /^sweep d has no values: write sweep d = v1, v2, …$/, [1, 0, 1, 9]],
    ['experiment icl\nsweep d = 5, 0, 10\n', /^d must be at least 1, not 0$/, [1, 13, 1, 14]],
    ['experiment icl\nsweep heads = 1, 2.5\n', /^heads must be a whole number, not 2.5$/, [1, 17, 1, 20]],
    ['experiment icl\nsweep lr = 0.1, doc\n', /^lr must be a number$/, [1, 16, 1, 19]],
    ['experiment icl\nsweep d = 5, 10, 5.0\n', /^d = 5.0 is in the sweep twice \(first as value 1\)$/, [1, 17, 1, 20]],
    [
      `experiment icl\nsweep seed = ${many}\n`,
      new RegExp(`^A sweep runs at most ${MAX_SWEEP_POINTS} points; this one has ${MAX_SWEEP_POINTS + 2}`),
      [1, manyAt.indexOf(' 33,') + 1, 1, manyAt.length],
    ],
    ['experiment icl\nsweep d = 5\nsweep n = 5\n', /^Only one sweep per file \(the first is on line 2\)$/, [2, 0, 2, 11]],
    ['sweep d = 5, 10\nexperiment icl\n', /^sweep must come after the experiment line \(line 2\)$/, [0, 0, 0, 15]],
    ['experiment icl\nsweep d = 5, 10,\n', /^Expected a value after ','/, [1, 15, 1, 16]],
    ['experiment icl\nsweep d 5, 10\n', /^Expected '=' after 'sweep d'/, [1, 8, 1, 9]],
    ['experiment icl\nsweep\n', /^Expected the setting after 'sweep'/, [1, 0, 1, 5]],
    // Limits over several settings: at the value that breaks them when the sweep takes part, else where the file sets them.
    ['experiment icl\nn = 10000\nsweep d = 5, 4096\n', /^At d = 4096: Experiment too large: about [\d.]+ GiB per run/, [2, 13, 2, 17]],
    [
      'experiment icl\netamin = 1\nsweep etamax = 10, 0.5\n',
      /^At etamax = 0.5: The η grid needs etamin < etamax \(got 1 and 0.5\)/,
      [2, 19, 2, 22],
    ],
    ['experiment icl\netamin = 5\netamax = 2\nsweep d = 5, 10\n', /^The η grid needs etamin < etamax \(got 5 and 2\)/, [2, 0, 2, 10]],
  ];
  for (const [text, message, place] of cases) {
    const a = experimentAnalysis(text);
    const errs = a.diagnostics.filter((d) => d.severity === 'error');
    assert.equal(errs.length, 1, `${JSON.stringify(text)}: ${JSON.stringify(errs.map((e) => e.message))}`);
    assert.match(errs[0].message, message);
    assert.deepEqual(at(errs[0]), place, `${JSON.stringify(text)}: ${errs[0].message}`);
    assert.equal(a.sweep?.run, undefined, JSON.stringify(text));
    assert.equal(a.settings, undefined);
  }
  // In a problem file a sweep is an error at its line.
  const p = analyze('problem softmax normalized\nn = 4\nd = 2\nA = normal\nb = simplex\nsweep d = 2, 3\nsolve gd\n');
  assert.equal(p.file, 'problem');
  assert.deepEqual(
    p.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.message, at(d)]),
    [['`sweep` belongs to experiment files (after `experiment icl`); a problem file runs its solve blocks', [5, 0, 5, 14]]],
  );
});

test('a sweep far over the limit is one error for the excess: the values past it are not checked one by one', () => {
  // 100 000 wrong values once gave 100 000 diagnostics (each published to the editor, each printed by the CLI).
  const values = Array.from({ length: 100_000 }, () => '0').join(', ');
  const errs = experimentAnalysis(`experiment icl\nsweep d = ${values}\n`).diagnostics.filter((d) => d.severity === 'error');
  assert.equal(errs.filter((d) => d.message === 'd must be at least 1, not 0').length, MAX_SWEEP_POINTS);
  assert.deepEqual(
    errs.filter((d) => d.message !== 'd must be at least 1, not 0').map((d) => d.message),
    [`A sweep runs at most ${MAX_SWEEP_POINTS} points; this one has 100,000 (split it over several files)`],
  );
});

test('hover: the sweep keyword says what the sweep runs in all, a value its point, and the protocol settings have their defaults', () => {
  const text = 'experiment icl\nsteps = 100\nbatch = 64\nrepeats = 2\nsweep d = 5, 10\nlabels = doc\neps = 1e-8\n';
  assert.match(hoverText(text, 4, 2), /^Runs the experiment once per value of one numeric setting/);
  assert.match(hoverText(text, 4, 2), /\*\*This sweep:\*\* 2 points, d = 5, 10, run one after the other: 25,600 training tasks in all/);
  assert.match(hoverText(text, 0, 2), /\*\*This sweep:\*\* 2 points/);
  assert.match(hoverText(text, 4, 6), /^\*\*d\*\* — Embedding size .* Default 20\.$/);
  assert.match(
    hoverText(text, 4, 13),
    /^\*\*Point 2 of 2\*\* \(d = 10\): 2 repeats × 100 Adam steps × 64 tasks = 12,800 training tasks of 25 words in R\^10, 1 head of size 11;/,
  );
  assert.match(hoverText(text, 5, 1), /^\*\*labels\*\* — The context tokens’ label slot: .* One of centered, doc; default centered\.$/);
  assert.match(hoverText(text, 5, 10), /^\*\*labels = doc\*\* — /);
  assert.match(hoverText(text, 6, 1), /^\*\*eps\*\* — Adam’s ε, .* Default 1e-12\.$/);
  assert.match(hoverText('experiment icl\nreadout = plain\n', 1, 2), /^\*\*readout\*\* — .* One of offset, plain; default offset\.$/);
});

test('completion: sweep and the protocol settings at a line start, numeric settings after sweep, the choices after labels and readout', () => {
  const items = (text: string, line: string) => completions(analyze(text), line);
  const start = items('experiment icl\n', '');
  const labels = start.map((c) => c.label);
  for (const name of ['sweep', 'eps', 'labels', 'readout', 'd', 'words']) assert.ok(labels.includes(name), name);
  assert.equal(start.find((c) => c.label === 'eps')?.detail, 'default 1e-12');
  assert.equal(start.find((c) => c.label === 'labels')?.detail, 'default centered');
  assert.ok(!items('experiment icl\nsweep d = 5, 10\n', '').some((c) => c.label === 'sweep'), 'one sweep per file');
  assert.ok(!items('experiment icl\nlabels = doc\n', '').some((c) => c.label === 'labels'), 'assigned settings are not offered again');
  const swept = items('experiment icl\n', 'sweep ').map((c) => c.label);
  assert.ok(
    ['d', 'n', 'lr', 'steps', 'eps'].every((n) => swept.includes(n)),
    swept.join(' '),
  );
  assert.ok(!swept.includes('labels') && !swept.includes('words'), 'only numeric settings are swept');
  assert.deepEqual(
    items('experiment icl\n', 'labels = ').map((c) => c.label),
    ['centered', 'doc'],
  );
  assert.deepEqual(
    items('experiment icl\n', 'readout = ').map((c) => [c.label, c.detail]),
    [
      ['offset', 'default'],
      ['plain', undefined],
    ],
  );
  // Not in problem files.
  assert.ok(!completions(analyze('problem softmax normalized\n'), '').some((c) => c.label === 'sweep'));
});

test('outline, CodeLens and formatting of a sweep line', () => {
  const text = 'experiment icl\nsweep d = 5,10 ,  20   \nsteps = 10\n';
  const a = analyze(text);
  assert.deepEqual(
    documentSymbols(a).map((s) => [s.name, s.detail]),
    [
      ['experiment icl', undefined],
      ['sweep d', '5, 10, 20'],
      ['steps', '10'],
    ],
  );
  assert.deepEqual(
    codeLenses('file:///x.regress', a).map((l) => [l.command?.title, l.command?.arguments]),
    [['▶ Run sweep', ['file:///x.regress', 'sweep']]],
  );
  assert.deepEqual(
    codeLenses('file:///x.regress', analyze('experiment icl\n')).map((l) => [l.command?.title, l.command?.arguments]),
    [['▶ Run experiment', ['file:///x.regress']]],
  );
  // Formatting only trims the trailing spaces: the sweep means the same.
  const formatted = formatDocument(text);
  assert.equal(formatted, 'experiment icl\nsweep d = 5,10 ,  20\nsteps = 10\n');
  assert.deepEqual((analyze(formatted) as ExperimentAnalysis).sweep, (a as ExperimentAnalysis).sweep);
});

test('the TextMate grammar colours sweep, its setting and values, and the protocol settings', () => {
  const grammar = JSON.parse(readFileSync(join(REPO_ROOT, 'syntaxes', 'regress.tmLanguage.json'), 'utf8')) as {
    patterns: { include: string }[];
    repository: Record<string, { begin?: string; match?: string }>;
  };
  assert.ok(grammar.patterns.some((p) => p.include === '#sweep'));
  const sweep = new RegExp(grammar.repository.sweep.begin!);
  assert.deepEqual([...('sweep d = 5, 10'.match(sweep) ?? [])].slice(1), ['sweep', 'd', '=']);
  assert.equal('sweep = 3'.match(sweep), null, 'a name `sweep` assigned is no keyword');
  const choice = new RegExp(grammar.repository.choice.match!);
  assert.deepEqual([...('readout = plain'.match(choice) ?? [])].slice(1), ['readout', '=', 'plain']);
  assert.ok(new RegExp(grammar.repository.assignment.match!).exec('eps = 1e-12')?.[1] === 'eps');
});
