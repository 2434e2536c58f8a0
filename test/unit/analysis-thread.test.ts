import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { AnalysisThread } from '../../server/src/jobs/analysisThread';
import { DIST } from '../paths';

const planted = (n: number) =>
  `problem attention normalized\nn = ${n}\nd = ${n}\nA1 = normal(scale = 0.02)\nA2 = A1\nXstar = normal()\nB = planted(Xstar)\nsolve gd\n`;

test('a superseded task is dropped at once and, past abandonMs, abandoned: the next task does not wait for it', async () => {
  const thread = new AnalysisThread(join(DIST, 'analysisWorker.js'), 100);
  // Warm the worker, and time the build that will be abandoned.
  assert.equal((await thread.run('warm', { kind: 'analyze', text: planted(8) }))?.kind, 'analyze');
  let t0 = performance.now();
  assert.equal((await thread.run('a', { kind: 'analyze', text: planted(1024) }))?.kind, 'analyze');
  const heavyMs = performance.now() - t0;

  const old = thread.run('a', { kind: 'analyze', text: planted(1024) });
  const queued = thread.run('a', { kind: 'analyze', text: planted(8) });
  await new Promise((r) => setTimeout(r, 50));
  t0 = performance.now();
  thread.supersede('a');
  assert.equal(await old, undefined);
  assert.equal(await queued, undefined);
  const next = await thread.run('b', { kind: 'analyze', text: planted(8) });
  const nextMs = performance.now() - t0;
  assert.equal(next?.kind, 'analyze');
  assert.ok(
    nextMs < heavyMs / 2,
    `the next task answered ${nextMs.toFixed(0)} ms after the supersede; the abandoned build takes ${heavyMs.toFixed(0)} ms`,
  );
});

test('a worker that dies fails its task with the reason, and the next task gets a new worker', async () => {
  const thread = new AnalysisThread(join(DIST, 'no-such-worker.js'));
  for (let i = 0; i < 2; i++) {
    const answer = await thread.run(undefined, { kind: 'analyze', text: planted(8) });
    assert.equal(answer?.kind, 'failed');
    assert.match(answer.kind === 'failed' ? answer.message : '', /^the analysis worker stopped: .*no-such-worker\.js/);
  }
});
