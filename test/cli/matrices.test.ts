/**
 * The matrices a solve's result carries for the panel's heatmaps, through the CLI: `solve --json` (in process) and
 * `report` (on a worker, the editor's path). Checked against what the same result says otherwise: the final X,
 * the target, and the final loss 0.5·‖prediction − B‖_F².
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SolveResult } from '../../protocol/results';
import type { ReportPayload } from '../../protocol/webview';
import { DIST, EXAMPLES } from '../paths';

const cli = (...args: string[]) => spawnSync(process.execPath, [join(DIST, 'cli.js'), ...args], { encoding: 'utf8' });
const tmp = mkdtempSync(join(tmpdir(), 'regress-matrices-'));

function solveJson(example: string): SolveResult {
  const r = cli('solve', join(EXAMPLES, example), '--json');
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as SolveResult;
}

test('solve --json carries the target, the initial point and each block’s final point', () => {
  const out = solveJson('quickstart.regress');
  const m = out.matrices!;
  assert.deepEqual([m.target.rows, m.target.cols, m.target.values?.length], [8, 8, 64]);
  // X0 = 0: every row of the prediction is uniform, 1/8 exactly.
  assert.ok(m.initial.X.values!.every((v) => v === 0));
  assert.ok(m.initial.prediction.values!.every((v) => v === 1 / 8));
  assert.deepEqual(
    m.initial.difference.values,
    m.target.values!.map((b) => 1 / 8 - b),
  );
  const run = out.runs[0];
  assert.deepEqual(run.matrices!.X.values, run.final.X!.flat());
  // The final loss is 0.5·‖prediction − B‖_F² (normalized, no regularizer).
  const fro = run.matrices!.difference.stats.fro;
  assert.ok(Math.abs(0.5 * fro * fro - run.final.loss) <= 1e-9 * run.final.loss, `${0.5 * fro * fro} vs ${run.final.loss}`);
  assert.equal(run.matrices!.difference.worstRows.length, 8);
});

test('the vector problem’s matrices are columns', () => {
  const out = solveJson('softmax-vector.regress');
  const { n, d } = out.problem;
  const m = out.matrices!;
  assert.deepEqual([m.target.rows, m.target.cols, m.initial.prediction.rows, m.initial.prediction.cols], [n, 1, n, 1]);
  assert.deepEqual([m.initial.X.rows, m.initial.X.cols], [d, 1]);
  assert.deepEqual(out.runs[0].matrices!.X.values, out.runs[0].final.x);
  assert.ok(Math.abs(out.runs[0].matrices!.prediction.stats.mean - 1 / n) < 1e-15, 'softmax sums to 1');
});

test('the report, run on a worker as in the editor, carries the same matrices as solve --json', () => {
  const html = join(tmp, 'quickstart.html');
  const r = cli('report', join(EXAMPLES, 'quickstart.regress'), '-o', html, '--quiet');
  assert.equal(r.status, 0, r.stderr);
  const json = /<script type="application\/json" id="regress-report"[^>]*>([\s\S]*?)<\/script>/.exec(readFileSync(html, 'utf8'))![1];
  const end = (JSON.parse(json) as ReportPayload).messages.find((e) => e.event === 'finished');
  assert.ok(end && end.event === 'finished' && end.kind === 'solve');
  const result = end.result as SolveResult;
  const inProcess = solveJson('quickstart.regress');
  assert.deepEqual(result.matrices, inProcess.matrices);
  assert.deepEqual(result.runs[0].matrices, inProcess.runs[0].matrices);
});
