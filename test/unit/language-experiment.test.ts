/** `experiment icl` files: settings, defaults, distributions, diagnostics with places, and the editor features. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyze, type ExperimentAnalysis } from '../../server/src/language/analyze';
import { formatDocument } from '../../server/src/language/format';
import type { Diagnostic } from '../../server/src/language/syntax';
import { EXPERIMENT_DATA, EXPERIMENT_SETTINGS, SETTINGS } from '../../server/src/language/vocabulary';
import { completions } from '../../server/src/lsp/completion';
import { hoverAt } from '../../server/src/lsp/hover';
import { documentSymbols } from '../../server/src/lsp/outline';
import { REPO_ROOT } from '../paths';

const at = (d: Diagnostic) => [d.span.start.line, d.span.start.col, d.span.end.line, d.span.end.col];
const errors = (text: string) => analyze(text).diagnostics.filter((d) => d.severity === 'error');
/** The analysis of an experiment file (anything else fails the test). */
function experimentAnalysis(text: string): ExperimentAnalysis {
  const a = analyze(text);
  if (a.file !== 'experiment') assert.fail(`expected an experiment file, but this is a ${a.file} file`);
  return a;
}

test('an experiment file with only its header gets every default (n = 25, d = 20, k = d + 1, words ~ N(0, I/d))', () => {
  const a = experimentAnalysis('experiment icl\n');
  assert.deepEqual(a.diagnostics, []);
  assert.equal(a.line, 0);
  const s = a.settings!;
  assert.equal(s.n, 25);
  assert.equal(s.d, 20);
  assert.equal(s.k, 21);
  assert.equal(s.seed, 0);
  assert.deepEqual(s.words, { kind: 'normal', scale: 1 / Math.sqrt(20), mean: 0 });
  assert.deepEqual(s.xstar, { kind: 'normal', scale: 1, mean: 0 });
  for (const info of EXPERIMENT_SETTINGS) if (info.default !== undefined) assert.equal(s[info.name], info.default, info.name);
});

test('settings and distributions are read, and k follows d unless given', () => {
  const a = experimentAnalysis(
    '# comment first\nexperiment icl   # trailing comment\nd = 6\nn = 9\nheads = 2\nlr = 1e-2\nwords = uniform(low = -0.5, high = 0.5)\nxstar = normal(2, 0.1)\nrepeats = 4\n',
  );
  assert.deepEqual(a.diagnostics, []);
  assert.equal(a.line, 1);
  const s = a.settings!;
  assert.deepEqual([s.n, s.d, s.k, s.heads, s.lr, s.repeats], [9, 6, 7, 2, 0.01, 4]);
  assert.deepEqual(s.words, { kind: 'uniform', low: -0.5, high: 0.5 });
  assert.deepEqual(s.xstar, { kind: 'normal', scale: 2, mean: 0.1 });
  assert.equal(experimentAnalysis('experiment icl\nd = 6\nk = 3\n').settings!.k, 3);
});

test('mistakes are errors at their place, with hints, and no settings are produced', () => {
  const cases: [string, RegExp, number[]][] = [
    ['experiment icl\nhaeds = 2\n', /Unknown experiment setting 'haeds' \(did you mean 'heads'\?\)/, [1, 0, 1, 5]],
    ['experiment icl\nreg = 0.1\n', /reg applies to problem files, not experiments/, [1, 0, 1, 3]],
    ['experiment icl\nheads = 1.5\n', /heads must be a whole number, not 1.5/, [1, 8, 1, 11]],
    ['experiment icl\nlr = 0\n', /lr must be greater than 0, not 0/, [1, 5, 1, 6]],
    ['experiment icl\nbeta2 = 1\n', /beta2 must be less than 1, not 1/, [1, 8, 1, 9]],
    ['experiment icl\nbatch = 1e999\n', /1e999 is not a finite number/, [1, 8, 1, 13]],
    ['experiment icl\nd = 5000\n', /^d must be at most 4096, not 5000$/, [1, 4, 1, 8]],
    ['experiment icl\netamin = 5\netamax = 2\n', /etamin < etamax/, [2, 0, 2, 10]],
    [
      'experiment icl\nwords = zeros\n',
      /words must be a distribution, normal\(scale, mean\) or uniform\(low, high\), drawn afresh for every task, not 'zeros'/,
      [1, 8, 1, 13],
    ],
    ['experiment icl\nxstar = [1 2 3]\n', /xstar must be a distribution.*not a fixed value/, [1, 8, 1, 15]],
    ['experiment icl\nwords = normall(1)\n', /did you mean 'normal'/, [1, 8, 1, 18]],
    ['experiment icl\nwords = uniform(low = 1, high = 0)\n', /uniform needs low < high/, [1, 8, 1, 34]],
    ['experiment icl\nwords = normal(sigma = 1)\n', /normal\(\) has no parameter 'sigma'/, [1, 15, 1, 20]],
    ['experiment icl\nn = 3\nn = 4\n', /n is assigned twice \(first on line 2\)/, [2, 0, 2, 1]],
    ['experiment icl\nsolve gd lr = 1\n', /`solve` belongs to problem files; this file is an experiment \(line 1\)/, [1, 0, 1, 15]],
    ['problem softmax normalized\nexperiment icl\n', /`problem` belongs to problem files/, [0, 0, 0, 26]],
    ['experiment icl\nexperiment icl\n', /Only one experiment per file \(the first is on line 1\)/, [1, 0, 1, 14]],
    ['experiment icm\n', /Unknown experiment 'icm' \(did you mean 'icl'\?\)/, [0, 11, 0, 14]],
  ];
  for (const [text, message, place] of cases) {
    const a = experimentAnalysis(text);
    const errs = a.diagnostics.filter((d) => d.severity === 'error');
    assert.equal(errs.length, 1, `${JSON.stringify(text)}: ${JSON.stringify(errs.map((e) => e.message))}`);
    assert.match(errs[0].message, message);
    assert.deepEqual(at(errs[0]), place, `${JSON.stringify(text)}: ${errs[0].message}`);
    assert.equal(a.settings, undefined);
  }
  assert.match(errors('experiment\n')[0].message, /Expected the experiment after 'experiment': icl/);
});

