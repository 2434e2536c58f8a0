/**
 * Hover: documentation for keywords, generators, methods, options and checks; shape and norms for data; the last
 * bound results on a `check bounds` line.
 */
import type { Hover } from 'vscode-languageserver/node';
import type { Analysis } from '../language/analyze';
import type { Span } from '../language/syntax';
import type { IclSettings } from '../../../protocol/experiment';
import { CHECKS, DATA, EXPERIMENT_DATA, EXPERIMENT_KINDS, EXPERIMENT_SETTINGS, EXPERIMENT_SHARED_DOCS, GENERATORS, KEYWORDS, PROBLEM_KINDS, SETTINGS, VARIANTS } from '../language/vocabulary';
import { spectralNorm } from '../math/spectral';
import type { Matrix } from '../problem';
import { METHODS } from '../solver/methods';
import { boundsHoverText, type BoundsDigest } from './boundsHover';
import { contains, toRange } from './convert';

/** Largest matrix whose spectral norm is computed on hover (SVD cost grows fast; hovers must stay instant). */
const SVD_MAX_ENTRIES = 250_000;

/** `bounds`: the document's last bound results and its current version, for the `check bounds` hover. */
export function hoverAt(a: Analysis, line: number, col: number, bounds?: { digest?: BoundsDigest; version: number }): Hover | null {
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
        if (info && contains(o.span, line, col)) return md(`\`${info.name}\` — ${info.doc} Default ${info.default}.`, o.span);
      }
    } else if (s.type === 'check') {
      const check = CHECKS.find((c) => c.name === s.name.name);
      if (!check) return contains(s.keyword.span, line, col) ? md(KEYWORDS.check, s.keyword.span) : null;
      const last = check.name === 'bounds' && bounds ? `\n\n---\n\n${boundsHoverText(bounds.digest, bounds.version)}` : '';
      return md(`**check ${check.name}** — ${check.doc}${last}`, s.span);
    } else if (s.type === 'experiment') {
      if (contains(s.keyword.span, line, col)) return md(`${KEYWORDS.experiment}${a.experiment?.settings ? `\n\n${experimentWork(a.experiment.settings)}` : ''}`, s.keyword.span);
      const kind = EXPERIMENT_KINDS.find((k) => k.name === s.kind.name);
      if (kind && contains(s.kind.span, line, col)) return md(`**${kind.name}** — ${kind.doc}`, s.kind.span);
    } else {
      if (a.experiment && contains(s.name.span, line, col)) {
        const name = s.name.name;
        const doc = name in EXPERIMENT_SHARED_DOCS ? EXPERIMENT_SHARED_DOCS[name as keyof typeof EXPERIMENT_SHARED_DOCS] : undefined;
        const setting = EXPERIMENT_SETTINGS.find((x) => x.name === name);
        const dist = EXPERIMENT_DATA.find((x) => x.name === name);
        const text = doc ?? (setting ? `${setting.doc} Default ${setting.default}.` : dist?.doc);
        if (text) return md(`**${name}** — ${text}`, s.name.span);
      }
      if (!a.experiment && contains(s.name.span, line, col)) {
        const setting = SETTINGS.find((x) => x.name === s.name.name);
        if (setting) return md(`**${setting.name}** — ${setting.doc}`, s.name.span);
        const info = [...DATA.attention, ...DATA.softmax].find((x) => x.name === s.name.name);
        const value = a.values.get(s.name.name);
        if (info) return md(`**${info.name}** — ${info.doc}${value ? `\n\n${describeMatrix(value.matrix, info.vector)}` : ''}`, s.name.span);
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

/** Shape, norms, range and (for square-ish targets) whether rows are distributions. */
export function describeMatrix(m: Matrix, vector: boolean): string {
  let fro = 0, min = Infinity, max = -Infinity;
  for (const v of m.data) {
    fro += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const rows: string[] = [];
  rows.push(`| shape | ${vector ? `vector, length ${m.rows}` : `${m.rows}×${m.cols}`} |`);
  if (vector) rows.push(`| ‖·‖₂ | ${fmt(Math.sqrt(fro))} |`);
  else {
    rows.push(`| ‖·‖ (spectral) | ${m.data.length <= SVD_MAX_ENTRIES ? fmt(spectralNorm(m)) : 'not computed (large)'} |`);
    rows.push(`| ‖·‖_F | ${fmt(Math.sqrt(fro))} |`);
  }
  rows.push(`| min / max | ${fmt(min)} / ${fmt(max)} |`);
  const rowLen = vector ? m.rows : m.cols;
  let allSimplex = min >= 0;
  for (let i = 0; allSimplex && i < m.data.length; i += rowLen) {
    let s = 0;
    for (let j = 0; j < rowLen; j++) s += m.data[i + j];
    allSimplex = Math.abs(s - 1) <= 1e-9;
  }
  rows.push(`| ${vector ? 'a distribution' : 'rows are distributions'} | ${allSimplex ? 'yes' : 'no'} |`);
  return `| | |\n|---|---|\n${rows.join('\n')}`;
}

function fmt(x: number): string {
  return Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(3) : x.toFixed(4);
}

/** How much an experiment trains and evaluates, so the user sees the cost before pressing Run. */
function experimentWork(s: IclSettings): string {
  const count = (x: number) => x.toLocaleString('en');
  const checkpoints = Math.floor(s.steps / s.every) + 1 + (s.steps % s.every ? 1 : 0);
  return [
    `**This file:** ${count(s.repeats)} repeat${s.repeats === 1 ? '' : 's'} × ${count(s.steps)} Adam steps × ${count(s.batch)} tasks = ${count(s.repeats * s.steps * s.batch)} training tasks`,
    `of ${s.n} words in R^${s.d}, ${s.heads} head${s.heads === 1 ? '' : 's'} of size ${s.k};`,
    `${checkpoints} checkpoints on ${count(s.tasks)} held-out tasks; η from ${s.etacount} values in [${s.etamin}, ${s.etamax}] on ${count(s.etatasks)} tasks.`,
  ].join(' ');
}
