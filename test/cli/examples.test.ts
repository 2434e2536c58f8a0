import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { DataMoveReport, RunBounds } from '../../protocol/bounds';
import type { IclResult } from '../../protocol/experiment';
import type { SolveResult } from '../../protocol/results';
import { DIST, EXAMPLES } from '../paths';

const cli = (...args: string[]) => spawnSync(process.execPath, [join(DIST, 'cli.js'), ...args], { encoding: 'utf8', cwd: EXAMPLES });
const examples = readdirSync(EXAMPLES).filter((f) => f.endsWith('.regress'));
const source = (file: string) => readFileSync(join(EXAMPLES, file), 'utf8');

/** Each language feature, and a line that shows it is used. */
const FEATURES: Record<string, RegExp> = {
  'attention normalized': /^problem attention normalized/m,
  'attention rescaled': /^problem attention rescaled/m,
  'softmax normalized': /^problem softmax normalized/m,
  'literal matrix': /^\w+ = \[/m,
  'planted target': /planted\(/,
  'data files': /load\("/,
  regularization: /^reg = /m,
  'several methods': /^solve lbfgs/m,
  'check bounds': /^check bounds/m,
  'check bounds, rescaled': /^problem \w+ rescaled[\s\S]*^check bounds/m,
  'check tensor': /^check tensor/m,
  'self-attention data move': /^WQ = [\s\S]*^layers = |^layers = [\s\S]*^WQ = /m,
  'in-context-learning experiment': /^experiment icl/m,
};
const isExperiment = (file: string) => FEATURES['in-context-learning experiment'].test(source(file));

/** `check` prints nothing (no warnings either) and `solve --json` succeeds: its parsed output. */
function checkedAndSolved<T>(file: string): T {
  const check = cli('check', file);
  assert.equal(check.status, 0, check.stdout + check.stderr);
  assert.equal(check.stdout, '', 'no warnings either');
  const solve = cli('solve', file, '--json');
  assert.equal(solve.status, 0, solve.stderr);
  return JSON.parse(solve.stdout) as T;
}

test('there is an example per feature', () => {
  for (const [feature, pattern] of Object.entries(FEATURES)) assert.ok(examples.some((f) => pattern.test(source(f))), `no example shows ${feature}`);
});

for (const file of examples.filter(isExperiment)) {
  test(`example ${file}: check is clean, and the experiment trains the layer towards the one-step-GD model`, () => {
    const result = checkedAndSolved<IclResult>(file);
    assert.equal(result.stopReason, 'done');
    assert.equal(result.repeats.length, result.settings.repeats);
    const first = result.summary[0];
    const last = result.summary[result.summary.length - 1];
    assert.equal(last.step, result.settings.steps);
    assert.equal(last.count, result.settings.repeats);
    // What the example is there to show (docs/experiment.md): training lowers the layer's loss and turns its
    // sensitivity towards the GD step's; one GD step beats the uniform prediction; η lies inside the grid.
    assert.ok(last.tfLoss.mean < 0.7 * first.tfLoss.mean, `loss ${first.tfLoss.mean} → ${last.tfLoss.mean}`);
    assert.ok(last.modelCos.mean > 0.5 && first.modelCos.mean < 0.1, `cos ${first.modelCos.mean} → ${last.modelCos.mean}`);
    assert.ok(last.predsDiff.mean < first.predsDiff.mean);
    for (const r of result.repeats) {
      assert.ok(r.gdLoss < r.zeroLoss, `repeat ${r.repeat}: GD ${r.gdLoss} vs uniform ${r.zeroLoss}`);
      assert.equal(r.etaAtEdge, false);
    }
  });
}

for (const file of examples.filter((f) => !isExperiment(f))) {
  test(`example ${file}: check is clean and every solve block runs without a numerical failure`, () => {
    const result = checkedAndSolved<SolveResult>(file);
    assert.ok(result.runs.length >= 1);
    for (const run of result.runs) {
      assert.ok(['steps', 'gradTol', 'lossTol'].includes(run.final.stopReason), `${run.label}: ${run.final.stopReason} ${run.final.message ?? ''}`);
      assert.ok(run.final.loss < run.iterations[0].loss, `${run.label} did not decrease the loss`);
    }
  });
}

for (const file of examples.filter((f) => /^check bounds/m.test(source(f)))) {
  test(`example ${file}: every sharp bound holds on every step, and the data move is checked when declared`, () => {
    const out = cli('check-bounds', file, '--json');
    assert.equal(out.status, 0, out.stderr);
    const result = JSON.parse(out.stdout) as { runs: (RunBounds & { final: { iterations: number } })[]; dataMove?: DataMoveReport };
    for (const run of result.runs) {
      assert.equal(run.sharpViolations, 0, run.messages.join('\n'));
      assert.equal(run.steps.length, run.final.iterations);
    }
    const layers = /^layers = (\d+)/m.exec(source(file))?.[1] ?? '1';
    assert.equal(result.dataMove?.steps.length, /^WQ = /m.test(source(file)) ? Number(layers) : undefined);
  });
}

for (const file of examples.filter((f) => /^check tensor/m.test(source(f)))) {
  test(`example ${file}: the tensor check passes`, () => {
    const out = cli('tensor', file);
    assert.equal(out.status, 0, out.stdout + out.stderr);
  });
}
