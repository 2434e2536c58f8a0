/** The CLI on sweep files (and --csv on experiments): the JSON, the CSV with the JSON's numbers, the text, the report. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { IclResult, IclSummaryPoint, IclSweepResult, MeanStd } from '../../protocol/experiment';
import { REPORT_ELEMENT_ID, type ReportPayload } from '../../protocol/webview';
import { iclVerdict } from '../../common/iclVerdict';
import { DIST, EXAMPLES } from '../paths';
import { TINY_EXPERIMENT } from '../tinyExperiment';

const cli = (...args: string[]) => spawnSync(process.execPath, [join(DIST, 'cli.js'), ...args], { encoding: 'utf8' });
const tmp = mkdtempSync(join(tmpdir(), 'regress-cli-sweep-'));
const SWEEP = join(tmp, 'sweep.regress');
writeFileSync(SWEEP, `${TINY_EXPERIMENT.replace('d = 3\n', '')}sweep d = 2, 3, 5\n`);
const TINY = join(tmp, 'tiny.regress');
writeFileSync(TINY, TINY_EXPERIMENT);

/** A CSV file as objects by column name, every cell as written. */
function readCsv(path: string): Record<string, string>[] {
  const [head, ...rows] = readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => l.split(','));
  return rows.map((r) => {
    assert.equal(r.length, head.length);
    return Object.fromEntries(head.map((h, i) => [h, r[i]]));
  });
}

const METRICS = [
  'tfRatio',
  'gdRatio',
  'linGdRatio',
  'modelCos',
  'predsDiff',
  'modelDiff',
  'tfLoss',
  'gdLoss',
  'linGdLoss',
  'zeroLoss',
  'zeroPredsDiff',
  'zeroModelDiff',
  'eta',
  'trainLoss',
] as const;

/** Every column of a summary row equals the JSON's number exactly (an absent one is an empty cell). */
function sameRow(row: Record<string, string>, json: IclSummaryPoint, where: string) {
  assert.equal(row.step, String(json.step), where);
  assert.equal(row.count, String(json.count), where);
  for (const m of METRICS) {
    const v = json[m] as MeanStd | undefined;
    for (const part of ['mean', 'std'] as const) {
      const cell = row[`${m}_${part}`];
      if (v === undefined) assert.equal(cell, '', `${where} ${m}_${part}`);
      else assert.equal(Number(cell), v[part], `${where} ${m}_${part}: ${cell} vs ${v[part]}`);
    }
  }
}

