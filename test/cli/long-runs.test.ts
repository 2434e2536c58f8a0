/** Long runs from the command line: thinned by default, every point with --all-points, and the step limits. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SolveResult } from '../../protocol/results';
import { DIST } from '../paths';

const tmp = mkdtempSync(join(tmpdir(), 'regress-long-'));
const cli = (...args: string[]) => spawnSync(process.execPath, [join(DIST, 'cli.js'), ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
const file = (name: string, steps: string) => {
  const path = join(tmp, name);
  writeFileSync(
    path,
    `problem softmax normalized\nn = 6\nd = 2\nseed = 3\nA = normal()\nb = simplex()\nx0 = zeros()\nsolve gd lr = 0.5 steps = ${steps} gradtol = 0\n`,
  );
  return path;
};

test('solve --json on 2·10⁶ steps answers with a few thousand points, the last at k = 2·10⁶', () => {
  const r = cli('solve', file('long.regress', '2000000'), '--json');
  assert.equal(r.status, 0, r.stderr);
  const run = (JSON.parse(r.stdout) as SolveResult).runs[0];
  assert.equal(run.final.iterations, 2_000_000);
  assert.equal(run.iterations.at(-1)!.k, 2_000_000);
  // 1024 + 512 per doubling: log2(2e6 / 1024) ≈ 10.9 octaves.
  assert.ok(run.iterations.length > 1024 && run.iterations.length < 1024 + 512 * 11 + 2, `${run.iterations.length} points`);
});

test('--all-points keeps every iteration, and refuses blocks beyond 10⁶ steps with exit 2', () => {
  const all = cli('solve', file('all.regress', '5000'), '--json', '--all-points');
  assert.equal(all.status, 0, all.stderr);
  const run = (JSON.parse(all.stdout) as SolveResult).runs[0];
  assert.deepEqual(
    run.iterations.map((p) => p.k),
    Array.from({ length: 5001 }, (_, k) => k),
  );
  const thin = (JSON.parse(cli('solve', file('thin.regress', '5000'), '--json').stdout) as SolveResult).runs[0];
  assert.ok(thin.iterations.length < run.iterations.length);
  const refused = cli('solve', file('too-long.regress', '1000001'), '--json', '--all-points');
  assert.equal(refused.status, 2);
  assert.match(
    refused.stderr,
    /--all-points keeps every iteration of at most 1,000,000 steps in all; the selected blocks ask for 1,000,001/,
  );
  assert.equal(refused.stdout, '');
  // The limit is on the sum over the blocks: their points all go into one JSON string.
  const two = join(tmp, 'two.regress');
  writeFileSync(two, `${readFileSync(file('one.regress', '600000'), 'utf8')}solve gd lr = 0.1 steps = 600000 gradtol = 0\n`);
  const both = cli('solve', two, '--json', '--all-points');
  assert.equal(both.status, 2, both.stderr);
  assert.match(both.stderr, /ask for 1,200,000/);
  // Options a command would ignore are usage errors.
  for (const args of [
    ['check', '--json'],
    ['report', '-o', join(tmp, 'r.html'), '--json'],
    ['check', '--all-points'],
    ['eval', '--all-points'],
  ]) {
    const r = cli(args[0], file('opts.regress', '5'), ...args.slice(1));
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
  }
});

test('steps above 10⁹ are an error at the place, before anything runs', () => {
  const path = file('huge.regress', '2000000000');
  const r = cli('check', path);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /huge\.regress:8:\d+: error: steps must be at most 1000000000, not 2000000000/);
});