test('the protocol settings: the corrected protocol by default, the first reconstruction by name, and their mistakes', () => {
  const defaults = experimentAnalysis('experiment icl\n').settings!;
  assert.deepEqual([defaults.labels, defaults.readout, defaults.eps], ['centered', 'offset', 1e-12]);
  const first = experimentAnalysis('experiment icl\nlabels = doc   # the leaky labels\nreadout = plain\neps = 1e-8\n');
  assert.deepEqual(first.diagnostics, []);
  assert.deepEqual([first.settings!.labels, first.settings!.readout, first.settings!.eps], ['doc', 'plain', 1e-8]);
  const cases: [string, RegExp, number[]][] = [
    ['experiment icl\nlabels = centred\n', /^labels must be centered or doc, not 'centred' \(did you mean 'centered'\?\)$/, [1, 9, 1, 16]],
    ['experiment icl\nreadout = offset(1)\n', /^readout is a bare word: write readout = offset$/, [1, 10, 1, 19]],
    ['experiment icl\nreadout = linear()\n', /^readout must be offset or plain, not 'linear\(…\)'$/, [1, 10, 1, 18]],
    ['experiment icl\nreadout = 1\n', /^readout must be offset or plain, not 1$/, [1, 10, 1, 11]],
    ['experiment icl\nlabels = "doc"\n', /^labels must be centered or doc, not a literal$/, [1, 9, 1, 14]],
    ['experiment icl\neps = 0\n', /^eps must be greater than 0, not 0$/, [1, 6, 1, 7]],
    ['experiment icl\neps = doc\n', /^eps must be a number$/, [1, 6, 1, 9]],
    ['experiment icl\nesp = 1e-12\n', /Unknown experiment setting 'esp' \(did you mean 'eps'\?\)/, [1, 0, 1, 3]],
    ['experiment icl\nlabels = doc\nlabels = centered\n', /labels is assigned twice \(first on line 2\)/, [2, 0, 2, 6]],
  ];
  for (const [text, message, place] of cases) {
    const a = experimentAnalysis(text);
    const errs = a.diagnostics.filter((d) => d.severity === 'error');
    assert.equal(errs.length, 1, `${JSON.stringify(text)}: ${JSON.stringify(errs.map((e) => e.message))}`);
    assert.match(errs[0].message, message);
    assert.deepEqual(at(errs[0]), place, `${JSON.stringify(text)}: ${errs[0].message}`);
    assert.equal(a.settings, undefined);
  }
});

test('hover documents the experiment, its settings with defaults, and the work the file asks for', () => {
  const text = 'experiment icl\nheads = 2\nbatch = 64\nsteps = 100\nrepeats = 3\nn = 8\nwords = normal(scale = 0.5)\n';
  const a = analyze(text);
  const hover = (line: number, col: number) => {
    const h = hoverAt(a, line, col);
    return h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '';
  };
  assert.match(hover(0, 2), /3 repeats × 100 Adam steps × 64 tasks = 19,200 training tasks/);
  assert.match(hover(0, 2), /of 8 words in R\^20, 2 heads of size 21/);
  assert.match(hover(0, 12), /\*\*icl\*\* — In-context learning vs one step of gradient descent/);
  assert.match(hover(1, 1), /\*\*heads\*\* — Attention heads .* Default 1\./);
  assert.match(hover(5, 0), /^\*\*n\*\* — Context words per task .* Default 25\.$/);
  assert.match(hover(6, 1), /\*\*words\*\* — Distribution of every word/);
  assert.match(hover(6, 10), /\*\*normal\*\*/);
});

