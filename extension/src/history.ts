/**
 * The results history: the runs the panel shows, kept in memory for replay into a reopened panel, and the ended ones
 * saved so that they come back after a window reload. A saved run is the events the panel received, thinned
 * (historyThin.ts, through the kind's entry in runKinds.ts) so that the file stays small; a run still going is never
 * saved (its server is gone after a reload). The file is versioned and checked on read like any message to the panel.
 * No `vscode` import: unit-tested under Node.
 */
import { PANEL_RUNS } from '../../common/limits';
import { readToPanel } from '../../common/toPanel';
import type { RunEvent, RunKind } from '../../protocol/runs';
import type { ThinCaps } from './historyThin';
import { runKindUi } from './runKinds';

/** The file's format; a file of another version is set aside, not read. */
export const HISTORY_VERSION = 1;

export interface HistoryLimits {
  /** Runs kept, in memory and in the file (the panel shows as many). */
  runs: number;
  /** The file's size: older runs are dropped first to stay below it. */
  bytes: number;
  /** One run's size: a run above it is thinned harder (caps halved) until it fits, or not saved. */
  runBytes: number;
  caps: ThinCaps;
}

export const HISTORY_LIMITS: HistoryLimits = {
  runs: PANEL_RUNS,
  bytes: 4 * 1024 * 1024,
  runBytes: 1024 * 1024,
  caps: { points: 2000, boundSteps: 200, checkpoints: 500, matrixSide: 128 },
};

/** No series is thinned below this many samples to fit a run in `runBytes`; a run still too large is not saved. */
const MIN_CAP = 16;

export interface HistoryFile {
  version: typeof HISTORY_VERSION;
  savedAt: string;
  /** Oldest first; each run's events in the order the panel applies them, ending with `finished` or `failed`. */
  runs: RunEvent[][];
}

/**
 * The runs of a history file's text, or why it cannot be read: not JSON, another version, or a run whose events the
 * panel would refuse or that did not end.
 */
export function parseHistory(text: string): RunEvent[][] | { invalid: string } {
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch (e) {
    return { invalid: `not JSON (${e instanceof Error ? e.message : String(e)})` };
  }
  if (typeof file !== 'object' || file === null || Array.isArray(file)) return { invalid: 'not a history file' };
  const { version, runs } = file as Record<string, unknown>;
  if (version !== HISTORY_VERSION)
    return { invalid: `format version ${JSON.stringify(version)}; this version of the extension reads ${HISTORY_VERSION}` };
  if (!Array.isArray(runs)) return { invalid: 'no list of runs' };
  const parsed: RunEvent[][] = [];
  for (const [i, run] of runs.entries()) {
    const events = parseRun(run);
    if (!Array.isArray(events)) return { invalid: `run ${i + 1}: ${events.invalid}` };
    parsed.push(events);
  }
  return parsed;
}

/** One saved run: `started`, its progress, then `finished` or `failed` (or `failed` alone), all of one run. */
function parseRun(run: unknown): RunEvent[] | { invalid: string } {
  if (!Array.isArray(run) || run.length === 0) return { invalid: 'not a list of events' };
  const events: RunEvent[] = [];
  for (const raw of run) {
    const m = readToPanel(raw);
    if ('ignored' in m) return { invalid: `the panel would ignore an event: ${m.ignored}` };
    if (m.event === 'snapshot' || m.event === 'export')
      return { invalid: `${m.event === 'snapshot' ? 'a snapshot' : 'an export'} request among the events` };
    events.push(m);
  }
  const [first, last] = [events[0], events[events.length - 1]];
  if (events.some((e) => e.runId !== first.runId || e.kind !== first.kind)) return { invalid: 'events of different runs' };
  if (!isEnd(last)) return { invalid: `a run that did not end (last event: ${last.event})` };
  const middle = events.slice(1, -1);
  const shapeOk = first.event === 'started' ? middle.every((e) => e.event === 'progress') : events.length === 1 && first.event === 'failed';
  return shapeOk ? events : { invalid: 'events out of order' };
}

