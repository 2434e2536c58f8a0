/** A worker that crashes fails its own job only: the scheduler reports it, frees the slot and runs the next job. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { JobScheduler, WorkerFailure, type SchedulerStatus } from '../../server/src/jobs/scheduler';
import { analyze } from '../../server/src/language/analyze';
import { DIST, REPO_ROOT } from '../paths';

const TEXT =
  'problem softmax normalized\nn = 5\nd = 2\nseed = 2\nA = normal()\nb = simplex()\nx0 = zeros()\nsolve gd lr = 0.5 steps = 20\n';

test('a crashed worker rejects its job with the exit code, frees its slot, and the next job gets a fresh worker', async () => {
  const a = analyze(TEXT);
  assert.ok(a.file === 'problem' && a.problem);
  const input = { problem: a.problem, specs: a.solves, checks: { bounds: false, tensor: false } };
  const meta = { runId: 'faults', source: 'faults.regress' };
  const statuses: SchedulerStatus[] = [];
  const crashing = new JobScheduler(join(REPO_ROOT, 'test', 'fixtures', 'crashing-worker.js'), 1, (s) => statuses.push(s));
  const crashed = crashing.submit('solve', input, meta, () => {}).done;
  // Queued behind the crash, this one is not lost: it gets its own (crashing) worker and fails the same way.
  const queued = crashing.submit('solve', input, meta, () => {}).done;
  assert.deepEqual(statuses.at(-1), { running: { solve: 1 }, queued: 1 });
  await assert.rejects(crashed, (e: Error) => e instanceof WorkerFailure && /exited with code 7/.test(e.message));
  await assert.rejects(queued, WorkerFailure);
  assert.deepEqual(statuses.at(-1), { running: {}, queued: 0 }, 'the slot is free again');

  const healthy = new JobScheduler(join(DIST, 'solverWorker.js'), 1, () => {});
  const first = healthy.submit('solve', input, meta, () => {}).done;
  const second = healthy.submit('solve', input, meta, () => {}).done;
  const [r1, r2] = await Promise.all([first, second]);
  assert.deepEqual([r1.runs[0].final.stopReason, r2.runs[0].final.stopReason], ['steps', 'steps']);
  assert.equal(r1.runs[0].final.loss, r2.runs[0].final.loss, 'a fresh worker per job: the same result twice');
});
