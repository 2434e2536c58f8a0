/** An experiment's repeats on two worker threads give exactly the numbers of one thread, and a failure ends both. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { IclSettings } from '../../protocol/experiment';
import { JobScheduler } from '../../server/src/jobs/scheduler';
import { analyze } from '../../server/src/language/analyze';
import { DIST } from '../paths';
import { TINY_EXPERIMENT } from '../tinyExperiment';

function settingsOf(text: string): IclSettings {
  const a = analyze(text);
  assert.ok(a.file === 'experiment' && a.settings);
  return a.settings;
}

const run = (settings: IclSettings, threads: number) =>
  new JobScheduler(join(DIST, 'solverWorker.js'), 1, () => {}).submit(
    'experiment',
    { settings, threads },
    { runId: 'threads', source: 'threads.regress' },
    () => {},
  ).done;

test('five repeats on two threads equal the same five on one thread, bit for bit, summary included', async () => {
  const settings = settingsOf(TINY_EXPERIMENT.replace('repeats = 2', 'repeats = 5'));
  const [one, two] = await Promise.all([run(settings, 1), run(settings, 2)]);
  assert.equal(two.stopReason, 'done');
  assert.deepEqual(
    two.repeats.map((r) => r.repeat),
    [0, 1, 2, 3, 4],
  );
  assert.deepEqual(two.repeats, one.repeats);
  assert.deepEqual(two.summary, one.summary);
});

test('a repeat that fails on one thread ends the other: the merged run names the failure', async () => {
  // An absurd Adam step size makes the training loss non-finite within a few steps, in every repeat.
  const settings = settingsOf(
    TINY_EXPERIMENT.replace('repeats = 2', 'repeats = 4').replace('steps = 20', 'steps = 100000').concat('lr = 1e300\n'),
  );
  const merged = await run(settings, 2);
  assert.equal(merged.stopReason, 'nonFinite', JSON.stringify({ stop: merged.stopReason, message: merged.message }));
  assert.match(merged.message ?? '', /^Repeat \d, Adam step \d+: the training loss is/);
  assert.ok(merged.repeats.length <= 2, `${merged.repeats.length} repeats: the others never started`);
});
