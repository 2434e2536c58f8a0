/**
 * What changed between two solve runs of the same file, from what their `started` events say: the problem (kind,
 * variant, n, d, reg), its numbers (the server's fingerprint of the matrices, when both runs carry one) and the solve
 * blocks (method and the options as written), blocks matched by their index in the file. The panel names each run by
 * its changes from the previous run of its file ("lr 0.5 → 0.25", "+ block #2 lbfgs", "data changed", "same
 * settings") and lists every setting of two runs side by side (settingsDiff). Values print in full (String(v)).
 */
import type { BlockSpec, ProblemSummary } from '../protocol/results';

/** What a solve run's `started` event says of its settings. */
export interface RunSettings {
  problem: ProblemSummary;
  blocks: BlockSpec[];
  fingerprint?: string;
  /** The file's solve blocks when known: a run with fewer ran only some of them (one ▶ Solve above a block). */
  blocksInFile?: number;
}

/** One setting of two runs: `before` and `after` are absent where a run has no such setting (a block it did not run). */
export interface SettingRow {
  name: string;
  before?: string;
  after?: string;
  changed: boolean;
}

const PROBLEM_FIELDS = ['kind', 'variant', 'n', 'd', 'reg'] as const;

/** The changes from `before` to `after`, one short phrase each, problem first, then block by block; empty when none. */
export function runChanges(before: RunSettings, after: RunSettings): string[] {
  const out: string[] = [];
  for (const f of PROBLEM_FIELDS) {
    if (before.problem[f] !== after.problem[f]) out.push(`${f} ${String(before.problem[f])} → ${String(after.problem[f])}`);
  }
  if (before.fingerprint !== undefined && after.fingerprint !== undefined && before.fingerprint !== after.fingerprint)
    out.push('data changed');
  // With one block on each side, its options are named alone ("lr 0.5 → 0.25"); else with the block ("#2 lr …").
  const single = before.blocks.length === 1 && after.blocks.length === 1 && before.blocks[0].index === after.blocks[0].index;
  for (const index of blockIndices(before, after)) {
    const [a, b] = [blockAt(before, index), blockAt(after, index)];
    const name = `#${index + 1}`;
    if (!a) out.push(`+ block ${name} ${b!.label}`);
    else if (!b) out.push(`− block ${name} ${a.label}`);
    else if (a.method !== b.method) out.push(`${name} ${a.label} → ${b.label}`);
    else
      for (const key of optionKeys(a, b)) {
        if (a.options[key] === b.options[key]) continue;
        out.push(`${single ? '' : `${name} `}${key} ${optionText(a, key)} → ${optionText(b, key)}`);
      }
  }
  return out;
}

/** The changes as one line: "lr 0.5 → 0.25, steps 100 → 200"; "same settings" when none. */
export function changesText(changes: string[]): string {
  return changes.length ? changes.join(', ') : 'same settings';
}

/** Every setting of either run, problem first, then each block's method and options; `changed` where they differ. */
export function settingsDiff(before: RunSettings, after: RunSettings): SettingRow[] {
  const rows: SettingRow[] = PROBLEM_FIELDS.map((f) => row(f, String(before.problem[f]), String(after.problem[f])));
  if (before.fingerprint !== undefined || after.fingerprint !== undefined)
    rows.push(row('data (fingerprint)', before.fingerprint, after.fingerprint));
  for (const index of blockIndices(before, after)) {
    const [a, b] = [blockAt(before, index), blockAt(after, index)];
    rows.push(row(`#${index + 1} method`, a?.method, b?.method));
    for (const key of optionKeys(a, b)) rows.push(row(`#${index + 1} ${key}`, a && optionText(a, key), b && optionText(b, key)));
  }
  return rows;
}

function row(name: string, before: string | undefined, after: string | undefined): SettingRow {
  return { name, ...(before === undefined ? {} : { before }), ...(after === undefined ? {} : { after }), changed: before !== after };
}

/**
 * The blocks to compare, by index: those of either run; only those both ran when either ran part of its file (a
 * block the other did not run was not removed from the file, only not run).
 */
function blockIndices(a: RunSettings, b: RunSettings): number[] {
  const all = [...new Set([...a.blocks, ...b.blocks].map((x) => x.index))].sort((x, y) => x - y);
  if (!partial(a) && !partial(b)) return all;
  return all.filter((i) => blockAt(a, i) && blockAt(b, i));
}

function partial(s: RunSettings): boolean {
  return s.blocksInFile !== undefined && s.blocks.length < s.blocksInFile;
}

function blockAt(s: RunSettings, index: number): BlockSpec | undefined {
  return s.blocks.find((b) => b.index === index);
}

/** The options either block sets, sorted by name. */
function optionKeys(a: BlockSpec | undefined, b: BlockSpec | undefined): string[] {
  return [...new Set([...Object.keys(a?.options ?? {}), ...Object.keys(b?.options ?? {})])].sort();
}

/** An option as written, or "default" when the block leaves it to the method's default. */
function optionText(b: BlockSpec, key: string): string {
  return Object.hasOwn(b.options, key) ? String(b.options[key]) : 'default';
}
