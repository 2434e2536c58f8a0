/**
 * Hover: documentation for keywords, generators, methods, options and checks; shape and norms for data; the last
 * bound results on a `check bounds` line.
 */
import type { Hover } from 'vscode-languageserver/node';
import type { Span } from '../language/syntax';
import type { IclSettings, IclSweep } from '../../../protocol/experiment';
import { EXPERIMENT_CHOICES, SWEEPABLE, type ChoiceSetting } from '../language/experiment';
import {
  CHECKS,
  DATA,
  EXPERIMENT_DATA,
  EXPERIMENT_KINDS,
  GENERATORS,
  KEYWORDS,
  PROBLEM_KINDS,
  SETTINGS,
  VARIANTS,
} from '../language/vocabulary';
import { settingDoc } from '../language/settings';
import { matrixStats, type MatrixStats } from '../math/matrixStats';
import { spectralNorm } from '../math/spectral';
import type { Matrix } from '../problem';
import { METHODS } from '../language/methods';
import type { DocumentAnalysis } from './analyses';
import { boundsHoverText, type BoundsDigest } from './boundsHover';
import { contains, toRange } from './convert';

/**
 * `bounds`: the document's last bound results and its current version, for the `check bounds` hover. A data name shows
 * its statistics from the worker, or computed here for an analysis made in this thread, or "computing…" before the
 * numbers of this version arrive.
 */
export function hoverAt(a: DocumentAnalysis, line: number, col: number, bounds?: { digest?: BoundsDigest; version: number }): Hover | null {
  const md = (value: string, span: Span): Hover => ({ contents: { kind: 'markdown', value }, range: toRange(span) });
  for (const s of a.tree.statements) {
    if (!contains(s.span, line, col)) continue;
    if (s.type === 'problem') {
      if (contains(s.keyword.span, line, col)) return md(KEYWORDS.problem, s.keyword.span);
      const kind = s.kind && contains(s.kind.span, line, col) ? PROBLEM_KINDS.find((k) => k.name === s.kind!.name) : undefined;
      if (kind) return md(`**${kind.name}** — ${kind.doc}`, s.kind!.span);
      const variant = s.variant && contains(s.variant.span, line, col) ? VARIANTS.find((v) => v.name === s.variant!.name) : undefined;
      if (variant) return md(`**${variant.name}** — ${variant.doc}`, s.variant!.span);
    } else if (s.type === 'solve') {
      const method = s.method ? METHODS[s.method.name as keyof typeof METHODS] : undefined;
      if (contains(s.keyword.span, line, col)) return md(KEYWORDS.solve, s.keyword.span);
      if (method && s.method && contains(s.method.span, line, col)) {
        const opts = method.options.map((o) => `- \`${o.name}\` (default ${o.default}): ${o.doc}`).join('\n');
        return md(`**${method.title}**\n\n${method.doc}\n\n${opts}`, s.method.span);
      }
      for (const o of s.options) {
        const info = method?.options.find((x) => x.name === o.name.name);
        if (info && contains(o.span, line, col)) return md(`\`${info.name}\` — ${settingDoc(info)}`, o.span);
      }
    } else if (s.type === 'check') {
      const check = CHECKS.find((c) => c.name === s.name.name);
      if (!check) return contains(s.keyword.span, line, col) ? md(KEYWORDS.check, s.keyword.span) : null;
      const last = check.name === 'bounds' && bounds ? `\n\n---\n\n${boundsHoverText(bounds.digest, bounds.version)}` : '';
      return md(`**check ${check.name}** — ${check.doc}${last}`, s.span);
    } else if (s.type === 'experiment') {
      if (contains(s.keyword.span, line, col)) {
        const work =
          a.file !== 'experiment'
            ? undefined
            : a.sweep
              ? a.sweep.run && sweepWork(a.sweep.run)
              : a.settings && `**This file:** ${experimentWork(a.settings)}`;
        return md(`${KEYWORDS.experiment}${work ? `\n\n${work}` : ''}`, s.keyword.span);
      }
      const kind = EXPERIMENT_KINDS.find((k) => k.name === s.kind.name);
      if (kind && contains(s.kind.span, line, col)) return md(`**${kind.name}** — ${kind.doc}`, s.kind.span);
    } else if (s.type === 'sweep') {
      const run = a.file === 'experiment' ? a.sweep?.run : undefined;
      if (contains(s.keyword.span, line, col)) return md(`${KEYWORDS.sweep}${run ? `\n\n${sweepWork(run)}` : ''}`, s.keyword.span);
      const text = experimentSettingDoc(s.setting.name);
      if (text && contains(s.setting.span, line, col)) return md(`**${s.setting.name}** — ${text}`, s.setting.span);
      const point = s.values.findIndex((v) => contains(v.span, line, col));
      if (run && point >= 0)
        return md(
          `**Point ${point + 1} of ${run.points.length}** (${s.setting.name} = ${run.sweep.values[point]}): ${experimentWork(run.points[point])}`,
          s.values[point].span,
        );
    } else {
      if (a.file === 'experiment' && contains(s.name.span, line, col)) {
        const text = experimentSettingDoc(s.name.name);
        if (text) return md(`**${s.name.name}** — ${text}`, s.name.span);
      }
      const choice =
        a.file === 'experiment' && s.value.type === 'call' && contains(s.value.span, line, col)
          ? EXPERIMENT_CHOICES.find((c) => c.name === s.name.name)
          : undefined;
      if (choice && s.value.type === 'call' && choice.values.includes(s.value.callee.name))
        return md(`**${s.name.name} = ${s.value.callee.name}** — ${choiceDoc(choice)}`, s.value.span);
      if (a.file === 'problem' && contains(s.name.span, line, col)) {
        const setting = SETTINGS.find((x) => x.name === s.name.name);
        if (setting) return md(`**${setting.name}** — ${settingDoc(setting)}`, s.name.span);
        const info = [...DATA.attention, ...DATA.softmax].find((x) => x.name === s.name.name);
        if (info) {
          const stats = a.stats?.get(info.name);
          const value = a.values.get(info.name);
          const shape = a.shapes.get(info.name);
          const numbers = stats
            ? describeStats(stats, info.vector)
            : value
              ? describeMatrix(value.matrix, info.vector)
              : shape && !a.built
                ? describePending(shape, info.vector)
                : undefined;
          return md(`**${info.name}** — ${info.doc}${numbers ? `\n\n${numbers}` : ''}`, s.name.span);
        }
      }
      const callee = s.value.type === 'call' ? s.value.callee : undefined;
      const gen = callee && contains(callee.span, line, col) ? GENERATORS.find((g) => g.name === callee.name) : undefined;
      if (gen && callee) {
        const params = gen.params.map((p) => `- \`${p.name}\` (default ${p.default}): ${p.doc}`).join('\n');
        return md(`**${gen.name}** — ${gen.doc}${params ? `\n\n${params}` : ''}`, callee.span);
      }
    }
  }
  return null;
}

