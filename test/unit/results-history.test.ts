/**
 * The results history (extension/src/history.ts, historyThin.ts, historyStore.ts) on real run events: those the
 * CLI's report embeds, which come from the same code as the language server's. What matters is what the panel ends
 * with after replaying the stored events, so each check compares `panelView` — the panel's rules (webview/src/
 * *Model.ts): series grow in increasing k or step, an answer at least as long replaces them, summary rows replace
 * rows of the same step — of the stored runs with that of the runs as they streamed. The store is tested on a real
 * folder, with writes that fail half-way or before the rename.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { finishedStatus } from '../../common/verdicts';
import { HISTORY_LIMITS, HISTORY_VERSION, parseHistory, RunHistory, type HistoryLimits } from '../../extension/src/history';
import { historyFileName, HistoryStore, MAX_HISTORIES, MAX_READ_BYTES, type StorageFs } from '../../extension/src/historyStore';
import type { IclCheckpoint, IclRepeat, IclSummaryPoint } from '../../protocol/experiment';
import type { IterationPoint } from '../../protocol/results';
import type { RunEvent, RunEventOf } from '../../protocol/runs';
import type { ReportPayload } from '../../protocol/webview';
import { DIST, EXAMPLES } from '../paths';
import { TINY_EXPERIMENT } from '../tinyExperiment';

const work = mkdtempSync(join(tmpdir(), 'regress-history-'));
/** The history file of a workspace of one folder. */
const HISTORY_FILE = historyFileName('file:///w');

/** The events of one run of `text`, as the CLI's report embeds them (the same events the language server sends). */
function reportEvents(name: string, text: string): RunEvent[] {
  const file = join(work, name);
  writeFileSync(file, text);
  execFileSync(process.execPath, [join(DIST, 'cli.js'), 'report', file, '-o', `${file}.html`, '--quiet'], { stdio: 'pipe' });
  const html = readFileSync(`${file}.html`, 'utf8');
  const json = /<script type="application\/json" id="regress-report"[^>]*>([\s\S]*?)<\/script>/.exec(html)![1];
  return (JSON.parse(json) as ReportPayload).messages.filter((m): m is RunEvent => m.event !== 'snapshot');
}

const quickstart = readFileSync(join(EXAMPLES, 'quickstart.regress'), 'utf8');
/** Each run once, whatever the tests ask (the events are never changed in place). */
const once = <T>(make: () => T) => {
  let made: T | undefined;
  return () => (made ??= make());
};
const runs = {
  /** 2,000 gd steps: 1,513 points, under the cap. */
  quickstart: once(() => reportEvents('quickstart.regress', quickstart)),
  /** 100,000 steps: about 4,400 points; the loss reaches its rounding floor, so the lowest is not the last. */
  long: once(() => reportEvents('long.regress', quickstart.replace(/solve gd .*/, 'solve gd lr = 3 steps = 100000 gradtol = 0'))),
  /** Two blocks with the bound checks of every step (400 and 200 checked steps). */
  bounds: once(() => reportEvents('bounds.regress', readFileSync(join(EXAMPLES, 'bounds-softmax.regress'), 'utf8'))),
  /** Two repeats of 20 steps: 3 checkpoints each. */
  experiment: once(() => reportEvents('tiny.regress', TINY_EXPERIMENT)),
  /** Two repeats of 40 steps with a checkpoint at every step: 41 each. */
  denseExperiment: once(() =>
    reportEvents('dense.regress', TINY_EXPERIMENT.replace('steps = 20', 'steps = 40').replace('every = 10', 'every = 1')),
  ),
  sweep: once(() =>
    reportEvents(
      'sweep.regress',
      `${TINY_EXPERIMENT.replace('d = 3\n', '').replace('steps = 20', 'steps = 40').replace('every = 10', 'every = 1')}sweep d = 2, 3\n`,
    ),
  ),
};

/**
 * The run as a slower server streams it: each progress event cut into events of at most `size` points or checkpoints
 * (a solve block's stop on its last, a repeat's start on its first, each summary row with the checkpoint of its step).
 */
