/**
 * Semantic analysis of an experiment file (`experiment icl`): settings with ranges and defaults, the task
 * distributions, and errors for anything that belongs to problem files. Produces IclSettings only without errors.
 */
import type { Distribution, IclLabels, IclReadout, IclSettings } from '../../../protocol/experiment';
import type { ExperimentAnalysis } from './analysis';
import { callParams } from './params';
import { readSetting, type NumericSetting } from './settings';
import type { AssignStmt, Diagnostic, ExperimentStmt, Severity, Span, SweepStmt, SyntaxTree } from './syntax';
import { EXPERIMENT_DATA, EXPERIMENT_KINDS, EXPERIMENT_SETTINGS, GENERATORS, hint, SETTINGS } from './vocabulary';

/** A setting whose value is one of a few words (written bare, `labels = doc`); the first is the default. */
export interface ChoiceSetting<V extends string = string> {
  name: string;
  values: readonly V[];
  doc: string;
}

/**
 * The settings of the corrected protocol (math spec §3.7, correction; docs/experiment.md): Adam's ε and what the layer
 * reads and predicts. `labels = doc`, `readout = plain`, `eps = 1e-8` run the first reconstruction.
 */
export const EXPERIMENT_EPS: NumericSetting<'eps'> = {
  name: 'eps',
  min: 0,
  exclusiveMin: true,
  default: 1e-12,
  doc: 'Adam’s ε, added to √v̂. It must sit well below the gradients: those of WQ and WK start near 5e-11 at n = 25, d = 20, which ε = 1e-8 stalls.',
};
const LABELS: ChoiceSetting<IclLabels> = {
  name: 'labels',
  values: ['centered', 'doc'],
  doc: 'The context tokens’ label slot: `centered` b′_i = n·b̂_i − 1 with b̂ = b/Σ_ctx b (mean 0, independent of the query’s target y), or `doc` the target b_i itself (Σ_ctx b_i = 1 − y leaks y).',
};
const READOUT: ChoiceSetting<IclReadout> = {
  name: 'readout',
  values: ['offset', 'plain'],
  doc: 'The layer’s prediction from the query’s last coordinate: `offset` ŷ = (1 − h′_q[last])/(n+1), the deviation from the uniform prediction of x₀ = 0, or `plain` ŷ = −h′_q[last] (von Oswald’s sign).',
};
export const EXPERIMENT_CHOICES: readonly ChoiceSetting[] = [LABELS, READOUT];

/** A sweep runs its points one after the other in one run: beyond this many it is better split over files. */
export const MAX_SWEEP_POINTS = 32;

/** The numeric settings a sweep may vary: every numeric experiment setting, Adam's ε included. */
export const SWEEPABLE: readonly NumericSetting[] = [...EXPERIMENT_SETTINGS, EXPERIMENT_EPS];

type Numbers = Record<string, number>;

/**
 * A numeric setting given outside the file (the CLI's `--set NAME=VALUE`): its value, checked with the setting's own
 * rule, or why it cannot be used.
 */
export function experimentOverride(name: string, text: string): { value: number } | { error: string } {
  const info = SWEEPABLE.find((s) => s.name === name);
  if (!info)
    return {
      error: `${name} is not a numeric experiment setting${hint(
        name,
        SWEEPABLE.map((s) => s.name),
      )}`,
    };
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text)) return { error: `${name} must be a number, not ${text}` };
  let error = '';
  const span = { start: { line: 0, col: 0 }, end: { line: 0, col: 0 } };
  const value = readSetting(info, { type: 'number', value: Number(text), text, span }, (_, message) => (error = message));
  return value === undefined ? { error } : { value };
}

/**
 * `overrides` (experimentOverride's values) replace the file's settings of the same name, as if the file set them:
 * the settings that default from them follow.
 */