const isEnd = (e: RunEvent) => e.event === 'finished' || e.event === 'failed';

/** A run as the history holds it: its events, and once it ended, the JSON it is saved as (or that it is too large). */
interface HeldRun {
  events: RunEvent[];
  saved?: { json: string } | { tooLarge: true };
}

export class RunHistory {
  /** In arrival order, oldest first. */
  private readonly runs = new Map<string, HeldRun>();

  constructor(private readonly limits: HistoryLimits = HISTORY_LIMITS) {}

  /** Runs read from the file, before any of this session's (their events are already thinned). */
  restore(runs: RunEvent[][]) {
    for (const events of runs.slice(-this.limits.runs)) this.runs.set(events[0].runId, { events, saved: { json: JSON.stringify(events) } });
  }

  /**
   * Records an event the panel receives. When it ends its run: 'saved' (the file should be written), or 'tooLarge'
   * when even thinned to the floor the run exceeds `runBytes`; undefined while the run goes on.
   */
  record(e: RunEvent): 'saved' | 'tooLarge' | undefined {
    let run = this.runs.get(e.runId);
    if (!run) {
      // A run dropped as older than the last `runs`: as in the panel, only a start (or a failure before one) opens one.
      if (e.event !== 'started' && e.event !== 'failed') return undefined;
      run = { events: [] };
      this.runs.set(e.runId, run);
      while (this.runs.size > this.limits.runs) this.runs.delete(this.runs.keys().next().value!);
    }
    run.events.push(e);
    if (!isEnd(e)) return undefined;
    run.saved = savedForm(run.events, this.limits);
    return 'json' in run.saved ? 'saved' : 'tooLarge';
  }

  /** Every held event, oldest run first: what a new panel replays. */
  events(): RunEvent[] {
    return [...this.runs.values()].flatMap((r) => r.events);
  }

  /** Forgets the ended runs; runs still going stay (a new page replays what they sent, and they stream on). */
  clearEnded() {
    for (const [id, run] of this.runs) if (run.saved) this.runs.delete(id);
  }

  /** The file's text: the newest ended runs that fit the limits, oldest first. */
  serialize(savedAt: Date): string {
    const kept: string[] = [];
    let bytes = 0;
    for (const run of [...this.runs.values()].reverse()) {
      if (!run.saved || !('json' in run.saved)) continue;
      const size = utf8Length(run.saved.json) + 1;
      if (kept.length >= this.limits.runs || bytes + size > this.limits.bytes) break;
      kept.unshift(run.saved.json);
      bytes += size;
    }
    return `{"version":${HISTORY_VERSION},"savedAt":${JSON.stringify(savedAt.toISOString())},"runs":[${kept.join(',')}]}`;
  }
}

/** The run thinned to its kind's caps, halved until it fits `runBytes`. */
function savedForm(events: RunEvent[], limits: HistoryLimits): NonNullable<HeldRun['saved']> {
  for (let caps = limits.caps; ; caps = halve(caps)) {
    const json = JSON.stringify(thin(events, caps));
    if (utf8Length(json) <= limits.runBytes) return { json };
    if (Object.values(caps).every((c) => c <= MIN_CAP)) return { tooLarge: true };
  }
}

function halve(caps: ThinCaps): ThinCaps {
  return {
    points: Math.max(MIN_CAP, caps.points >> 1),
    boundSteps: Math.max(MIN_CAP, caps.boundSteps >> 1),
    checkpoints: Math.max(MIN_CAP, caps.checkpoints >> 1),
    matrixSide: Math.max(MIN_CAP, caps.matrixSide >> 1),
  };
}

/** The kind's thinning, with the kind of the events (all of one run) carried through. */
function thin<K extends RunKind>(events: RunEvent<K>[], caps: ThinCaps): RunEvent<K>[] {
  return runKindUi(events[0].kind).thin(events, caps);
}

const utf8Length = (s: string) => Buffer.byteLength(s, 'utf8');