function rebatch(events: RunEvent[], size: number): RunEvent[] {
  return events.flatMap((e): RunEvent[] => {
    if (e.event !== 'progress') return [e];
    const chunks = <T>(list: T[]) =>
      Array.from({ length: Math.max(1, Math.ceil(list.length / size)) }, (_, i) => list.slice(i * size, (i + 1) * size));
    if (e.kind === 'solve') {
      const { stop, points, ...rest } = e.data;
      const parts = chunks(points);
      return parts.map((p, i) => ({ ...e, data: { ...rest, points: p, ...(stop && i === parts.length - 1 ? { stop } : {}) } }));
    }
    const { start, checkpoints, summary, ...rest } = e.data;
    const parts = chunks(checkpoints);
    return parts.map((c, i) => {
      const steps = new Set(c.map((x) => x.step));
      const rows =
        i === parts.length - 1
          ? summary.filter((r) => steps.has(r.step) || r.step > c[c.length - 1]?.step)
          : summary.filter((r) => steps.has(r.step));
      return { ...e, data: { ...rest, checkpoints: c, summary: rows, ...(start && i === 0 ? { start } : {}) } } as RunEvent;
    });
  });
}

/** A run that ended because the server stopped: what streamed, then `failed` with `interrupted`. */
function interrupted(events: RunEvent[]): RunEvent[] {
  const started = events[0] as RunEventOf<'started'>;
  const streamed = events.filter((e) => e.event === 'progress');
  return [
    started,
    ...streamed.slice(0, Math.ceil(streamed.length / 2)),
    {
      event: 'failed',
      kind: started.kind,
      runId: started.runId,
      uri: started.uri,
      title: started.title,
      message: 'connection closed',
      interrupted: true,
    },
  ];
}

/** The run cut where the server stopped, at `last[r]` for repeat r: later checkpoints and summary rows never came. */
function stoppedAt(events: RunEvent<'experiment'>[], last: Record<number, number>): RunEvent[] {
  const started = events[0] as RunEventOf<'started', 'experiment'>;
  const reached = Math.max(...Object.values(last));
  const streamed = events.flatMap((e) =>
    e.event === 'progress'
      ? [
          {
            ...e,
            data: {
              ...e.data,
              checkpoints: e.data.checkpoints.filter((c) => c.step <= last[e.data.repeat]),
              summary: e.data.summary.filter((r) => r.step <= reached),
            },
          },
        ]
      : [],
  );
  return [
    started,
    ...streamed,
    {
      event: 'failed',
      kind: 'experiment',
      runId: started.runId,
      uri: started.uri,
      title: started.title,
      message: 'connection closed',
      interrupted: true,
    },
  ];
}

/** An answer that holds fewer points (or checkpoints) than streamed: the panel keeps what streamed. */
function shortAnswer(events: RunEvent[]): RunEvent[] {
  return events.map((e) => {
    if (e.event !== 'finished') return e;
    if (e.kind === 'solve')
      return { ...e, result: { ...e.result, runs: e.result.runs.map((r) => ({ ...r, iterations: r.iterations.slice(0, 100) })) } };
    if (e.kind === 'experiment')
      return {
        ...e,
        result: { ...e.result, repeats: e.result.repeats.map((r, i) => (i ? r : { ...r, checkpoints: r.checkpoints.slice(0, 1) })) },
      };
    return e;
  });
}

/** A run the server refused before it started: `failed` alone, named by its file. */
const refused = (runId: string): RunEvent[] => [
  { event: 'failed', kind: 'solve', runId, uri: 'file:///w/broken.regress', title: 'broken.regress', message: 'The problem has 1 error' },
];

/** The same run under another id (the CLI's runs would otherwise share theirs). */
function renamed(events: RunEvent[], runId: string): RunEvent[] {
  return events.map((e) => {
    const copy = { ...e, runId } as RunEvent;
    if (copy.event === 'finished') copy.result = { ...copy.result, runId } as never;
    return copy;
  });
}

function appendIncreasing<T>(to: T[], from: readonly T[], key: (t: T) => number) {
  for (const t of from) if (!to.length || key(t) > key(to[to.length - 1])) to.push(t);
}

interface ExperimentView {
  repeats: Map<number, { start?: unknown; checkpoints: IclCheckpoint[] }>;
  summary: Map<number, IclSummaryPoint>;
}

function experimentProgress(
  v: ExperimentView,
  p: { repeat: number; start?: unknown; checkpoints: IclCheckpoint[]; summary: IclSummaryPoint[] },
) {
  const r = v.repeats.get(p.repeat) ?? { checkpoints: [] };
  v.repeats.set(p.repeat, r);
  if (p.start) r.start = p.start;
  appendIncreasing(r.checkpoints, p.checkpoints, (c) => c.step);
  for (const row of p.summary) v.summary.set(row.step, row);
}