export function analyzeExperiment(tree: SyntaxTree, overrides?: ReadonlyMap<string, number>): ExperimentAnalysis {
  const diags: Diagnostic[] = [...tree.diagnostics];
  const report = (span: Span, message: string, severity: Severity = 'error') => diags.push({ span, severity, message });
  const heads = tree.statements.filter((s): s is ExperimentStmt => s.type === 'experiment');
  const first = heads[0];
  for (const extra of heads.slice(1))
    report(extra.span, `Only one experiment per file (the first is on line ${first.span.start.line + 1})`);
  if (!EXPERIMENT_KINDS.some((k) => k.name === first.kind.name)) {
    report(
      first.kind.span,
      `Unknown experiment '${first.kind.name}'${hint(
        first.kind.name,
        EXPERIMENT_KINDS.map((k) => k.name),
        'the experiment is icl',
      )}`,
    );
  }

  const known: string[] = [
    ...SETTINGS.map((s) => s.name),
    ...EXPERIMENT_SETTINGS.map((s) => s.name),
    EXPERIMENT_EPS.name,
    ...EXPERIMENT_CHOICES.map((c) => c.name),
    ...EXPERIMENT_DATA.map((d) => d.name),
  ];
  const assigns = new Map<string, AssignStmt>();
  const sweeps: SweepStmt[] = [];
  for (const s of tree.statements) {
    if (s.type === 'problem' || s.type === 'solve' || s.type === 'check') {
      report(
        s.span,
        `\`${s.type}\` belongs to problem files; this file is an experiment (line ${first.span.start.line + 1}), run with ▶ Run experiment`,
      );
      continue;
    }
    if (s.type === 'sweep') sweeps.push(s);
    if (s.type !== 'assign') continue;
    const name = s.name.name;
    if (PROBLEM_ONLY.has(name) || !known.includes(name)) {
      report(
        s.name.span,
        PROBLEM_ONLY.has(name)
          ? `${name} applies to problem files, not experiments`
          : `Unknown experiment setting '${name}'${hint(name, known)}`,
      );
      continue;
    }
    const prev = assigns.get(name);
    if (prev) report(s.name.span, `${name} is assigned twice (first on line ${prev.span.start.line + 1})`);
    else assigns.set(name, s);
  }

  /** The file's numbers: each setting's value, else its default (also when it is wrong: then reported, and the file fails). */
  const numbers: Numbers = {};
  let failed = false;
  for (const info of SWEEPABLE) {
    const s = assigns.get(info.name);
    const v = s && readSetting(info, s.value, report);
    if (s && v === undefined) failed = true;
    const value = overrides?.get(info.name) ?? v ?? info.default;
    if (value !== undefined) numbers[info.name] = value;
  }
  /** The word a choice is set to, its default when left out, or undefined after reporting a wrong value. */
  const choice = <V extends string>(c: ChoiceSetting<V>): V | undefined => {
    const e = assigns.get(c.name)?.value;
    if (!e) return c.values[0];
    if (e.type === 'invalid') return undefined;
    const word = e.type === 'call' ? c.values.find((v) => v === e.callee.name) : undefined;
    if (word && e.type === 'call' && !e.hasParens) return word;
    if (word) report(e.span, `${c.name} is a bare word: write ${c.name} = ${word}`);
    else {
      const what = e.type === 'call' ? `'${e.callee.name}${e.hasParens ? '(…)' : ''}'` : e.type === 'number' ? e.text : 'a literal';
      report(e.span, `${c.name} must be ${c.values.join(' or ')}, not ${what}${e.type === 'call' ? hint(e.callee.name, c.values) : ''}`);
    }
    return undefined;
  };
  const labels = choice(LABELS);
  const readout = choice(READOUT);

  /** A distribution as written, null when left out (its default may depend on d), undefined after reporting a mistake. */
  const dist = (name: 'words' | 'xstar'): Distribution | null | undefined => {
    const s = assigns.get(name);
    if (!s) return null;
    const e = s.value;
    if (e.type === 'invalid') return undefined;
    if (e.type !== 'call' || (e.callee.name !== 'normal' && e.callee.name !== 'uniform')) {
      const what = e.type === 'call' ? `'${e.callee.name}'` : 'a fixed value';
      const near = e.type === 'call' ? hint(e.callee.name, ['normal', 'uniform']) : '';
      report(
        e.span,
        `${name} must be a distribution, normal(scale, mean) or uniform(low, high), drawn afresh for every task, not ${what}${near}`,
      );
      return undefined;
    }
    const gen = GENERATORS.find((g) => g.name === e.callee.name)!;
    const p = callParams(e, gen.params, (span, message) => report(span, message));
    if (!p) return undefined;
    if (gen.name === 'normal') return { kind: 'normal', scale: p.scale, mean: p.mean };
    if (!(p.high > p.low)) {
      report(e.span, `uniform needs low < high (got low = ${p.low}, high = ${p.high})`);
      return undefined;
    }
    return { kind: 'uniform', low: p.low, high: p.high };
  };
  const words = dist('words');
  const xstar = dist('xstar');

  const sweep = sweeps.length ? readSweep(sweeps, first, assigns, report) : undefined;
  /** The numbers of each run: the file's, or one per point of the sweep with the swept setting replaced. */
  const runs: { numbers: Numbers; at?: { span: Span; what: string } }[] = sweep?.values
    ? sweep.values.map((v) => ({ numbers: { ...numbers, [sweep.name]: v.value }, at: { span: v.span, what: `${sweep.name} = ${v.text}` } }))
    : [{ numbers }];
  // Limits that depend on several settings, checked for every run. A failure the swept setting takes part in is
  // reported at its value; any other once, where the file sets what fails.
  const reported = new Set<string>();
  const invalid = failed;
  for (const run of runs) {
    for (const p of limitProblems(withDerived(run.numbers))) {
      if (invalid && p.needsValid) continue;
      failed = true;
      if (run.at && p.inputs.includes(sweep!.name)) report(run.at.span, `At ${run.at.what}: ${p.message}`);
      else if (!reported.has(p.message)) {
        reported.add(p.message);
        report((p.anchors.map((name) => assigns.get(name)).find((s) => s !== undefined) ?? first).span, p.message);
      }
    }
  }

  const ok = !failed && words !== undefined && xstar !== undefined && labels && readout && !diags.some((d) => d.severity === 'error');
  const settingsOf = (n: Numbers): IclSettings => {
    const all = withDerived(n);
    return {
      n: all.n,
      d: all.d,
      seed: all.seed,
      // The default words are a_i ~ N(0, I/d): their scale follows d.
      words: words ?? { kind: 'normal', scale: 1 / Math.sqrt(all.d), mean: 0 },
      xstar: xstar ?? { kind: 'normal', scale: 1, mean: 0 },
      heads: all.heads,
      k: all.k,
      lr: all.lr,
      beta1: all.beta1,
      beta2: all.beta2,
      eps: all.eps,
      labels: labels!,
      readout: readout!,
      batch: all.batch,
      steps: all.steps,
      every: all.every,
      tasks: all.tasks,
      etatasks: all.etatasks,
      etamin: all.etamin,
      etamax: all.etamax,
      etacount: all.etacount,
      repeats: all.repeats,
      float32: all.float32,
    };
  };
  const settings = ok ? settingsOf(numbers) : undefined;
  const sweepInfo: ExperimentAnalysis['sweep'] = sweep && {
    line: sweep.line,
    ...(ok && sweep.values
      ? {
          run: { sweep: { setting: sweep.name, values: sweep.values.map((v) => v.value) }, points: runs.map((r) => settingsOf(r.numbers)) },
        }
      : {}),
  };
  return {
    file: 'experiment',
    tree,
    diagnostics: diags,
    line: first.span.start.line,
    settings,
    ...(sweepInfo ? { sweep: sweepInfo } : {}),
  };
}

