/**
 * A solve's matrices in the saved results history (extension/src/historyThin.ts): a run whose matrices would make it
 * too large to save loses their entries first (pooled tiles, as the server pools, take their place), then their tiles,
 * and is saved; statistics and worst rows always stay.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pool } from '../../common/matrixSummary';
import { HISTORY_LIMITS, RunHistory } from '../../extension/src/history';
import { thinSolve } from '../../extension/src/historyThin';
import type { BlockResult, SolveResult } from '../../protocol/results';
import type { RunEvent } from '../../protocol/runs';
import { Rng } from '../../server/src/math/random';
import type { AttentionProblem } from '../../server/src/problem';
import { addFinalMatrices, runMatrices } from '../../server/src/solver/matrices';
import { randMatrix, rowStochastic } from './builders';

const n = 100;

function solveRun(): RunEvent<'solve'>[] {
  const rng = new Rng(4);
  const p: AttentionProblem = {
    kind: 'attention',
    variant: 'normalized',
    n,
    d: 3,
    reg: 0,
    A1: randMatrix(rng, n, 3, 1),
    A2: randMatrix(rng, n, 3, 1),
    B: rowStochastic(rng, n, n),
    X0: { rows: 3, cols: 3, data: new Float64Array(9) },
  };
  const spec = { index: 0, method: 'gd' as const, options: { steps: 5 }, line: 0, label: 'gd' };
  const iterations = [0, 1, 2].map((k) => ({ k, loss: 1 / (k + 1), gradNorm: 1, stepNorm: k && 0.1 }));
  const run: BlockResult = {
    index: 0,
    method: 'gd',
    options: { steps: 5 },
    label: 'gd',
    iterations,
    final: { loss: 1 / 3, X: [0, 1, 2].map((i) => [0.1 * i, -0.2, 0.3]), stopReason: 'steps', iterations: 2, elapsedMs: 1 },
  };
  addFinalMatrices(p, run);
  const result: SolveResult = {
    runId: 'r1',
    source: 'file:///m.regress',
    problem: { kind: 'attention', variant: 'normalized', n, d: 3, reg: 0 },
    runs: [run],
    matrices: runMatrices(p),
  };
  return [
    {
      event: 'started',
      kind: 'solve',
      runId: 'r1',
      uri: 'file:///m.regress',
      title: 'm',
      startedAt: 0,
      data: { problem: result.problem, blocks: [spec] },
    },
    { event: 'progress', kind: 'solve', runId: 'r1', data: { block: 0, points: iterations, maxSteps: 5 } },
    { event: 'finished', kind: 'solve', runId: 'r1', result },
  ];
}

function answer(events: RunEvent<'solve'>[]): SolveResult {
  const end = events[events.length - 1];
  assert.equal(end.event, 'finished');
  return end.result;
}

test('entries are kept up to the cap’s side, pooled beyond it, and the tiles dropped beyond it too', () => {
  const events = solveRun();
  const full = answer(events).matrices!;
  assert.equal(full.target.values?.length, n * n);
  const kept = answer(thinSolve(events, { ...HISTORY_LIMITS.caps, matrixSide: 128 }));
  assert.deepEqual(kept.matrices, full);

  const pooled = answer(thinSolve(events, { ...HISTORY_LIMITS.caps, matrixSide: 64 }));
  const block = pooled.runs[0].matrices!;
  for (const m of [pooled.matrices!.target, pooled.matrices!.initial.difference, block.prediction, block.difference]) {
    assert.equal(m.values, undefined);
    assert.deepEqual([m.pooled!.rows, m.pooled!.cols, m.pooled!.tileRows], [50, 50, 2]);
  }
  assert.deepEqual(pooled.matrices!.target.pooled, pool(n, n, full.target.values!));
  assert.deepEqual(pooled.matrices!.target.stats, full.target.stats);
  assert.deepEqual(block.difference.worstRows, answer(events).runs[0].matrices!.difference.worstRows);
  // X is 3×3: its entries stay.
  assert.equal(block.X.values?.length, 9);

  const bare = answer(thinSolve(events, { ...HISTORY_LIMITS.caps, matrixSide: 32 })).matrices!.target;
  assert.equal(bare.values, undefined);
  assert.equal(bare.pooled, undefined);
  assert.deepEqual(bare.stats, full.target.stats);
  assert.equal(bare.worstRows.length, full.target.worstRows.length);
  // The input events are not changed.
  assert.deepEqual(answer(events).matrices, full);
});

test('a run too large for its entries is saved with pooled matrices, not dropped', () => {
  const events = solveRun();
  const whole = JSON.stringify(thinSolve(events, HISTORY_LIMITS.caps)).length;
  // Five 100×100 matrices in full: about half a megabyte.
  assert.ok(whole > 400_000, `${whole} bytes`);
  const history = new RunHistory({ ...HISTORY_LIMITS, runBytes: whole - 1 });
  let outcome: string | undefined;
  for (const e of events) outcome = history.record(e);
  assert.equal(outcome, 'saved');
  const saved = JSON.parse(history.serialize(new Date(0))) as { runs: RunEvent<'solve'>[][] };
  const m = answer(saved.runs[0]).matrices!;
  assert.equal(m.target.values, undefined);
  assert.equal(m.target.pooled?.extreme.length, 2500);
  assert.ok(JSON.stringify(saved.runs[0]).length < whole / 3);
});
