import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SolveResult } from '../../protocol/results';
import { DIST, EXAMPLES } from '../paths';

const cli = (...args: string[]) => spawnSync(process.execPath, [join(DIST, 'cli.js'), ...args], { encoding: 'utf8', cwd: EXAMPLES });
const examples = readdirSync(EXAMPLES).filter((f) => f.endsWith('.regress'));

test('there is an example per feature', () => {
  assert.ok(examples.length >= 5, examples.join(', '));
});

for (const file of examples) {
  test(`example ${file}: check is clean and every solve block runs without a numerical failure`, () => {
    const check = cli('check', file);
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.equal(check.stdout, '', 'no warnings either');
    const solve = cli('solve', file, '--json');
    assert.equal(solve.status, 0, solve.stderr);
    const result = JSON.parse(solve.stdout) as SolveResult;
    assert.ok(result.runs.length >= 1);
    for (const run of result.runs) {
      assert.ok(['steps', 'gradTol', 'lossTol'].includes(run.final.stopReason), `${run.label}: ${run.final.stopReason} ${run.final.message ?? ''}`);
      assert.ok(run.final.loss < run.iterations[0].loss, `${run.label} did not decrease the loss`);
    }
  });
}
