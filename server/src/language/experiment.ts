/**
 * Semantic analysis of an experiment file (`experiment icl`): settings with ranges and defaults, the task
 * distributions, and errors for anything that belongs to problem files. Produces IclSettings only without errors.
 */
import type { Distribution, IclSettings } from '../../../protocol/experiment';
import type { Analysis } from './analyze';
import { callParams } from './params';
import type { AssignStmt, Diagnostic, ExperimentStmt, Severity, Span, SyntaxTree } from './syntax';
import { EXPERIMENT_DATA, EXPERIMENT_KINDS, EXPERIMENT_SETTINGS, type ExperimentSettingInfo, GENERATORS, hint, SETTINGS } from './vocabulary';

/** The settings an experiment shares with problem files, with the experiment's defaults (math spec §3.7). */
const SHARED = { n: 25, d: 20, seed: 0 } as const;
/** Sizes beyond these make a single task larger than any experiment of this kind needs (and than memory allows per batch). */
const MAX_N = 100_000;
const MAX_D = 4096;

export function analyzeExperiment(tree: SyntaxTree): Analysis {
  const diags: Diagnostic[] = [...tree.diagnostics];
  const report = (span: Span, message: string, severity: Severity = 'error') => diags.push({ span, severity, message });
  const heads = tree.statements.filter((s): s is ExperimentStmt => s.type === 'experiment');
  const first = heads[0];
  for (const extra of heads.slice(1)) report(extra.span, `Only one experiment per file (the first is on line ${first.span.start.line + 1})`);
  if (!EXPERIMENT_KINDS.some((k) => k.name === first.kind.name)) {
    report(first.kind.span, `Unknown experiment '${first.kind.name}'${hint(first.kind.name, EXPERIMENT_KINDS.map((k) => k.name), 'the experiment is icl')}`);
  }

  const known: string[] = [...SETTINGS.map((s) => s.name), ...EXPERIMENT_SETTINGS.map((s) => s.name), ...EXPERIMENT_DATA.map((d) => d.name)];
  const problemOnly = new Set<string>(['reg', 'layers']);
  const assigns = new Map<string, AssignStmt>();
  for (const s of tree.statements) {
    if (s.type === 'problem' || s.type === 'solve' || s.type === 'check') {
      report(s.span, `\`${s.type}\` belongs to problem files; this file is an experiment (line ${first.span.start.line + 1}), run with ▶ Run experiment`);
      continue;
    }
    if (s.type !== 'assign') continue;
    const name = s.name.name;
    if (problemOnly.has(name) || !known.includes(name)) {
      report(s.name.span, problemOnly.has(name) ? `${name} applies to problem files, not experiments` : `Unknown experiment setting '${name}'${hint(name, known)}`);
      continue;
    }
    const prev = assigns.get(name);
    if (prev) report(s.name.span, `${name} is assigned twice (first on line ${prev.span.start.line + 1})`);
    else assigns.set(name, s);
  }

  const numbers: Record<string, number> = {};
  let failed = false;
  /** Reads a setting into `numbers`: its value when valid, else the fallback (a bad value is reported and fails). */
  const read = (info: Range, fallback: number) => {
    numbers[info.name] = fallback;
    const s = assigns.get(info.name);
    if (!s) return;
    if (s.value.type !== 'number') {
      if (s.value.type !== 'invalid') report(s.value.span, `${info.name} must be a number`);
      failed = true;
      return;
    }
    const v = s.value.value;
    const problem = !Number.isFinite(v) ? `${s.value.text} is not a finite number` : outOfRange(info, v);
    if (problem) {
      report(s.value.span, problem);
      failed = true;
    } else numbers[info.name] = v;
  };
  read({ name: 'n', integer: true, min: 1, max: MAX_N }, SHARED.n);
  read({ name: 'd', integer: true, min: 1, max: MAX_D }, SHARED.d);
  read({ name: 'seed', integer: true, min: 0, max: Number.MAX_SAFE_INTEGER }, SHARED.seed);
  read({ name: 'k', integer: true, min: 1, max: MAX_D + 1 }, numbers.d + 1);
  for (const info of EXPERIMENT_SETTINGS) read(info, info.default);
  if (numbers.etacount > 1 && !(numbers.etamin < numbers.etamax)) {
    report((assigns.get('etamax') ?? assigns.get('etamin') ?? first).span, `The η grid needs etamin < etamax (got ${numbers.etamin} and ${numbers.etamax}); use etacount = 1 for a single η`);
    failed = true;
  }

  const dist = (name: 'words' | 'xstar', fallback: Distribution): Distribution | undefined => {
    const s = assigns.get(name);
    if (!s) return fallback;
    const e = s.value;
    if (e.type === 'invalid') return undefined;
    if (e.type !== 'call' || (e.callee.name !== 'normal' && e.callee.name !== 'uniform')) {
      const what = e.type === 'call' ? `'${e.callee.name}'` : 'a fixed value';
      const near = e.type === 'call' ? hint(e.callee.name, ['normal', 'uniform']) : '';
      report(e.span, `${name} must be a distribution, normal(scale, mean) or uniform(low, high), drawn afresh for every task, not ${what}${near}`);
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
  const bytes = experimentBytes(numbers);
  if (!failed && bytes > EXPERIMENT_MAX_BYTES) {
    report((assigns.get('tasks') ?? assigns.get('n') ?? assigns.get('d') ?? first).span, `Experiment too large: about ${gib(bytes)} per run (the ${numbers.tasks} held-out tasks are kept, each (n+1)×d = ${(numbers.n + 1).toLocaleString('en')}×${numbers.d.toLocaleString('en')} doubles), above the limit ${gib(EXPERIMENT_MAX_BYTES)}; lower n, d or tasks`);
    failed = true;
  }
  const words = dist('words', { kind: 'normal', scale: 1 / Math.sqrt(numbers.d), mean: 0 });
  const xstar = dist('xstar', { kind: 'normal', scale: 1, mean: 0 });

  const ok = !failed && words && xstar && !diags.some((d) => d.severity === 'error');
  const settings: IclSettings | undefined = ok
    ? {
        n: numbers.n,
        d: numbers.d,
        seed: numbers.seed,
        words,
        xstar,
        heads: numbers.heads,
        k: numbers.k,
        lr: numbers.lr,
        beta1: numbers.beta1,
        beta2: numbers.beta2,
        batch: numbers.batch,
        steps: numbers.steps,
        every: numbers.every,
        tasks: numbers.tasks,
        etatasks: numbers.etatasks,
        etamin: numbers.etamin,
        etamax: numbers.etamax,
        etacount: numbers.etacount,
        repeats: numbers.repeats,
      }
    : undefined;
  return {
    tree,
    diagnostics: diags,
    sizes: { n: numbers.n, d: numbers.d, seed: numbers.seed, reg: 0, k: numbers.k, layers: 1 },
    values: new Map(),
    built: true,
    shapes: new Map(),
    solves: [],
    solveStmts: [],
    checks: [],
    experiment: { line: first.span.start.line, settings },
  };
}

/** Memory one run may take (a worker per run); beyond it a run would exhaust the worker's heap. */
export const EXPERIMENT_MAX_BYTES = 2 ** 30;

/**
 * Doubles an experiment keeps at once, × 8 bytes: the held-out tasks (words and targets, kept for every checkpoint),
 * the GD sensitivities, a training task buffer, the η-selection scores, and the layer with Adam's two moments.
 */
export function experimentBytes(s: Record<string, number>): number {
  const task = (s.n + 1) * (s.d + 1);
  const layer = 4 * s.heads * s.k * (s.d + 1);
  return 8 * ((s.tasks + 1) * task + s.tasks * s.d + s.etatasks * (s.etacount + 1) + 3 * layer);
}

const gib = (bytes: number) => (bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toLocaleString('en', { maximumFractionDigits: 1 })} GiB` : `${(bytes / 2 ** 20).toLocaleString('en', { maximumFractionDigits: 0 })} MiB`);

/** A numeric setting's allowed values: whole or not, and its bounds (exclusive with `above` / `below`). */
type Range = Pick<ExperimentSettingInfo, 'integer' | 'min' | 'above' | 'max' | 'below'> & { name: string };

function outOfRange(info: Range, v: number): string | undefined {
  if (info.integer && !Number.isInteger(v)) return `${info.name} must be a whole number, not ${v}`;
  if (info.above ? v <= info.min : v < info.min) return `${info.name} must be ${info.above ? 'greater than' : 'at least'} ${info.min}, not ${v}`;
  if (info.max !== undefined && (info.below ? v >= info.max : v > info.max)) return `${info.name} must be ${info.below ? 'less than' : 'at most'} ${info.max}, not ${v}`;
  return undefined;
}