function experimentAnswer(v: ExperimentView, a: { repeats: IclRepeat[]; summary: IclSummaryPoint[] }) {
  v.summary = new Map(a.summary.map((row) => [row.step, row]));
  for (const { checkpoints, ...start } of a.repeats) {
    const r = v.repeats.get(start.repeat) ?? { checkpoints: [] };
    v.repeats.set(start.repeat, r);
    r.start = start;
    if (checkpoints.length >= r.checkpoints.length) r.checkpoints = checkpoints.slice();
  }
}

const plainExperiment = (v: ExperimentView) => ({
  repeats: [...v.repeats.entries()].sort(([a], [b]) => a - b).map(([repeat, r]) => ({ repeat, ...r })),
  summary: [...v.summary.values()].sort((a, b) => a.step - b.step),
});

/** What the panel ends with after applying `events` of one run (webview/src/model.ts and the kinds' models). */
function panelView(events: RunEvent[]) {
  const last = events[events.length - 1];
  const started = events.find((e): e is RunEventOf<'started'> => e.event === 'started');
  const status =
    last.event === 'finished' ? finishedStatus(last) : last.event === 'failed' ? (last.interrupted ? 'interrupted' : 'failed') : 'running';
  const head = {
    runId: last.runId,
    kind: last.kind,
    status,
    title: started?.title ?? (last as RunEventOf<'failed'>).title,
    startedAt: started?.startedAt,
    error: last.event === 'failed' && !last.interrupted ? last.message : undefined,
  };
  if (!started) return { head };
  if (started.kind === 'solve') {
    const blocks = new Map(
      started.data.blocks.map((b) => [
        b.index,
        { points: [] as IterationPoint[], maxSteps: b.options.steps ?? 0, stop: undefined as unknown, result: undefined as unknown },
      ]),
    );
    let checks: unknown;
    for (const e of events as RunEvent<'solve'>[]) {
      if (e.event === 'progress') {
        const b = blocks.get(e.data.block)!;
        b.maxSteps = e.data.maxSteps;
        appendIncreasing(b.points, e.data.points, (p) => p.k);
        if (e.data.stop) b.stop = { ...e.data.stop, k: b.points.at(-1)?.k ?? 0 };
      } else if (e.event === 'finished') {
        checks = { dataMove: e.result.dataMove, tensor: e.result.tensor };
        for (const { iterations, ...r } of e.result.runs) {
          const b = blocks.get(r.index)!;
          b.result = r;
          b.stop = { reason: r.final.stopReason, message: r.final.message, k: r.final.iterations };
          if (iterations.length >= b.points.length) b.points = iterations.slice();
        }
      }
    }
    return { head, problem: started.data.problem, blocks: [...blocks.entries()], checks };
  }
  if (started.kind === 'experiment') {
    const v: ExperimentView = { repeats: new Map(), summary: new Map() };
    let result: unknown;
    for (const e of events as RunEvent<'experiment'>[]) {
      if (e.event === 'progress') experimentProgress(v, e.data);
      if (e.event === 'finished') {
        const { repeats, summary, ...rest } = e.result;
        experimentAnswer(v, { repeats, summary });
        result = rest;
      }
    }
    return { head, settings: started.data.settings, ...plainExperiment(v), result };
  }
  const points = started.data.points.map((): ExperimentView => ({ repeats: new Map(), summary: new Map() }));
  let result: unknown;
  for (const e of events as RunEvent<'sweep'>[]) {
    if (e.event === 'progress') experimentProgress(points[e.data.point], e.data);
    if (e.event === 'finished') {
      e.result.points.forEach((p, i) => experimentAnswer(points[i], p.result));
      result = {
        ...e.result,
        points: e.result.points.map(({ result: { repeats: _r, summary: _s, ...rest }, value }) => ({ value, rest })),
      };
    }
  }
  return { head, sweep: started.data.sweep, points: points.map(plainExperiment), result };
}

/** The runs as a file written after them holds them (through the text, as a new window reads it). */
function roundTrip(events: RunEvent[][], limits?: HistoryLimits): RunEvent[][] {
  const history = new RunHistory(limits);
  for (const run of events) for (const e of run) history.record(e);
  const text = history.serialize(new Date());
  const parsed = parseHistory(text);
  assert.ok(Array.isArray(parsed), JSON.stringify(parsed));
  return parsed;
}