/** Settings of problem files that have no meaning in an experiment. */
const PROBLEM_ONLY = new Set<string>(['reg', 'layers']);

/** The numbers with those that default from others filled in: k = d + 1 unless the file sets (or the sweep varies) k. */
function withDerived(n: Numbers): Numbers {
  return n.k === undefined ? { ...n, k: n.d + 1 } : n;
}

/**
 * What is wrong with a run's numbers as a whole: the settings each check reads (`inputs`), the assignments to point
 * at (first present wins), and whether it only makes sense when every single setting was valid.
 */
function limitProblems(s: Numbers): { inputs: string[]; anchors: string[]; message: string; needsValid: boolean }[] {
  const out: { inputs: string[]; anchors: string[]; message: string; needsValid: boolean }[] = [];
  if (s.etacount > 1 && !(s.etamin < s.etamax)) {
    out.push({
      inputs: ['etacount', 'etamin', 'etamax'],
      anchors: ['etamax', 'etamin'],
      message: `The η grid needs etamin < etamax (got ${s.etamin} and ${s.etamax}); use etacount = 1 for a single η`,
      needsValid: false,
    });
  }
  const bytes = experimentBytes(s);
  if (bytes > EXPERIMENT_MAX_BYTES) {
    const message = `Experiment too large: about ${gib(bytes)} per run (the ${s.tasks} held-out tasks are kept, each (n+1)×d = ${(s.n + 1).toLocaleString('en')}×${s.d.toLocaleString('en')} doubles, and per head the layer's (d+1)×d products), above the limit ${gib(EXPERIMENT_MAX_BYTES)}; lower n, d, heads or tasks`;
    out.push({
      inputs: ['n', 'd', 'k', 'heads', 'tasks', 'etatasks', 'etacount', 'float32'],
      // Point at what weighs most: the held-out tasks, or the heads' d×d products.
      anchors: 8 * contractedDoubles(s) > bytes / 2 ? ['heads', 'd', 'k'] : ['tasks', 'n', 'd'],
      message,
      needsValid: true,
    });
  }
  return out;
}

/**
 * The file's sweep line: its setting and values, each checked with the setting's own rule at its place; `values` is
 * undefined when any is wrong (every mistake reported). Only the first sweep line counts.
 */