test('completion offers the experiment keyword, its kind, unused settings with defaults, and distributions', () => {
  const labels = (text: string, line: string) => completions(analyze(text), line).map((c) => c.label);
  assert.ok(labels('', '').includes('experiment'));
  assert.deepEqual(labels('experiment ', 'experiment '), ['icl']);
  const settings = completions(analyze('experiment icl\nheads = 2\n'), '');
  const names = settings.map((c) => c.label);
  assert.ok(!names.includes('heads'), 'assigned settings are not offered again');
  for (const name of ['n', 'd', 'seed', 'k', 'lr', 'batch', 'steps', 'repeats', 'words', 'xstar']) assert.ok(names.includes(name), name);
  assert.ok(!names.includes('reg') && !names.includes('solve') && !names.includes('A'), 'problem-file items are not offered');
  assert.equal(settings.find((c) => c.label === 'batch')?.detail, 'default 2048');
  assert.equal(settings.find((c) => c.label === 'n')?.detail, 'default 25');
  // k follows d: no number to offer.
  assert.equal(settings.find((c) => c.label === 'k')?.detail, undefined);
  assert.deepEqual(labels('experiment icl\n', 'words = '), ['normal', 'uniform']);
  assert.deepEqual(labels('experiment icl\n', 'heads = '), []);
});

test('outline lists the experiment and its settings; formatting leaves experiment files as written', () => {
  const text = 'experiment icl\nn = 8\nwords = normal(scale = 0.5)\n';
  const symbols = documentSymbols(analyze(text));
  assert.deepEqual(
    symbols.map((s) => [s.name, s.detail]),
    [
      ['experiment icl', undefined],
      ['n', '8'],
      ['words', undefined],
    ],
  );
  assert.equal(formatDocument(text), text);
});

test('the TextMate grammar colours every experiment setting and the experiment keyword', () => {
  const grammar = readFileSync(join(REPO_ROOT, 'syntaxes', 'regress.tmLanguage.json'), 'utf8');
  const settings = /\(n\|d\|seed\|reg\|k\|layers\|([a-z0-9|]+)\)/.exec(grammar)?.[1].split('|') ?? [];
  // n, d, seed and k are problem settings too, in the list before; eps is numeric too (labels and readout are choices).
  const own = [...EXPERIMENT_SETTINGS.map((s) => s.name), 'eps'].filter((name) => !SETTINGS.some((p) => p.name === name));
  assert.deepEqual(settings.sort(), own.sort());
  assert.match(grammar, /\(experiment\)/);
  assert.ok(
    EXPERIMENT_DATA.every((d) => !settings.includes(d.name)),
    'distributions are data, coloured like data names',
  );
});

test('an experiment too large for memory is refused at check time with its estimate (n = 100,000, d = 4,096)', () => {
  const e = errors('experiment icl\nn = 100000\nd = 4096\n');
  assert.equal(e.length, 1);
  // Held-out tasks alone: 1000 × 100,001 × 4,097 doubles ≈ 3.05 TiB.
  const want = (8 * 1001 * 100001 * 4097) / 2 ** 30;
  const got = Number(/about ([\d.,]+) GiB per run/.exec(e[0].message)?.[1].replace(/,/g, ''));
  assert.ok(Math.abs(got - want) / want < 0.01, e[0].message);
  assert.match(e[0].message, /lower n, d, heads or tasks$/);
  assert.equal(experimentAnalysis('experiment icl\nn = 100000\nd = 4096\n').settings, undefined);
  // The examples' sizes pass.
  assert.deepEqual(errors('experiment icl\nn = 200\nd = 20\n'), []);
});

test("many heads of a wide layer with a small k: the heads' (d+1)×d products count, and float32's copies too", () => {
  // The weights are 4·heads·k·(d+1) doubles, small at k = 1; M_h and its gradient are 2·heads·(d+1)·d: 17 GiB here.
  const e = errors('experiment icl\nn = 1\nd = 4096\nk = 1\nheads = 64\ntasks = 1\netatasks = 1\n');
  assert.equal(e.length, 1);
  assert.match(e[0].message, /^Experiment too large: about 16(\.\d)? GiB per run/);
  assert.deepEqual(at(e[0]), [4, 0, 4, 10], 'at the heads, which weigh most');
  // Just under the limit in float64, over it with float32's padded copies (1.5× the products).
  const base = 'experiment icl\nn = 1\nd = 1024\nk = 1\nheads = 60\ntasks = 1\netatasks = 1\n';
  assert.deepEqual(errors(base), []);
  assert.match(errors(`${base}float32 = 1\n`)[0]?.message ?? '', /^Experiment too large/);
});