test('sweep --json: an IclSweepResult with each point’s experiment, and --csv writes one row per point with the same numbers', () => {
  const csv = join(tmp, 'sweep.csv');
  const r = cli('experiment', SWEEP, '--json', '--quiet', '--csv', csv);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as IclSweepResult;
  assert.match(out.runId, /^cli-/);
  assert.equal(out.source, SWEEP);
  assert.equal(out.stopReason, 'done');
  assert.deepEqual(out.sweep, { setting: 'd', values: [2, 3, 5] });
  assert.deepEqual(
    out.points.map((p) => [p.value, p.result.settings.d, p.result.settings.k, p.result.stopReason]),
    [
      [2, 2, 3, 'done'],
      [3, 3, 4, 'done'],
      [5, 5, 6, 'done'],
    ],
  );
  for (const p of out.points) {
    assert.deepEqual(Object.keys(p.result).sort(), ['elapsedMs', 'repeats', 'settings', 'stopReason', 'summary']);
    assert.deepEqual(
      p.result.summary.map((row) => [row.step, row.count]),
      [
        [0, 2],
        [10, 2],
        [20, 2],
      ],
    );
  }
  assert.match(r.stderr, new RegExp(`^CSV written to ${csv.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  const rows = readCsv(csv);
  assert.equal(rows.length, 3);
  rows.forEach((row, i) => {
    const p = out.points[i];
    assert.deepEqual([row.setting, row.value, row.stopReason], ['d', String(p.value), 'done']);
    sameRow(row, p.result.summary.at(-1)!, `point ${i + 1}`);
  });
  // The point d = 3 is the tiny experiment itself: the same numbers as a run of that file.
  const alone = JSON.parse(cli('experiment', TINY, '--json', '--quiet').stdout) as IclResult;
  assert.deepEqual(out.points[1].result.repeats, alone.repeats);
});

test('sweep text: per point the final ratios to the uniform prediction, Model Cos, and the verdict; the numbers are the JSON’s', () => {
  const r = cli('experiment', SWEEP, '--quiet');
  assert.equal(r.status, 0, r.stderr);
  const json = JSON.parse(cli('experiment', SWEEP, '--json', '--quiet').stdout) as IclSweepResult;
  const lines = r.stdout.split('\n');
  assert.match(lines[0], /: sweep d = 2, 3, 5 of experiment icl, n = 4, heads = 1, batch = 16, steps = 20, repeats = 2 \(losses as ratios/);
  assert.deepEqual(lines[1].split(/\s{2,}/), ['d', 'step', 'repeats', 'layer', 'one GD step', 'linearised GD', 'Model Cos']);
  const rows = lines.slice(3, 6).map((l) => l.split(/\s{2,}/));
  rows.forEach((row, i) => {
    const want = json.points[i].result.summary.at(-1)!;
    assert.deepEqual(row.slice(0, 3), [String(json.points[i].value), '20', '2']);
    const check = (cell: string, v: MeanStd, name: string) => {
      const [m, s] = cell.split(' ± ').map(Number);
      assert.ok(
        Math.abs(m - v.mean) <= 1e-4 * Math.abs(v.mean) && Math.abs(s - v.std) <= 1e-4 * Math.abs(v.mean) + 1e-12,
        `${name} of point ${i + 1}: ${cell} vs ${JSON.stringify(v)}`,
      );
    };
    check(row[3], want.tfRatio, 'layer');
    check(row[4], want.gdRatio, 'GD');
    check(row[5], want.linGdRatio, 'linearised GD');
    check(row[6], want.modelCos, 'Model Cos');
  });
  for (const p of json.points) assert.ok(lines.includes(`d = ${p.value}: ${iclVerdict(p.result.repeats)}`), `verdict of d = ${p.value}`);
  assert.match(r.stdout, /^stop: done after \d+ ms$/m);
  // Progress on stderr names the point.
  const progress = cli('experiment', SWEEP).stderr.split('\n').filter(Boolean);
  assert.deepEqual([...new Set(progress.map((l) => l.replace(/: .*/, '')))], ['d = 2', 'd = 3', 'd = 5']);
  assert.equal(progress.length, 3 * 2 * 4);
});

test('experiment --csv: one row per summary step with the JSON’s numbers; the text ends with the verdict', () => {
  const csv = join(tmp, 'experiment.csv');
  const r = cli('experiment', TINY, '--json', '--quiet', '--csv', csv);
  assert.equal(r.status, 0, r.stderr);
  const json = JSON.parse(r.stdout) as IclResult;
  const rows = readCsv(csv);
  assert.equal(rows.length, json.summary.length);
  rows.forEach((row, i) => sameRow(row, json.summary[i], `step ${json.summary[i].step}`));
  assert.equal(rows[0].trainLoss_mean, '', 'no training loss at step 0');
  const text = cli('experiment', TINY, '--quiet');
  assert.ok(text.stdout.split('\n').includes(`verdict: ${iclVerdict(json.repeats)}`), text.stdout);
});

test('report on a sweep file replays the sweep’s events; solve runs it too', () => {
  const out = join(tmp, 'sweep.html');
  const r = cli('report', SWEEP, '-o', out, '--quiet');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /sweep d = 2, 3, 5 of experiment icl/);
  const html = readFileSync(out, 'utf8');
  const m = html.match(new RegExp(`<script type="application/json" id="${REPORT_ELEMENT_ID}"[^>]*>([\\s\\S]*?)</script>`));
  assert.ok(m, 'embedded payload');
  const events = (JSON.parse(m[1]) as ReportPayload).messages.flatMap((x) => (x.event === 'snapshot' ? [] : [x]));
  const [started, ...rest] = events;
  const finished = rest.pop();
  assert.ok(started.event === 'started' && started.kind === 'sweep', JSON.stringify(started).slice(0, 200));
  assert.deepEqual(
    started.data.points.map((s) => s.d),
    [2, 3, 5],
  );
  assert.ok(finished?.event === 'finished' && finished.kind === 'sweep');
  assert.ok(rest.length > 0 && rest.every((e) => e.event === 'progress' && e.kind === 'sweep'));
  assert.deepEqual([...new Set(rest.map((e) => (e.event === 'progress' && e.kind === 'sweep' ? e.data.point : -1)))], [0, 1, 2]);
  assert.deepEqual(
    finished.result.points.map((p) => p.value),
    [2, 3, 5],
  );
  const solved = cli('solve', SWEEP, '--json', '--quiet');
  assert.equal(solved.status, 0, solved.stderr);
  assert.equal((JSON.parse(solved.stdout) as IclSweepResult).points.length, 3);
});

test('--csv is refused where there is no experiment summary to write', () => {
  const problem = cli('solve', join(EXAMPLES, 'quickstart.regress'), '--csv', join(tmp, 'x.csv'));
  assert.equal(problem.status, 2);
  assert.match(problem.stderr, /--csv writes an experiment's summary; this is a problem file/);
  for (const command of ['check', 'eval', 'tensor', 'check-bounds']) {
    const r = cli(command, TINY, '--csv', join(tmp, 'x.csv'));
    assert.equal(r.status, 2, command);
    assert.match(r.stderr, /--csv applies to experiment files/);
  }
  const dir = cli('experiment', TINY, '--csv', tmp);
  assert.equal(dir.status, 2);
  assert.match(dir.stderr, /cannot write .*: it is a directory \(give a file name, e.g. .*summary\.csv\)/);
  assert.equal(dir.stdout, '', 'nothing ran');
});

test('--csv into a folder that does not exist yet creates it, as -o does, instead of failing after the run', () => {
  const csv = join(tmp, 'new', 'folder', 'sweep.csv');
  const html = join(tmp, 'other', 'report.html');
  const r = cli('experiment', SWEEP, '--json', '--quiet', '--csv', csv, '-o', html);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as IclSweepResult;
  assert.deepEqual(
    readCsv(csv).map((row) => row.value),
    out.points.map((p) => String(p.value)),
  );
  assert.ok(readFileSync(html, 'utf8').includes(REPORT_ELEMENT_ID));
});

test('Ctrl-C during a sweep keeps the points that ran, exiting 130', async () => {
  const long = join(tmp, 'long.regress');
  writeFileSync(long, `${TINY_EXPERIMENT.replace('every = 10', 'every = 1000')}sweep steps = 20, 100000000\n`);
  const child = spawn(process.execPath, [join(DIST, 'cli.js'), 'experiment', long, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += String(d)));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  let trained = false;
  const training = new Promise<void>((resolve) => {
    child.stderr.on('data', (d) => {
      stderr += String(d);
      trained ||= /^steps = 100000000: repeat 1\/2 step [1-9]\d*\//m.test(stderr);
      if (trained) resolve();
    });
  });
  await Promise.race([training, exited]);
  assert.ok(trained, `training at the second point, before the process exited:\n${stderr}`);
  child.kill('SIGINT');
  assert.equal(await exited, 130, stderr);
  const out = JSON.parse(stdout) as IclSweepResult;
  assert.equal(out.stopReason, 'cancelled');
  assert.deepEqual(
    out.points.map((p) => [p.value, p.result.stopReason]),
    [
      [20, 'done'],
      [100000000, 'cancelled'],
    ],
  );
  assert.ok(out.points[1].result.summary.some((r) => r.step >= 1000));
});

test('--set runs an experiment with a setting changed, the settings that default from it following; mistakes exit 2', () => {
  const r = cli('experiment', TINY, '--json', '--quiet', '--set', 'steps=10', '--set', 'd=5');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as IclResult;
  assert.deepEqual(
    [out.settings.steps, out.settings.d, out.settings.k, out.settings.words],
    [10, 5, 6, { kind: 'normal', scale: 1 / Math.sqrt(5), mean: 0 }],
  );
  assert.deepEqual(
    out.summary.map((p) => p.step),
    [0, 10],
  );
  const swept = JSON.parse(cli('experiment', SWEEP, '--json', '--quiet', '--set', 'repeats=1').stdout) as IclSweepResult;
  assert.deepEqual(
    swept.points.map((p) => [p.value, p.result.repeats.length]),
    [
      [2, 1],
      [3, 1],
      [5, 1],
    ],
  );
  const refusals: [string[], RegExp][] = [
    [[TINY, '--set', 'stpes=10'], /--set stpes=10: stpes is not a numeric experiment setting \(did you mean 'steps'\?\)/],
    [[TINY, '--set', 'steps=-1'], /--set steps=-1: steps must be at least 0, not -1/],
    [[TINY, '--set', 'heads=1.5'], /heads must be a whole number, not 1.5/],
    [[TINY, '--set', 'lr=fast'], /lr must be a number, not fast/],
    [[TINY, '--set', 'labels=doc'], /labels is not a numeric experiment setting/],
    [[SWEEP, '--set', 'd=4'], /--set d: the file sweeps d \(line 11\), which sets it at every point/],
    [[join(EXAMPLES, 'quickstart.regress'), '--set', 'n=4'], /--set changes an experiment's settings; this is a problem file/],
    [[TINY, '--set', 'steps'], /--set takes NAME=VALUE/],
    // One value wins nowhere silently: the same setting twice is a usage error.
    [[TINY, '--set', 'steps=10', '--set', 'd=4', '--set', 'steps=20'], /--set steps is given twice \(steps=10 and steps=20\)/],
  ];
  for (const [args, message] of refusals) {
    const bad = cli('experiment', ...args);
    assert.equal(bad.status, 2, args.join(' '));
    assert.match(bad.stderr, message);
    assert.equal(bad.stdout, '');
  }
  assert.equal(cli('check', TINY, '--set', 'steps=1').status, 2, '--set applies to runs of experiment files');
});
