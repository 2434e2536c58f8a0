import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { DataMoveReport, BlockBounds } from '../../protocol/bounds';
import type { IclResult, IclSweepResult } from '../../protocol/experiment';
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
  'sweep of an experiment setting': /^sweep \w+ = /m,
};
const isExperiment = (file: string) => FEATURES['in-context-learning experiment'].test(source(file));

/** `check` prints nothing (no warnings either) and `solve --json` (with `options`) succeeds: its parsed output. */
function checkedAndSolved<T>(file: string, ...options: string[]): T {
  const check = cli('check', file);
  assert.equal(check.status, 0, check.stdout + check.stderr);
  assert.equal(check.stdout, '', 'no warnings either');
  const solve = cli('solve', file, '--json', ...options);
  assert.equal(solve.status, 0, solve.stderr);
  return JSON.parse(solve.stdout) as T;
}

test('there is an example per feature', () => {
  for (const [feature, pattern] of Object.entries(FEATURES))
    assert.ok(
      examples.some((f) => pattern.test(source(f))),
      `no example shows ${feature}`,
    );
});

/**
 * The figures' full budgets take minutes (docs/experiment.md gives their times and numbers): here they run with a
 * smaller budget given on the command line (a few seconds each), and show less — the loss falling towards linearised
 * GD's, Model Cos rising. At that budget the sweep's d = 40 has only started (0.97 × uniform, Model Cos 0.44; d = 5
 * reaches 0.66 and 0.99), so the sweep's bounds are loose.
 */
const QUICK: Record<string, { set: string[]; tfRatio: number; modelCos: number }> = {
  'icl-figure-a.regress': { set: ['steps=1500', 'repeats=2'], tfRatio: 0.85, modelCos: 0.8 },
  'icl-figure-b.regress': { set: ['steps=1500', 'batch=64', 'repeats=2'], tfRatio: 0.75, modelCos: 0.8 },
  'icl-figure-c.regress': { set: ['steps=2500', 'batch=64', 'repeats=2'], tfRatio: 0.99, modelCos: 0.3 },
};
/** At the file's own budget: the layer close to linearised GD and aligned with it (docs/experiment.md). */
const FULL = { tfRatio: 0.8, modelCos: 0.95 };

/** What every experiment (or sweep point) must show: training moves the layer from the uniform prediction towards GD. */
function assertLearned(result: Omit<IclResult, 'runId' | 'source'>, want: { tfRatio: number; modelCos: number }, where: string) {
  assert.equal(result.stopReason, 'done', where);
  assert.equal(result.repeats.length, result.settings.repeats, where);
  const first = result.summary[0];
  const last = result.summary[result.summary.length - 1];
  assert.equal(last.step, result.settings.steps, where);
  assert.equal(last.count, result.settings.repeats, where);
  // The offset read-out starts at the uniform prediction (ratio 1); training brings the loss down towards linearised
  // GD's, turns the layer's sensitivity towards the GD step's, and brings its predictions closer to GD's.
  assert.ok(Math.abs(first.tfRatio.mean - 1) < 0.01, `${where}: starts at ${first.tfRatio.mean} × uniform`);
  assert.ok(
    last.tfRatio.mean < want.tfRatio && last.tfRatio.mean < first.tfRatio.mean,
    `${where}: loss ratio ${first.tfRatio.mean} → ${last.tfRatio.mean}`,
  );
  assert.ok(
    last.modelCos.mean > want.modelCos && first.modelCos.mean < 0.1,
    `${where}: cos ${first.modelCos.mean} → ${last.modelCos.mean}`,
  );
  assert.ok(
    last.predsDiff.mean < first.predsDiff.mean && last.modelDiff.mean < first.modelDiff.mean,
    `${where}: Preds Diff and Model Diff fall`,
  );
  for (const r of result.repeats) {
    assert.ok(r.gdLoss < r.zeroLoss, `${where} repeat ${r.repeat}: GD ${r.gdLoss} vs uniform ${r.zeroLoss}`);
    assert.equal(r.etaAtEdge, false);
  }
}

test('every figure with a smaller budget in the example test is an example', () => {
  for (const file of Object.keys(QUICK)) assert.ok(examples.includes(file), file);
});

for (const file of examples.filter(isExperiment)) {
  const quick = QUICK[file];
  const budget = quick ? ` (with ${quick.set.join(', ')})` : '';
  test(`example ${file}: check is clean, and the experiment trains the layer towards the one-step-GD model${budget}`, () => {
    const result = checkedAndSolved<IclResult | IclSweepResult>(file, ...(quick?.set.flatMap((s) => ['--set', s]) ?? []));
    const want = quick ?? FULL;
    if (!('sweep' in result)) return assertLearned(result, want, file);
    assert.equal(result.stopReason, 'done');
    assert.deepEqual(
      result.points.map((p) => p.value),
      result.sweep.values,
    );
    for (const p of result.points) assertLearned(p.result, want, `${file} at ${result.sweep.setting} = ${p.value}`);
  });
}

for (const file of examples.filter((f) => !isExperiment(f))) {
  test(`example ${file}: check is clean and every solve block runs without a numerical failure`, () => {
    const result = checkedAndSolved<SolveResult>(file);
    assert.ok(result.runs.length >= 1);
    for (const run of result.runs) {
      assert.ok(
        ['steps', 'gradTol', 'lossTol'].includes(run.final.stopReason),
        `${run.label}: ${run.final.stopReason} ${run.final.message ?? ''}`,
      );
      assert.ok(run.final.loss < run.iterations[0].loss, `${run.label} did not decrease the loss`);
    }
  });
}

for (const file of examples.filter((f) => /^check bounds/m.test(source(f)))) {
  test(`example ${file}: every sharp bound holds on every step, and the data move is checked when declared`, () => {
    const out = cli('check-bounds', file, '--json');
    assert.equal(out.status, 0, out.stderr);
    const result = JSON.parse(out.stdout) as { runs: (BlockBounds & { final: { iterations: number } })[]; dataMove?: DataMoveReport };
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