/** describeMatrix's text by matrix: a matrix belongs to one analysis, so each is described (one SVD) once per version. */
const described = new WeakMap<Matrix, string>();

/** Shape, norms, range and whether rows are distributions, the spectral norm included (an analysis made in this thread). */
export function describeMatrix(m: Matrix, vector: boolean): string {
  let text = described.get(m);
  if (text === undefined) {
    const stats = matrixStats(m, vector);
    text = describeStats(stats.spectral === undefined ? { ...stats, spectral: spectralNorm(m) } : stats, vector);
    described.set(m, text);
  }
  return text;
}

function describeStats(s: MatrixStats, vector: boolean): string {
  const spectral = s.spectral === undefined ? 'computing…' : typeof s.spectral === 'number' ? fmt(s.spectral) : s.spectral;
  return table([
    shapeRow(s, vector),
    ...(vector ? [`| ‖·‖₂ | ${fmt(s.fro)} |`] : [`| ‖·‖ (spectral) | ${spectral} |`, `| ‖·‖_F | ${fmt(s.fro)} |`]),
    `| min / max | ${fmt(s.min)} / ${fmt(s.max)} |`,
    `| ${vector ? 'a distribution' : 'rows are distributions'} | ${s.distributions ? 'yes' : 'no'} |`,
  ]);
}

/** A value checked but not built yet: its shape, and that its numbers are on the way. */
function describePending(shape: { rows: number; cols: number }, vector: boolean): string {
  return table([shapeRow(shape, vector), '| norms | computing… |']);
}

const shapeRow = (s: { rows: number; cols: number }, vector: boolean) =>
  `| shape | ${vector ? `vector, length ${s.rows}` : `${s.rows}×${s.cols}`} |`;
const table = (rows: string[]) => `| | |\n|---|---|\n${rows.join('\n')}`;

function fmt(x: number): string {
  return Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(3) : x.toFixed(4);
}

/** An experiment setting's documentation with its default (numeric settings, choices and distributions alike). */
function experimentSettingDoc(name: string): string | undefined {
  const numeric = SWEEPABLE.find((x) => x.name === name);
  if (numeric) return settingDoc(numeric);
  const choice = EXPERIMENT_CHOICES.find((c) => c.name === name);
  return choice ? choiceDoc(choice) : EXPERIMENT_DATA.find((x) => x.name === name)?.doc;
}

const choiceDoc = (c: ChoiceSetting) => `${c.doc} One of ${c.values.join(', ')}; default ${c.values[0]}.`;

/** A sweep's total work, then its points'. */
function sweepWork(run: { sweep: IclSweep; points: IclSettings[] }): string {
  const tasks = run.points.reduce((sum, s) => sum + s.repeats * s.steps * s.batch, 0);
  return `**This sweep:** ${run.points.length} point${run.points.length === 1 ? '' : 's'}, ${run.sweep.setting} = ${run.sweep.values.join(', ')}, run one after the other: ${tasks.toLocaleString('en')} training tasks in all. Hover a value for its point.`;
}

/** How much an experiment trains and evaluates, so the user sees the cost before pressing Run. */
function experimentWork(s: IclSettings): string {
  const count = (x: number) => x.toLocaleString('en');
  const checkpoints = Math.floor(s.steps / s.every) + 1 + (s.steps % s.every ? 1 : 0);
  return [
    `${count(s.repeats)} repeat${s.repeats === 1 ? '' : 's'} × ${count(s.steps)} Adam steps × ${count(s.batch)} tasks = ${count(s.repeats * s.steps * s.batch)} training tasks`,
    `of ${s.n} words in R^${s.d}, ${s.heads} head${s.heads === 1 ? '' : 's'} of size ${s.k};`,
    `${checkpoints} checkpoints on ${count(s.tasks)} held-out tasks; η from ${s.etacount} values in [${s.etamin}, ${s.etamax}] on ${count(s.etatasks)} tasks.`,
  ].join(' ');
}
