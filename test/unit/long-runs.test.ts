/**
 * Long runs: the thinned trajectory (server/src/solver/trajectory.ts) against every point of the same run, and a
 * cancel that has to terminate its worker still reporting the block as cancelled at the k it reached, with its points.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { IterationPoint, SolveResult } from '../../protocol/results';
import { JobScheduler } from '../../server/src/jobs/scheduler';
import { analyzeProblem } from './problemAnalysis';
import { runSolve } from '../../server/src/solver/run';
import { Trajectory } from '../../server/src/solver/trajectory';
import { DIST } from '../paths';

const point = (k: number, loss: number): IterationPoint => ({ k, loss, gradNorm: 1, stepNorm: 1 });

function problemOf(text: string) {
  const a = analyzeProblem(text);
  assert.ok(a.problem, a.diagnostics.map((d) => d.message).join('\n'));
  return { problem: a.problem, specs: a.solves };
}

const SMALL = (solve: string) => `problem attention normalized
n = 6
d = 3
seed = 11
A1 = normal(scale = 0.5)
A2 = A1
Xstar = normal()
B = planted(Xstar)
X0 = zeros()
${solve}
`;

test('a thinned trajectory keeps every k below 1024, then gaps of at most k/512, and the best and last points wherever they fall', () => {
  const t = new Trajectory();
  const K = 3_000_000;
  // The loss falls to its lowest at an odd k beyond 1024 (off any stride), then rises: the best is not on the grid.
  const bestK = 1_234_567;
  for (let k = 0; k <= K; k++) t.add(point(k, Math.abs(k - bestK) + 1));
  const ks = t.points().map((p) => p.k);
  for (let k = 0; k < 1024; k++) assert.equal(ks[k], k);
  for (let i = 1; i < ks.length; i++) {
    assert.ok(ks[i] > ks[i - 1], `k increases at ${i}`);
    // The best point sits inside a gap, so allow for it: every other gap is at most max(1, k/512).
    if (ks[i] !== bestK && ks[i - 1] !== bestK) assert.ok(ks[i] - ks[i - 1] <= Math.max(1, ks[i - 1] / 512), `gap ${ks[i - 1]} → ${ks[i]}`);
  }
  assert.ok(ks.includes(bestK), 'the best point is kept');
  assert.equal(ks.at(-1), K, 'the last point is kept');
  // 1024 + 512 per doubling beyond 1024: log2(3e6 / 1024) ≈ 11.5 octaves.
  assert.ok(ks.length <= 1024 + 512 * 12 + 2, `${ks.length} points`);
  const all = new Trajectory(true);
  for (let k = 0; k <= 5000; k++) all.add(point(k, 1));
  assert.equal(all.points().length, 5001, '`all` keeps every point');
});

test('a run keeps a subset of its own points, bit for bit, with the first, the lowest loss and the last', () => {
  for (const solve of [
    'solve gd lr = 40 steps = 6000 gradtol = 0',
    'solve lbfgs steps = 3000 gradtol = 0',
    'solve armijo lr = 100 steps = 5000 gradtol = 0',
  ]) {
    const { problem, specs } = problemOf(SMALL(solve));
    const streamedAll: IterationPoint[] = [];
    const every = runSolve(problem, specs[0], { onPoint: (p) => streamedAll.push(p), cancelled: () => false, allPoints: true });
    const streamed: IterationPoint[] = [];
    const thin = runSolve(problem, specs[0], { onPoint: (p) => streamed.push(p), cancelled: () => false });
    assert.equal(every.iterations.length, every.final.iterations + 1, `${solve}: --all-points keeps every point`);
    assert.deepEqual(streamedAll, every.iterations);
    assert.equal(thin.final.loss, every.final.loss, 'thinning changes nothing but what is kept');
    const byK = new Map(every.iterations.map((p) => [p.k, p]));
    // Bit for bit but the wall time, which two runs never share.
    for (const p of thin.iterations)
      assert.deepEqual({ ...p, t: undefined }, { ...byK.get(p.k), t: undefined }, `${solve}: k = ${p.k} is the run's own point`);
    // What was streamed is a prefix-ordered subset of the result (the result may add the best and the last).
    assert.ok(streamed.every((p) => thin.iterations.includes(p)));
    const best = every.iterations.reduce((a, b) => (b.loss < a.loss ? b : a));
    assert.ok(
      thin.iterations.some((p) => p.k === best.k),
      `${solve}: the lowest loss (k = ${best.k}) is kept`,
    );
    assert.equal(thin.iterations[0].k, 0);
    assert.equal(thin.iterations.at(-1)!.k, thin.final.iterations);
    if (every.final.iterations > 2048) assert.ok(thin.iterations.length < every.iterations.length, `${solve}: thinned`);
  }
});

test('every point a run keeps carries its wall time since the block started, never decreasing, the last one included', () => {
  for (const allPoints of [false, true]) {
    // 4999 steps: the last point lies off the thinned grid (stride 8 beyond k = 4096), so it is timed after the loop.
    const { problem, specs } = problemOf(SMALL('solve gd lr = 40 steps = 4999 gradtol = 0'));
    const streamed: IterationPoint[] = [];
    const r = runSolve(problem, specs[0], { onPoint: (p) => streamed.push(p), cancelled: () => false, allPoints });
    assert.equal(r.final.iterations, 4999);
    assert.equal(r.iterations.at(-1)!.k, 4999);
    if (!allPoints) assert.ok(!streamed.some((p) => p.k === 4999), 'the last point was not streamed: it is off the grid');
    r.iterations.forEach((p, i) => {
      assert.ok(p.t !== undefined && Number.isFinite(p.t) && p.t >= 0, `k = ${p.k}: t = ${p.t}`);
      if (i > 0) assert.ok(p.t >= r.iterations[i - 1].t!, `t goes back at k = ${p.k}`);
      // t is rounded to the microsecond, elapsedMs is not.
      assert.ok(p.t <= r.final.elapsedMs + 0.001, `k = ${p.k}: t = ${p.t} within the block’s ${r.final.elapsedMs} ms`);
    });
    assert.ok(r.iterations.at(-1)!.t! > r.iterations[0].t!, 'time passes over 4999 steps');
  }
});

test('a cancel that must terminate the worker still ends the block as cancelled at the last k received, with its points', async () => {
  // n = 3000: one gradient takes far longer than the 0 ms grace period, so the worker is terminated mid-iteration.
  const { problem, specs } = problemOf(
    'problem attention normalized\nn = 3000\nd = 64\nseed = 1\nA1 = normal(scale = 0.1)\nA2 = A1\nB = simplex()\nX0 = zeros()\nsolve gd steps = 100\n',
  );
  const scheduler = new JobScheduler(join(DIST, 'solverWorker.js'), 1, () => {}, 50, 0);
  const streamed: IterationPoint[] = [];
  let cancel!: () => void;
  const first = new Promise<void>((resolve) => {
    const job = scheduler.submit(
      'solve',
      { problem, specs, checks: { bounds: false, tensor: false } },
      { runId: 'cancel', source: 'test' },
      (progress) => {
        streamed.push(...progress.points);
        resolve();
      },
    );
    cancel = () => job.cancel();
    void job.done.then((r) => (result = r));
  });
  let result: SolveResult | undefined;
  await first;
  // Cancel inside iteration 1 (≈170 ms here, longer on a busy machine), not at the flag check right after k = 0.
  await new Promise((r) => setTimeout(r, 50));
  cancel();
  const deadline = Date.now() + 20_000;
  while (!result && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.ok(result, 'the job settles');
  assert.equal(result.runs.length, 1);
  const run = result.runs[0];
  assert.equal(run.final.stopReason, 'cancelled');
  assert.equal(run.final.iterations, streamed.at(-1)!.k);
  assert.deepEqual(run.iterations, streamed);
  assert.match(run.final.message ?? '', /terminated at k = \d+/, JSON.stringify(run.final).slice(0, 300));
});
