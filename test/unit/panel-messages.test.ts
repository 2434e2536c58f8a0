/**
 * The host's run-time check of what the results panel posts (extension/src/panelMessages.ts): the three message
 * kinds pass, rebuilt from their checked fields; anything else, including a log level that names another method of
 * the output channel ('clear', 'dispose', 'show'), is refused.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { describeRefused, MAX_LOG_MESSAGE_LENGTH, MAX_RUN_ID_LENGTH, parseFromPanel } from '../../extension/src/panelMessages';

const runId = '3f2c1d7e-9a4b-4c1e-8f00-1234567890ab';

test('the panel messages pass, rebuilt without extra fields', () => {
  assert.deepEqual(parseFromPanel({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseFromPanel({ type: 'cancel', runId, extra: { huge: 'x'.repeat(1e5) } }), { type: 'cancel', runId });
  assert.deepEqual(parseFromPanel({ type: 'log', level: 'error', message: 'TypeError: x is undefined (main.js:3)' }), { type: 'log', level: 'error', message: 'TypeError: x is undefined (main.js:3)' });
  assert.deepEqual(parseFromPanel({ type: 'log', level: 'info', message: 'm'.repeat(MAX_LOG_MESSAGE_LENGTH) })?.type, 'log');
  assert.deepEqual(parseFromPanel({ type: 'cancel', runId: 'r'.repeat(MAX_RUN_ID_LENGTH) })?.type, 'cancel');
});

test('everything else is refused', () => {
  const refused: unknown[] = [
    undefined, null, 0, 'ready', ['ready'], {}, { type: 'Ready' }, { type: 'runStarted', runId }, { type: 'points' },
    { type: 'cancel' }, { type: 'cancel', runId: 42 }, { type: 'cancel', runId: '' }, { type: 'cancel', runId: 'r'.repeat(MAX_RUN_ID_LENGTH + 1) },
    { type: 'cancel', runId: { toString: () => runId } },
    { type: 'log', level: 'clear', message: 'x' }, { type: 'log', level: 'dispose', message: 'x' }, { type: 'log', level: 'show', message: 'x' },
    { type: 'log', level: 'warn', message: 'x' }, { type: 'log', level: 'error' }, { type: 'log', level: 'error', message: '' },
    { type: 'log', level: 'error', message: 'm'.repeat(MAX_LOG_MESSAGE_LENGTH + 1) }, { type: 'log', level: 'error', message: ['x'] },
  ];
  for (const m of refused) assert.equal(parseFromPanel(m), undefined, JSON.stringify(m) ?? String(m));
});

test('random values: whatever passes is a well-formed, bounded FromPanel', () => {
  const near = fc.record({ type: fc.constantFrom('ready', 'cancel', 'log', 'other'), runId: fc.anything(), level: fc.oneof(fc.constantFrom('info', 'error', 'clear'), fc.anything()), message: fc.oneof(fc.string(), fc.anything()) }, { requiredKeys: ['type'] });
  fc.assert(
    fc.property(fc.oneof(fc.anything(), near), (m) => {
      const r = parseFromPanel(m);
      if (!r) return;
      assert.deepEqual(Object.keys(r).sort(), r.type === 'ready' ? ['type'] : r.type === 'cancel' ? ['runId', 'type'] : ['level', 'message', 'type']);
      if (r.type === 'cancel') assert.ok(typeof r.runId === 'string' && r.runId.length <= MAX_RUN_ID_LENGTH);
      if (r.type === 'log') assert.ok(['info', 'error'].includes(r.level) && typeof r.message === 'string' && r.message.length <= MAX_LOG_MESSAGE_LENGTH);
    }),
    { numRuns: 2000 },
  );
});

test('a refused message is described by its type only, never its content', () => {
  assert.equal(describeRefused({ type: 'log', level: 'clear', message: 'secret' }), 'a "log" message with missing or invalid fields');
  assert.equal(describeRefused(null), 'a null that is not a panel message');
  assert.equal(describeRefused('x'.repeat(1000)), 'a string that is not a panel message');
  assert.ok(describeRefused({ type: 't'.repeat(1000) }).length < 100);
});