/** The storage folder on disk. */
function folderFs(dir: string): StorageFs {
  return {
    list: async () => {
      const names = await readdir(dir).catch(() => []);
      return Promise.all(names.map(async (name) => ({ name, mtime: (await stat(join(dir, name))).mtimeMs })));
    },
    size: async (name) => {
      try {
        return (await stat(join(dir, name))).size;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
    },
    read: (name) => readFile(join(dir, name)),
    write: async (name, data) => {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, name), data);
    },
    rename: (from, to) => rename(join(dir, from), join(dir, to)),
    remove: (name) => rm(join(dir, name), { force: true }),
    where: (name) => join(dir, name),
  };
}

function reporter() {
  const said = { info: [] as string[], error: [] as string[] };
  return { said, report: { info: (m: string) => said.info.push(m), error: (m: string) => said.error.push(m) } };
}

test('round trip: every kind of run, ended in every way, comes back from the file as the panel showed it', async () => {
  const quick = rebatch(runs.quickstart(), 7);
  const all = [
    quick,
    rebatch(runs.experiment(), 1),
    rebatch(runs.sweep(), 3),
    renamed(interrupted(quick), 'interrupted-solve'),
    refused('refused-solve'),
    renamed(interrupted(rebatch(runs.denseExperiment(), 2)), 'interrupted-experiment'),
    renamed(shortAnswer(quick), 'short-solve-answer'),
    renamed(shortAnswer(rebatch(runs.denseExperiment(), 5)), 'short-experiment-answer'),
  ];
  const stored = roundTrip(all);
  assert.equal(stored.length, all.length);
  stored.forEach((run, i) => assert.deepEqual(panelView(run), panelView(all[i]), `run ${i + 1} (${all[i][0].kind})`));
  // Under the caps nothing is lost: the quickstart's 1,513 points, as drawn.
  const blocks = (panelView(stored[0]) as { blocks: [number, { points: IterationPoint[] }][] }).blocks;
  assert.equal(blocks[0][1].points.length, 1513);
  // Progress is stored merged: one event per block or repeat, however many streamed.
  const progress = (run: RunEvent[]) => run.filter((e) => e.event === 'progress');
  const parts = (run: RunEvent[]) =>
    new Set(
      progress(run).map((e) => JSON.stringify([(e.data as { point?: number }).point, 'block' in e.data ? e.data.block : e.data.repeat])),
    ).size;
  for (const i of [0, 2, 3, 5]) {
    assert.ok(progress(all[i]).length > 20, `run ${i + 1}: ${progress(all[i]).length} progress events`);
    assert.equal(stored[i].length, 2 + parts(all[i]), `run ${i + 1}: started, one event per part, the end`);
  }

  // Through the store, on disk, into a new window's history: the same events, and nothing said.
  const dir = join(work, 'round-trip');
  const { said, report } = reporter();
  const history = new RunHistory();
  for (const run of all) for (const e of run) history.record(e);
  await new HistoryStore(folderFs(dir), HISTORY_FILE, report).save(history.serialize(new Date()));
  const loaded = await new HistoryStore(folderFs(dir), HISTORY_FILE, report).load();
  assert.deepEqual(loaded, stored);
  const restored = new RunHistory();
  restored.restore(loaded);
  assert.deepEqual(restored.events(), stored.flat());
  assert.deepEqual(said, { info: [], error: [] });
  assert.deepEqual(readdirSync(dir), [HISTORY_FILE]);
});

