/**
 * What changed between two solve runs (common/runDiff.ts): the phrases a card is named by and the rows of the panel's
 * parameter table, on runs that differ in one option, in a block, in the problem, in the data only, or not at all.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changesText, runChanges, settingsDiff, type RunSettings } from '../../common/runDiff';
import type { BlockSpec } from '../../protocol/results';

const problem = { kind: 'attention', variant: 'normalized', n: 8, d: 4, reg: 0 } as const;
const gd = (lr: number, more: Record<string, number> = {}): BlockSpec => ({
  index: 0,
  method: 'gd',
  options: { lr, ...more },
  line: 10,
  label: `gd lr=${lr}`,
});
const lbfgs: BlockSpec = { index: 1, method: 'lbfgs', options: { memory: 8 }, line: 11, label: 'lbfgs memory=8' };
const run = (blocks: BlockSpec[], own: Partial<RunSettings> = {}): RunSettings => ({ problem, blocks, fingerprint: 'aa', ...own });

test('a changed learning rate of a single block is named by the option alone', () => {
  const changes = runChanges(run([gd(0.5)]), run([gd(0.25)]));
  assert.deepEqual(changes, ['lr 0.5 → 0.25']);
  assert.equal(changesText(changes), 'lr 0.5 → 0.25');
});

test('two equal runs have the same settings', () => {
  assert.deepEqual(runChanges(run([gd(0.5), lbfgs]), run([gd(0.5), lbfgs])), []);
  assert.equal(changesText([]), 'same settings');
});

test('blocks added, removed and changed in method, options set and left to the default, by block', () => {
  const armijo: BlockSpec = { index: 0, method: 'armijo', options: {}, line: 10, label: 'armijo' };
  assert.deepEqual(runChanges(run([gd(0.5)]), run([gd(0.5), lbfgs])), ['+ block #2 lbfgs memory=8']);
  assert.deepEqual(runChanges(run([gd(0.5), lbfgs]), run([gd(0.5)])), ['− block #2 lbfgs memory=8']);
  assert.deepEqual(runChanges(run([gd(0.5), lbfgs]), run([armijo, lbfgs])), ['#1 gd lr=0.5 → armijo']);
  assert.deepEqual(runChanges(run([gd(0.5), lbfgs]), run([gd(0.5, { steps: 200 }), lbfgs])), ['#1 steps default → 200']);
  assert.deepEqual(runChanges(run([gd(0.5, { steps: 200 })]), run([gd(0.5)])), ['steps 200 → default']);
});

test('the problem, and its numbers alone through the fingerprint; an unknown fingerprint says nothing', () => {
  assert.deepEqual(runChanges(run([gd(0.5)]), run([gd(0.5)], { problem: { ...problem, n: 16, reg: 0.001 } })), [
    'n 8 → 16',
    'reg 0 → 0.001',
  ]);
  assert.deepEqual(runChanges(run([gd(0.5)]), run([gd(0.5)], { fingerprint: 'bb' })), ['data changed']);
  assert.deepEqual(runChanges(run([gd(0.5)], { fingerprint: undefined }), run([gd(0.5)], { fingerprint: 'bb' })), []);
  // Numbers print in full, never rounded.
  assert.deepEqual(runChanges(run([gd(0.123456789012)]), run([gd(1e-7)])), ['lr 0.123456789012 → 1e-7']);
});

test('the settings table lists every setting of both runs and marks the changed ones', () => {
  const rows = settingsDiff(run([gd(0.5), lbfgs]), run([gd(0.25)], { fingerprint: 'bb' }));
  assert.deepEqual(rows, [
    { name: 'kind', before: 'attention', after: 'attention', changed: false },
    { name: 'variant', before: 'normalized', after: 'normalized', changed: false },
    { name: 'n', before: '8', after: '8', changed: false },
    { name: 'd', before: '4', after: '4', changed: false },
    { name: 'reg', before: '0', after: '0', changed: false },
    { name: 'data (fingerprint)', before: 'aa', after: 'bb', changed: true },
    { name: '#1 method', before: 'gd', after: 'gd', changed: false },
    { name: '#1 lr', before: '0.5', after: '0.25', changed: true },
    { name: '#2 method', before: 'lbfgs', changed: true },
    { name: '#2 memory', before: '8', changed: true },
  ]);
});

test('one block run from its ▶ Solve is a part of the file, not a file whose other blocks were deleted', () => {
  const whole = run([gd(0.5), lbfgs], { blocksInFile: 2 });
  const second = run([lbfgs], { blocksInFile: 2 });
  assert.deepEqual(runChanges(whole, second), []);
  assert.deepEqual(runChanges(second, whole), []);
  // A change in the block both ran still shows; blocks deleted from the file still do when both ran the whole file.
  assert.deepEqual(runChanges(whole, run([{ ...lbfgs, options: { memory: 4 } }], { blocksInFile: 2 })), ['#2 memory 8 → 4']);
  assert.deepEqual(runChanges(whole, run([gd(0.5)], { blocksInFile: 1 })), ['− block #2 lbfgs memory=8']);
  assert.deepEqual(
    settingsDiff(whole, second).map((r) => r.name),
    ['kind', 'variant', 'n', 'd', 'reg', 'data (fingerprint)', '#2 method', '#2 memory'],
  );
});
