/**
 * Completion from the text before the cursor: statements at a line start, kinds and variants after `problem`,
 * methods and their unused options after `solve`, check names after `check`, an experiment's settings and sweep, generators and references after
 * `NAME =`, parameters inside a generator's parentheses. Items come from the vocabulary and method tables, with
 * snippets.
 */
import { CompletionItemKind, InsertTextFormat, type CompletionItem } from 'vscode-languageserver/node';
import type { MethodName } from '../../../protocol/results';
import type { Analysis, ExperimentAnalysis } from '../language/analyze';
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
import { EXPERIMENT_CHOICES, SWEEPABLE } from '../language/experiment';
import { METHODS, METHOD_NAMES } from '../language/methods';
import { settingDoc } from '../language/settings';

const md = (value: string) => ({ kind: 'markdown' as const, value });

export function completions(a: Analysis, lineText: string): CompletionItem[] {
  const before = lineText.replace(/#.*$/, '');
  const kind = a.file === 'problem' ? a.kind : undefined;
  let m: RegExpMatchArray | null;
  if ((m = before.match(/^\s*problem\s+(\w+)\s+\w*$/)))
    return VARIANTS.map((v) => ({ label: v.name, kind: CompletionItemKind.EnumMember, documentation: md(v.doc) }));
  if (/^\s*problem\s+\w*$/.test(before))
    return PROBLEM_KINDS.map((k) => ({ label: k.name, kind: CompletionItemKind.Enum, documentation: md(k.doc) }));
  if (/^\s*experiment\s+\w*$/.test(before))
    return EXPERIMENT_KINDS.map((k) => ({ label: k.name, kind: CompletionItemKind.Enum, documentation: md(k.doc) }));
  if (/^\s*check\s+\w*$/.test(before))
    return CHECKS.map((c) => ({ label: c.name, kind: CompletionItemKind.EnumMember, documentation: md(c.doc) }));
  if (/^\s*solve\s+\w*$/.test(before))
    return METHOD_NAMES.map((name) => ({
      label: name,
      kind: CompletionItemKind.Function,
      detail: METHODS[name].title,
      documentation: md(METHODS[name].doc),
    }));
  if ((m = before.match(/^\s*solve\s+(\w+)\s(.*)$/))) {
    const method = METHODS[m[1] as MethodName];
    if (!method || /=\s*[^\s,]*$/.test(m[2])) return [];
    const used = new Set([...m[2].matchAll(/(\w+)\s*=/g)].map((x) => x[1]));
    return method.options
      .filter((o) => !used.has(o.name))
      .map((o) => ({
        label: o.name,
        kind: CompletionItemKind.Property,
        detail: `default ${o.default}`,
        documentation: md(o.doc),
        insertText: `${o.name} = \${1:${o.default}}`,
        insertTextFormat: InsertTextFormat.Snippet,
      }));
  }
  if ((m = before.match(/(\w+)\s*\(([^()]*)$/))) {
    const gen = GENERATORS.find((g) => g.name === m![1]);
    if (!gen) return [];
    if (gen.name === 'planted') {
      return ['Xstar', 'xstar']
        .filter((n) => !kind || DATA[kind].some((d) => d.name === n))
        .map((n) => ({ label: n, kind: CompletionItemKind.Variable }));
    }
    const used = new Set([...m[2].matchAll(/(\w+)\s*=/g)].map((x) => x[1]));
    return gen.params
      .filter((p) => !used.has(p.name))
      .map((p) => ({
        label: p.name,
        kind: CompletionItemKind.Property,
        documentation: md(p.doc),
        insertText: `${p.name} = \${1:${p.default}}`,
        insertTextFormat: InsertTextFormat.Snippet,
      }));
  }
  if (a.file === 'experiment') return experimentCompletions(a, before);
  if ((m = before.match(/^\s*(\w+)\s*=\s*\w*$/))) {
    const target = m[1];
    if (SETTINGS.some((s) => s.name === target)) return [];
    const refs = (kind ? DATA[kind] : []).filter((d) => d.name !== target && a.shapes.has(d.name));
    return [
      ...GENERATORS.map((g) => ({
        label: g.name,
        kind: CompletionItemKind.Function,
        documentation: md(g.doc),
        insertText: g.snippet,
        insertTextFormat: InsertTextFormat.Snippet,
      })),
      ...refs.map((d) => ({ label: d.name, kind: CompletionItemKind.Variable, detail: 'reference', documentation: md(d.doc) })),
      {
        label: '[ … ]',
        kind: CompletionItemKind.Snippet,
        detail: 'literal matrix',
        insertText: '[\n  ${1:0 0}\n  ${2:0 0}\n]',
        insertTextFormat: InsertTextFormat.Snippet,
        filterText: '[',
      },
    ];
  }
  if (/^\s*\w*$/.test(before)) {
    const assigned = new Set(a.tree.statements.flatMap((s) => (s.type === 'assign' ? [s.name.name] : [])));
    const hasProblem = a.tree.statements.some((s) => s.type === 'problem');
    const experiment = {
      label: 'experiment',
      kind: CompletionItemKind.Keyword,
      documentation: md(KEYWORDS.experiment),
      insertText: 'experiment icl\n',
      insertTextFormat: InsertTextFormat.PlainText,
    };
    const names = [...SETTINGS, ...(kind ? DATA[kind] : [])].filter((x) => !assigned.has(x.name));
    return [
      ...(hasProblem ? [] : [experiment]),
      ...(hasProblem
        ? []
        : [
            {
              label: 'problem',
              kind: CompletionItemKind.Keyword,
              documentation: md(KEYWORDS.problem),
              insertText: 'problem ${1|attention,softmax|} ${2|normalized,rescaled|}',
              insertTextFormat: InsertTextFormat.Snippet,
            },
          ]),
      {
        label: 'solve',
        kind: CompletionItemKind.Keyword,
        documentation: md(KEYWORDS.solve),
        insertText: 'solve ${1|gd,armijo,newton,lbfgs|} ',
        insertTextFormat: InsertTextFormat.Snippet,
      },
      {
        label: 'check',
        kind: CompletionItemKind.Keyword,
        documentation: md(KEYWORDS.check),
        insertText: `check \${1|${CHECKS.map((c) => c.name).join(',')}|}`,
        insertTextFormat: InsertTextFormat.Snippet,
      },
      ...names.map((x) => ({
        label: x.name,
        kind: CompletionItemKind.Variable,
        documentation: md(x.doc),
        insertText: `${x.name} = `,
        command: { title: 'suggest', command: 'editor.action.triggerSuggest' },
      })),
    ];
  }
  return [];
}

/**
 * In an experiment file: its settings (with defaults as snippets) and `sweep` at a line start, the numeric settings
 * after `sweep`, distributions after words/xstar =, the choices after labels/readout =.
 */
function experimentCompletions(a: ExperimentAnalysis, before: string): CompletionItem[] {
  if (/^\s*sweep\s+\w*$/.test(before)) {
    return SWEEPABLE.map((s) => ({
      label: s.name,
      kind: CompletionItemKind.Variable,
      documentation: md(settingDoc(s)),
      insertText: `${s.name} = `,
      command: { title: 'suggest', command: 'editor.action.triggerSuggest' },
    }));
  }
  const m = before.match(/^\s*(\w+)\s*=\s*\w*$/);
  if (m) {
    const choice = EXPERIMENT_CHOICES.find((c) => c.name === m[1]);
    if (choice)
      return choice.values.map((v, i) => ({
        label: v,
        kind: CompletionItemKind.EnumMember,
        detail: i === 0 ? 'default' : undefined,
        documentation: md(choice.doc),
      }));
    if (!EXPERIMENT_DATA.some((d) => d.name === m[1])) return [];
    return GENERATORS.filter((g) => g.name === 'normal' || g.name === 'uniform').map((g) => ({
      label: g.name,
      kind: CompletionItemKind.Function,
      documentation: md(g.doc),
      insertText: g.snippet,
      insertTextFormat: InsertTextFormat.Snippet,
    }));
  }
  if (!/^\s*\w*$/.test(before)) return [];
  const assigned = new Set(a.tree.statements.flatMap((s) => (s.type === 'assign' ? [s.name.name] : [])));
  const settings = SWEEPABLE.map((s) => ({ name: s.name, doc: s.doc, value: s.default === undefined ? undefined : String(s.default) }));
  const choices = EXPERIMENT_CHOICES.map((c) => ({ name: c.name, doc: c.doc, value: c.values[0] }));
  const dists = EXPERIMENT_DATA.map((d) => ({ name: d.name, doc: d.doc, value: undefined }));
  const sweep = a.sweep
    ? []
    : [
        {
          label: 'sweep',
          kind: CompletionItemKind.Keyword,
          documentation: md(KEYWORDS.sweep),
          insertText: `sweep \${1|${SWEEPABLE.map((s) => s.name).join(',')}|} = \${2:values}`,
          insertTextFormat: InsertTextFormat.Snippet,
        },
      ];
  return [
    ...[...settings, ...choices, ...dists]
      .filter((x) => !assigned.has(x.name))
      .map((x) => ({
        label: x.name,
        kind: CompletionItemKind.Variable,
        detail: x.value === undefined ? undefined : `default ${x.value}`,
        documentation: md(x.doc),
        insertText: x.value === undefined ? `${x.name} = ` : `${x.name} = \${1:${x.value}}`,
        insertTextFormat: InsertTextFormat.Snippet,
      })),
    ...sweep,
  ];
}