test('long series are thinned to the caps, keeping the ends, the lowest loss, each bound’s worst step and each repeat’s last step', () => {
  const long = runs.long();
  const bounds = runs.bounds();
  const [longStored, boundsStored] = roundTrip([long, bounds]);
  let thinnedBounds = 0;
  type SolveView = {
    head: unknown;
    blocks: [
      number,
      { points: IterationPoint[]; stop: unknown; result: { bounds?: { steps: { k: number }[]; summary: { worstK: number }[] } } },
    ][];
  };
  for (const [original, stored] of [
    [long, longStored],
    [bounds, boundsStored],
  ]) {
    const before = panelView(original) as SolveView;
    const after = panelView(stored) as SolveView;
    assert.deepEqual(after.head, before.head);
    for (const [i, [index, b]] of before.blocks.entries()) {
      const a = after.blocks[i][1];
      assert.equal(after.blocks[i][0], index);
      assert.deepEqual(a.stop, b.stop);
      assert.ok(
        a.points.length <= Math.min(b.points.length, HISTORY_LIMITS.caps.points + 1),
        `${a.points.length} of ${b.points.length} points`,
      );
      assert.deepEqual([a.points[0], a.points.at(-1)], [b.points[0], b.points.at(-1)]);
      // Wall times too (IterationPoint.t), for the panel's time axis.
      assert.ok(typeof a.points[0].t === 'number' && typeof a.points.at(-1)!.t === 'number', 'the stored points keep their wall time');
      const lowest = (ps: IterationPoint[]) => ps.reduce((m, p) => (p.loss < m.loss ? p : m));
      assert.deepEqual(lowest(a.points), lowest(b.points));
      // Points the run had, in order.
      const byK = new Map(b.points.map((p) => [p.k, p]));
      for (const [j, p] of a.points.entries()) {
        assert.deepEqual(p, byK.get(p.k));
        if (j) assert.ok(p.k > a.points[j - 1].k);
      }
      const { bounds: bb, ...rest } = b.result;
      const { bounds: ab, ...restAfter } = a.result;
      assert.deepEqual(restAfter, rest);
      if (!bb) continue;
      assert.deepEqual({ ...ab, steps: [] }, { ...bb, steps: [] }, 'everything but the steps, the summary included');
      assert.ok(
        ab!.steps.length <= Math.min(bb.steps.length, HISTORY_LIMITS.caps.boundSteps + bb.summary.length),
        `${ab!.steps.length} of ${bb.steps.length} steps`,
      );
      if (ab!.steps.length < bb.steps.length) thinnedBounds++;
      for (const s of bb.summary)
        assert.ok(
          ab!.steps.some((x) => x.k === s.worstK),
          `the worst step k = ${s.worstK} is kept`,
        );
    }
  }
  assert.ok((panelView(long) as SolveView).blocks[0][1].points.length > 4000, 'the long run streams more than twice the cap');
  assert.ok(thinnedBounds > 0, 'a block with more checked steps than the cap');

  // Checkpoints: each repeat and the summary keep the same steps, among them each repeat's last.
  const limits = { ...HISTORY_LIMITS, caps: { ...HISTORY_LIMITS.caps, checkpoints: 8 } };
  const dense = runs.denseExperiment();
  // Stopped with the repeats at different steps, neither on the evenly spread ones (0, 4, 8, 12, 17, 21, 25, 29).
  const cut = renamed(stoppedAt(rebatch(dense, 3) as RunEvent<'experiment'>[], { 0: 18, 1: 29 }), 'cut');
  const sweep = runs.sweep();
  const stored = roundTrip([dense, cut, sweep], limits);
  let thinnedRepeats = 0;
  type Part = ReturnType<typeof plainExperiment>;
  const parts = (v: unknown): Part[] => ('points' in (v as object) ? (v as { points: Part[] }).points : [v as Part]);
  for (const [i, original] of [dense, cut, sweep].entries()) {
    const before = parts(panelView(original));
    const after = parts(panelView(stored[i]));
    assert.equal(after.length, before.length);
    for (const [p, b] of before.entries()) {
      const a = after[p];
      const steps = new Set(a.summary.map((row) => row.step));
      for (const [j, r] of b.repeats.entries()) {
        const ar = a.repeats[j];
        assert.deepEqual(ar.start, r.start);
        assert.ok(
          ar.checkpoints.length <= Math.min(r.checkpoints.length, 8 + 2 * b.repeats.length),
          `${ar.checkpoints.length} of ${r.checkpoints.length}`,
        );
        if (ar.checkpoints.length < r.checkpoints.length) thinnedRepeats++;
        assert.deepEqual(ar.checkpoints.at(-1), r.checkpoints.at(-1), 'the repeat’s last checkpoint');
        assert.deepEqual(ar.checkpoints[0], r.checkpoints[0]);
        for (const c of ar.checkpoints) assert.ok(steps.has(c.step), `step ${c.step} has its summary row`);
      }
      // Where mean ± std and the verdict are read: the last row every repeat reached, as before.
      const common = (v: Part) => v.summary.filter((row) => row.count === v.repeats.filter((r) => r.checkpoints.length).length).at(-1);
      assert.deepEqual(common(a), common(b));
      assert.deepEqual(a.summary.at(-1), b.summary.at(-1));
    }
  }
  assert.ok(thinnedRepeats >= 6, `${thinnedRepeats} repeats thinned`);
});

