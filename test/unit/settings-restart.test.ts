/**
 * Which setting changes offer a server restart (extension/src/settings.ts): only those the server reads at initialize;
 * maxConcurrentRuns is applied live (test/server/settings-trust.test.ts) and the trace by the client itself.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changedNeedingRestart } from '../../extension/src/settings';

/** What ConfigurationChangeEvent.affectsConfiguration answers when `changed` changed: the key and its parents. */
const change = (changed: string) => (key: string) => changed === key || changed.startsWith(`${key}.`);

test('a changed diagnostics delay offers a restart; the live settings do not', () => {
  assert.deepEqual(changedNeedingRestart(change('regressLab.diagnostics.delayMs')), ['regressLab.diagnostics.delayMs']);
  assert.deepEqual(changedNeedingRestart(change('regressLab.solver.maxConcurrentRuns')), []);
  assert.deepEqual(changedNeedingRestart(change('regressLab.trace.server')), []);
  assert.deepEqual(changedNeedingRestart(change('editor.fontSize')), []);
});
