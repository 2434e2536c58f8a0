/**
 * The host's run-time check of what the results panel posts (extension/src/panelMessages.ts): the four message
 * kinds pass, rebuilt from their checked fields; anything else, including a log level that names another method of
 * the output channel ('clear', 'dispose', 'show') or a snapshot with one bad run, is refused.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  describeRefused,
  MAX_LOG_MESSAGE_LENGTH,
  MAX_RUN_ID_LENGTH,
  MAX_SNAPSHOT_RUNS,
  parseFromPanel,
} from '../../extension/src/panelMessages';

const runId = '3f2c1d7e-9a4b-4c1e-8f00-1234567890ab';

test('the panel messages pass, rebuilt without extra fields', () => {
  assert.deepEqual(parseFromPanel({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseFromPanel({ type: 'cancel', runId, extra: { huge: 'x'.repeat(1e5) } }), { type: 'cancel', runId });
  assert.deepEqual(parseFromPanel({ type: 'log', level: 'error', message: 'TypeError: x is undefined (main.js:3)' }), {
    type: 'log',
    level: 'error',
    message: 'TypeError: x is undefined (main.js:3)',
  });
  assert.deepEqual(parseFromPanel({ type: 'log', level: 'info', message: 'm'.repeat(MAX_LOG_MESSAGE_LENGTH) })?.type, 'log');
  assert.deepEqual(parseFromPanel({ type: 'cancel', runId: 'r'.repeat(MAX_RUN_ID_LENGTH) })?.type, 'cancel');
  const runs = [
    { runId, kind: 'solve', status: 'running', points: 1025, extra: 'x' },
    { runId: 'e', kind: 'experiment', status: 'interrupted', points: 0 },
  ];
  assert.deepEqual(parseFromPanel({ type: 'snapshot', requestId: 7, runs }), {
    type: 'snapshot',
    requestId: 7,
    runs: [
      { runId, kind: 'solve', status: 'running', points: 1025 },
      { runId: 'e', kind: 'experiment', status: 'interrupted', points: 0 },
    ],
  });
  assert.deepEqual(parseFromPanel({ type: 'snapshot', requestId: 0, runs: [] }), { type: 'snapshot', requestId: 0, runs: [] });
  assert.equal(
    (
      parseFromPanel({ type: 'snapshot', requestId: 1, runs: Array.from({ length: MAX_SNAPSHOT_RUNS }, () => runs[1]) }) as {
        runs: unknown[];
      }
    ).runs.length,
    MAX_SNAPSHOT_RUNS,
  );
});

test('everything else is refused', () => {
  const refused: unknown[] = [
    undefined,
    null,
    0,
    'ready',
    ['ready'],
    {},
    { type: 'Ready' },
    { type: 'runStarted', runId },
    { type: 'points' },
    { type: 'cancel' },
    { type: 'cancel', runId: 42 },
    { type: 'cancel', runId: '' },
    { type: 'cancel', runId: 'r'.repeat(MAX_RUN_ID_LENGTH + 1) },
    { type: 'cancel', runId: { toString: () => runId } },
    { type: 'log', level: 'clear', message: 'x' },
    { type: 'log', level: 'dispose', message: 'x' },
    { type: 'log', level: 'show', message: 'x' },
    { type: 'log', level: 'warn', message: 'x' },
    { type: 'log', level: 'error' },
    { type: 'log', level: 'error', message: '' },
    { type: 'log', level: 'error', message: 'm'.repeat(MAX_LOG_MESSAGE_LENGTH + 1) },
    { type: 'log', level: 'error', message: ['x'] },
    { type: 'snapshot' },
    { type: 'snapshot', requestId: 1 },
    { type: 'snapshot', runs: [] },
    { type: 'snapshot', requestId: -1, runs: [] },
    { type: 'snapshot', requestId: 1.5, runs: [] },
    { type: 'snapshot', requestId: '1', runs: [] },
    { type: 'snapshot', requestId: 1, runs: {} },
    {
      type: 'snapshot',
      requestId: 1,
      runs: Array.from({ length: MAX_SNAPSHOT_RUNS + 1 }, () => ({ runId, kind: 'solve', status: 'finished', points: 1 })),
    },
    ...[
      null,
      'r',
      { kind: 'solve', status: 'finished', points: 1 },
      { runId, kind: 'bench', status: 'finished', points: 1 },
      { runId, kind: 'solve', status: 'done', points: 1 },
      { runId, kind: 'solve', status: 'finished', points: -1 },
      { runId, kind: 'solve', status: 'finished', points: 0.5 },
      { runId, kind: 'solve', status: 'finished', points: '3' },
      { runId, kind: 'solve', status: 'finished' },
      { runId: '', kind: 'solve', status: 'finished', points: 1 },
    ].map((bad) => ({ type: 'snapshot', requestId: 1, runs: [{ runId, kind: 'solve', status: 'finished', points: 3 }, bad] })),
  ];
  for (const m of refused) assert.equal(parseFromPanel(m), undefined, JSON.stringify(m) ?? String(m));
});

test('random values: whatever passes is a well-formed, bounded FromPanel', () => {
  const run = fc.record(
    {
      runId: fc.oneof(fc.string(), fc.anything()),
      kind: fc.oneof(fc.constantFrom('solve', 'experiment'), fc.anything()),
      status: fc.oneof(fc.constantFrom('running', 'finished', 'failed'), fc.anything()),
      points: fc.oneof(fc.nat(), fc.anything()),
    },
    { requiredKeys: [] },
  );
  const near = fc.record(
    {
      type: fc.constantFrom('ready', 'cancel', 'log', 'snapshot', 'other'),
      runId: fc.anything(),
      level: fc.oneof(fc.constantFrom('info', 'error', 'clear'), fc.anything()),
      message: fc.oneof(fc.string(), fc.anything()),
      requestId: fc.oneof(fc.nat(), fc.anything()),
      runs: fc.oneof(fc.array(run, { maxLength: 3 }), fc.anything()),
    },
    { requiredKeys: ['type'] },
  );
  // Export messages are tested in export-messages.test.ts.
  const keys = {
    ready: ['type'],
    cancel: ['runId', 'type'],
    log: ['level', 'message', 'type'],
    snapshot: ['requestId', 'runs', 'type'],
    export: [],
    exportFailed: [],
  };
  fc.assert(
    fc.property(fc.oneof(fc.anything(), near), (m) => {
      const r = parseFromPanel(m);
      if (!r) return;
      assert.deepEqual(Object.keys(r).sort(), keys[r.type]);
      if (r.type === 'cancel') assert.ok(typeof r.runId === 'string' && r.runId.length <= MAX_RUN_ID_LENGTH);
      if (r.type === 'log')
        assert.ok(['info', 'error'].includes(r.level) && typeof r.message === 'string' && r.message.length <= MAX_LOG_MESSAGE_LENGTH);
      if (r.type === 'snapshot') {
        assert.ok(Number.isSafeInteger(r.requestId) && r.requestId >= 0 && r.runs.length <= MAX_SNAPSHOT_RUNS);
        for (const s of r.runs) {
          assert.deepEqual(Object.keys(s).sort(), ['kind', 'points', 'runId', 'status']);
          assert.ok(
            typeof s.runId === 'string' &&
              s.runId.length <= MAX_RUN_ID_LENGTH &&
              ['solve', 'experiment'].includes(s.kind) &&
              Number.isSafeInteger(s.points) &&
              s.points >= 0,
          );
        }
      }
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