test('the file keeps the newest ended runs within the limits; a run still going is not saved', () => {
  const quick = runs.quickstart();
  const size = JSON.stringify(roundTrip([quick])[0]).length;
  // 25 runs of the quickstart: the newest 20 are kept.
  const many = Array.from({ length: 25 }, (_, i) => renamed(quick, `run-${i}`));
  assert.deepEqual(
    roundTrip(many).map((r) => r[0].runId),
    many.slice(-20).map((r) => r[0].runId),
  );
  // A file of three runs' size: the three newest, oldest dropped first.
  const small = { ...HISTORY_LIMITS, bytes: 3 * size + 500 };
  assert.deepEqual(
    roundTrip(many.slice(0, 5), small).map((r) => r[0].runId),
    ['run-2', 'run-3', 'run-4'],
  );
  // A run going is held for the panel but not saved.
  const history = new RunHistory();
  for (const e of quick.slice(0, -1)) assert.equal(history.record(e), undefined);
  assert.equal(history.events().length, quick.length - 1);
  assert.deepEqual(parseHistory(history.serialize(new Date())), []);
  assert.equal(history.record(quick.at(-1)!), 'saved');
  assert.equal((parseHistory(history.serialize(new Date())) as RunEvent[][]).length, 1);
  // A run above runBytes is thinned harder until it fits; one that cannot fit is not saved, and older ones stay.
  const tight = { ...HISTORY_LIMITS, runBytes: size / 4 };
  const [squeezed] = roundTrip([quick], tight);
  assert.ok(JSON.stringify(squeezed).length <= size / 4);
  const points = (panelView(squeezed) as { blocks: [number, { points: unknown[] }][] }).blocks[0][1].points.length;
  assert.ok(points >= 16 && points < 1513 / 4, `${points} points`);
  const tiny = new RunHistory({ ...HISTORY_LIMITS, runBytes: 2000 });
  for (const e of refused('kept')) tiny.record(e);
  for (const e of quick.slice(0, -1)) tiny.record(e);
  assert.equal(tiny.record(quick.at(-1)!), 'tooLarge');
  assert.deepEqual(
    (parseHistory(tiny.serialize(new Date())) as RunEvent[][]).map((r) => r[0].runId),
    ['kept'],
  );
  // A run going while 20 newer ones start is dropped, as the panel drops it: its later events do not bring it back
  // without its start (a file holding such a run would be unreadable).
  const crowded = new RunHistory();
  const first = renamed(quick, 'first');
  crowded.record(first[0]);
  for (const run of many.slice(0, 20)) for (const e of run) crowded.record(e);
  for (const e of first.slice(1)) assert.equal(crowded.record(e), undefined);
  const kept = parseHistory(crowded.serialize(new Date()));
  assert.ok(Array.isArray(kept));
  assert.deepEqual(
    kept.map((r) => r[0].runId),
    many.slice(0, 20).map((r) => r[0].runId),
  );
  // Clearing forgets the ended runs only.
  const going = new RunHistory();
  for (const e of [...refused('ended'), ...renamed(quick, 'going').slice(0, 3)]) going.record(e);
  going.clearEnded();
  assert.deepEqual([...new Set(going.events().map((e) => e.runId))], ['going']);
});