function readSweep(
  stmts: SweepStmt[],
  experiment: ExperimentStmt,
  assigns: Map<string, AssignStmt>,
  report: (span: Span, message: string, severity?: Severity) => void,
): { line: number; name: string; values?: { value: number; text: string; span: Span }[] } {
  const [stmt, ...extra] = stmts;
  for (const s of extra) report(s.span, `Only one sweep per file (the first is on line ${stmt.span.start.line + 1})`);
  const line = stmt.span.start.line;
  const name = stmt.setting.name;
  const fail = () => ({ line, name });
  if (line < experiment.span.start.line) {
    report(stmt.span, `sweep must come after the experiment line (line ${experiment.span.start.line + 1})`);
    return fail();
  }
  const info = SWEEPABLE.find((s) => s.name === name);
  if (!info) {
    const numeric = SWEEPABLE.map((s) => s.name);
    const choice = EXPERIMENT_CHOICES.find((c) => c.name === name);
    let why: string;
    if (choice) why = `${name} is ${choice.values.join(' or ')}, not a number: a sweep varies a numeric setting (write one file per value)`;
    else if (EXPERIMENT_DATA.some((d) => d.name === name))
      why = `${name} is a distribution, not a number: a sweep varies a numeric setting (e.g. sweep d = 5, 10, 20)`;
    else if (PROBLEM_ONLY.has(name)) why = `${name} applies to problem files, not experiments`;
    else why = `Unknown experiment setting '${name}'${hint(name, numeric)}`;
    report(stmt.setting.span, why);
    return fail();
  }
  if (stmt.values.length === 0) {
    report(stmt.span, `sweep ${name} has no values: write sweep ${name} = v1, v2, …`);
    return fail();
  }
  let ok = true;
  const values: { value: number; text: string; span: Span }[] = [];
  /** Each value's first place in the list (1-based), for the duplicate's message. */
  const seen = new Map<number, number>();
  // Values past the limit never run: one error covers them, however many there are.
  stmt.values.slice(0, MAX_SWEEP_POINTS).forEach((e, i) => {
    const v = readSetting(info, e, report);
    if (v === undefined || e.type !== 'number') {
      ok = false;
      return;
    }
    const firstAt = seen.get(v);
    if (firstAt !== undefined) {
      report(e.span, `${name} = ${e.text} is in the sweep twice (first as value ${firstAt})`);
      ok = false;
      return;
    }
    seen.set(v, i + 1);
    values.push({ value: v, text: e.text, span: e.span });
  });
  if (stmt.values.length > MAX_SWEEP_POINTS) {
    const over = stmt.values.slice(MAX_SWEEP_POINTS);
    report(
      { start: over[0].span.start, end: over[over.length - 1].span.end },
      `A sweep runs at most ${MAX_SWEEP_POINTS} points; this one has ${stmt.values.length.toLocaleString('en')} (split it over several files)`,
    );
    ok = false;
  }
  const written = assigns.get(name);
  if (written) report(written.span, `This ${name} is not used: the sweep on line ${line + 1} sets ${name} at every point`, 'warning');
  return ok ? { line, name, values } : fail();
}

/** Memory one run may take (a worker per run); beyond it a run would exhaust the worker's heap. */
export const EXPERIMENT_MAX_BYTES = 2 ** 30;

/**
 * Doubles an experiment keeps at once, × 8 bytes: the held-out tasks (words and targets, kept for every checkpoint),
 * the GD sensitivities, a training task buffer, the η-selection scores, the layer with Adam's two moments, and the
 * contracted layer's per head M_h and its batch gradient (D×d each, D = d + 1: with a small k these outweigh the
 * weights), which a float32 run also keeps as a padded float32 copy and padded float64 sums.
 */
export function experimentBytes(s: Record<string, number>): number {
  const task = (s.n + 1) * (s.d + 1);
  const layer = 4 * s.heads * s.k * (s.d + 1);
  return 8 * ((s.tasks + 1) * task + s.tasks * s.d + s.etatasks * (s.etacount + 1) + 3 * layer + contractedDoubles(s));
}

/** The contracted layer's buffers in doubles (experimentBytes). */
function contractedDoubles(s: Record<string, number>): number {
  const D = s.d + 1,
    padded = 4 * Math.ceil(s.d / 4);
  return s.heads * (2 * D * s.d + (s.float32 ? (4 * Math.ceil(D / 4) * padded) / 2 + D * padded : 0));
}

const gib = (bytes: number) =>
  bytes >= 2 ** 30
    ? `${(bytes / 2 ** 30).toLocaleString('en', { maximumFractionDigits: 1 })} GiB`
    : `${(bytes / 2 ** 20).toLocaleString('en', { maximumFractionDigits: 0 })} MiB`;