test('an interrupted write, half-way through or before the rename, leaves the previous file whole', async () => {
  const first = roundTrip([runs.quickstart()]);
  const dir = join(work, 'atomic');
  const disk = folderFs(dir);
  const { said, report } = reporter();
  const store = new HistoryStore(disk, HISTORY_FILE, report);
  const history = new RunHistory();
  for (const run of first) for (const e of run) history.record(e);
  await store.save(history.serialize(new Date()));
  const previous = readFileSync(join(dir, HISTORY_FILE), 'utf8');
  for (const e of runs.experiment()) history.record(e);
  const next = history.serialize(new Date());

  // The process dies half-way through writing (half the bytes reach the disk), or after the write, before the rename.
  const halfWrite: StorageFs = {
    ...disk,
    write: async (name, data) => (await disk.write(name, data.subarray(0, data.length >> 1)), Promise.reject(new Error('killed'))),
  };
  const noRename: StorageFs = { ...disk, rename: () => Promise.reject(new Error('killed')) };
  for (const broken of [halfWrite, noRename]) {
    await new HistoryStore(broken, HISTORY_FILE, report).save(next);
    assert.equal(readFileSync(join(dir, HISTORY_FILE), 'utf8'), previous);
    const reloaded = reporter();
    assert.deepEqual(await new HistoryStore(disk, HISTORY_FILE, reloaded.report).load(), first, 'a new window reads the previous runs');
    assert.deepEqual(reloaded.said, { info: [], error: [] });
  }
  assert.equal(said.error.length, 2, 'each failed write is logged');
  assert.equal(said.error[0], `saving the results history to ${join(dir, HISTORY_FILE)} failed: killed`);
  // The next write replaces the leftover temporary file and the history.
  await store.save(next);
  assert.equal(readFileSync(join(dir, HISTORY_FILE), 'utf8'), next);
  assert.deepEqual(readdirSync(dir), [HISTORY_FILE]);

  // Saves while one is under way: the last text wins, and no write overlaps another.
  let writing = 0;
  let overlapped = false;
  const slow: StorageFs = {
    ...disk,
    write: async (name, data) => {
      overlapped ||= writing > 0;
      writing++;
      await new Promise((r) => setImmediate(r));
      await disk.write(name, data);
      writing--;
    },
  };
  const queued = new HistoryStore(slow, HISTORY_FILE, report);
  await Promise.all(['a', 'b', 'c', previous].map((t) => queued.save(t)));
  assert.equal(readFileSync(join(dir, HISTORY_FILE), 'utf8'), previous);
  assert.equal(overlapped, false);
});

test('an unreadable file is set aside with one message saying where, and the history starts empty', async () => {
  const quick = roundTrip([runs.quickstart()])[0];
  const file = (runs: unknown[], version: unknown = HISTORY_VERSION) =>
    JSON.stringify({ version, savedAt: '2025-01-01T00:00:00.000Z', runs });
  const [started, ...rest] = quick;
  const cases: [string, string | Uint8Array, RegExp][] = [
    ['not JSON', '{"version":1,"runs":[', /not JSON/],
    ['cut short', file([quick]).slice(0, -40), /not JSON/],
    ['not UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), /encoded data was not valid|invalid/i],
    ['an old version', file([quick], 0), /format version 0; this version of the extension reads 1/],
    ['a newer version', file([quick], 2), /format version 2/],
    ['no version', JSON.stringify({ runs: [quick] }), /format version undefined/],
    ['not an object', '[]', /not a history file/],
    ['no runs', file(undefined as never), /no list of runs/],
    [
      'an unknown event',
      file([[started, { ...rest[0], event: 'points' }, ...rest.slice(1)]]),
      /run 1: the panel would ignore an event: unknown event "points"/,
    ],
    ['an unknown kind', file([[{ ...started, kind: 'tensor' }, ...rest]]), /unknown kind "tensor"/],
    ['a field missing', file([[{ ...started, title: undefined }, ...rest]]), /started event without title/],
    ['a snapshot request', file([[started, { event: 'snapshot', requestId: 1 }, ...rest]]), /a snapshot request/],
    ['two runs mixed', file([[started, ...rest.map((e) => ({ ...e, runId: 'other' }))]]), /events of different runs/],
    ['a run that did not end', file([quick.slice(0, -1)]), /did not end \(last event: progress\)/],
    ['events out of order', file([[rest[0], started, ...rest.slice(1)]]), /out of order/],
    ['an empty run', file([[]]), /run 1: not a list of events/],
    ['too large', ' '.repeat(MAX_READ_BYTES + 1), /more than a history file holds/],
  ];
  for (const [what, content, why] of cases) {
    const dir = join(work, `unreadable-${what.replace(/\W+/g, '-')}`);
    await mkdir(dir, { recursive: true });
    writeFileSync(join(dir, HISTORY_FILE), content);
    const { said, report } = reporter();
    const store = new HistoryStore(folderFs(dir), HISTORY_FILE, report, () => new Date('2025-03-04T05:06:07.089Z'));
    assert.deepEqual(await store.load(), [], what);
    const aside = join(dir, `${HISTORY_FILE.replace('.json', '')}.unreadable-2025-03-04T05-06-07-089Z.json`);
    assert.equal(said.info.length, 1, what);
    assert.match(said.info[0], why, what);
    assert.ok(said.info[0].includes(aside), `${what}: the message says where: ${said.info[0]}`);
    assert.deepEqual(readFileSync(aside), Buffer.from(content), `${what}: set aside whole`);
    assert.equal(existsSync(join(dir, HISTORY_FILE)), false);
    // The next window starts quietly, and the history is written again.
    const again = reporter();
    assert.deepEqual(await new HistoryStore(folderFs(dir), HISTORY_FILE, again.report).load(), []);
    await store.save(file([quick]));
    assert.deepEqual(await new HistoryStore(folderFs(dir), HISTORY_FILE, again.report).load(), [quick]);
    assert.deepEqual(again.said, { info: [], error: [] });
  }
});

test('a storage folder that cannot be read or renamed in never fails the load', async () => {
  const dir = join(work, 'unreadable-folder');
  const disk = folderFs(dir);
  const broken: StorageFs = {
    ...disk,
    size: () => Promise.reject(new Error('EACCES: permission denied')),
    rename: () => Promise.reject(new Error('EROFS: read-only file system')),
  };
  const { said, report } = reporter();
  assert.deepEqual(await new HistoryStore(broken, HISTORY_FILE, report).load(), []);
  assert.equal(said.info.length, 1);
  assert.match(said.info[0], /could not be read \(EACCES: permission denied\); the panel starts without it/);
  assert.match(said.error[0], /nor set aside: EROFS/);
  // No folder at all (a new workspace): nothing to say.
  const quiet = reporter();
  assert.deepEqual(await new HistoryStore(folderFs(join(work, 'no-such-folder')), HISTORY_FILE, quiet.report).load(), []);
  assert.deepEqual(quiet.said, { info: [], error: [] });
});

test('clearing removes the file after the write under way', async () => {
  const dir = join(work, 'clear');
  const { report } = reporter();
  const store = new HistoryStore(folderFs(dir), HISTORY_FILE, report);
  const saving = store.save(JSON.stringify({ version: HISTORY_VERSION, savedAt: '', runs: [] }));
  await store.clear();
  await saving;
  assert.deepEqual(readdirSync(dir), []);
  await store.clear();
});

test('one history per workspace; the histories of the workspaces written longest ago are removed beyond the limit', async () => {
  assert.equal(historyFileName(undefined), 'results-history.json');
  assert.match(HISTORY_FILE, /^results-history-[0-9a-f]{16}\.json$/);
  assert.equal(historyFileName('file:///w'), HISTORY_FILE);
  assert.notEqual(historyFileName('file:///w2'), HISTORY_FILE);
  assert.notEqual(historyFileName('file:///w\nfile:///v'), HISTORY_FILE);
  const dir = join(work, 'global');
  await mkdir(dir, { recursive: true });
  // 25 other workspaces' histories, written a minute apart, the window's own, a set-aside file and another file.
  const others = Array.from({ length: 25 }, (_, i) => historyFileName(`file:///other-${i}`));
  const minute = 60_000;
  for (const [i, name] of others.entries()) {
    writeFileSync(join(dir, name), '{}');
    utimesSync(join(dir, name), new Date(Date.now() - (i + 2) * minute), new Date(Date.now() - (i + 2) * minute));
  }
  for (const name of [historyFileName(undefined), 'results-history-0123456789abcdef.unreadable-2025-01-01T00-00-00-000Z.json', 'notes.txt'])
    writeFileSync(join(dir, name), '{}');
  utimesSync(join(dir, 'results-history.json'), new Date(Date.now() - 100 * minute), new Date(Date.now() - 100 * minute));
  const { said, report } = reporter();
  const store = new HistoryStore(folderFs(dir), HISTORY_FILE, report);
  await store.save('{"version":1,"runs":[]}');
  const left = new Set(readdirSync(dir));
  // The window's own and the 19 others written most recently stay; the set-aside file and other files are not touched.
  assert.deepEqual(
    others.filter((n) => left.has(n)),
    others.slice(0, MAX_HISTORIES - 1),
  );
  assert.ok(left.has(HISTORY_FILE) && !left.has('results-history.json'));
  assert.ok(left.has('notes.txt') && left.has('results-history-0123456789abcdef.unreadable-2025-01-01T00-00-00-000Z.json'));
  // Once a session.
  writeFileSync(join(dir, others[24]), '{}');
  utimesSync(join(dir, others[24]), new Date(0), new Date(0));
  await store.save('{"version":1,"runs":[]}');
  assert.ok(existsSync(join(dir, others[24])));
  assert.deepEqual(said, { info: [], error: [] });
});
