/**
 * The threads' share of an experiment's repeats (server/src/jobs/unitShare.ts), driven step by step on one thread
 * with injected clocks: a measured slowdown of two threads makes them take turns, a real gain keeps both training,
 * taking turns is measured again every RETRY_MS, and every repeat is claimed exactly once either way. No timing: the
 * clocks are the seam.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  MIN_GAIN,
  PROBE_MS,
  PROBE_STEPS,
  UnitShare,
  unitShareState,
  RETRY_MS,
  twoThreadsPay,
  WARMUP_STEPS,
} from '../../server/src/jobs/unitShare';

/** A clock that advances by `ms` whenever it is read (one read per Adam step). */
function ticking(ms: () => number) {
  let now = 0;
  return () => (now += ms());
}

/**
 * Two threads on a run of `repeats` repeats: thread 0 trains alone at `alone` ms a step, then both at `pair` ms a step
 * each, until they decide. Returns the shared state, both threads' views, their claims so far, and `ms`, each thread's
 * time per step from then on (the test sets it).
 */
function probe(alone: number, pair: number, repeats = 6) {
  const state = unitShareState(1, 2, true);
  const ms = [alone, pair];
  const zero = new UnitShare(
    state,
    0,
    () => false,
    ticking(() => ms[0]),
  );
  const one = new UnitShare(
    state,
    1,
    () => false,
    ticking(() => ms[1]),
  );
  const claims0 = zero.claims(0, repeats);
  const claimed: number[][] = [[], []];
  claimed[0].push(claims0.next().value as number);
  assert.equal(zero.mode(), 'alone');
  // Thread 0 alone until its probe ends (warm-up, then a window of at least PROBE_STEPS and PROBE_MS).
  let steps = 0;
  while (zero.mode() === 'alone') {
    zero.beforeStep();
    assert.ok(++steps < 1000, 'the alone probe ends');
  }
  assert.equal(steps, 1 + WARMUP_STEPS + Math.max(PROBE_STEPS, Math.ceil(PROBE_MS / alone)));
  ms[0] = pair;
  // Thread 1 may start now; both step in turn until the decision.
  const claims1 = one.claims(0, repeats);
  claimed[1].push(claims1.next().value as number);
  steps = 0;
  while (zero.mode() === 'pair') {
    one.beforeStep();
    zero.beforeStep();
    assert.ok(++steps < 1000, 'the pair probe ends');
  }
  return { state, zero, one, claims0, claims1, claimed, ms };
}

test('the decision: two threads must train at least as many steps per second as one alone', () => {
  assert.equal(MIN_GAIN, 1);
  assert.equal(twoThreadsPay(10, 5, 5), true);
  assert.equal(twoThreadsPay(10, 4.9, 5), false);
  assert.equal(twoThreadsPay(10, 10, 10), true);
});

test('a measured slowdown (two threads at a third of the speed each) makes the threads take turns', () => {
  const { zero, one, claims0, claims1, claimed } = probe(10, 30);
  assert.equal(zero.mode(), 'serial');
  assert.equal(one.mode(), 'serial');
  // Thread 0 takes the turn at its next step and keeps it for its repeat; then it claims the rest, one after another.
  zero.beforeStep();
  for (let r = claims0.next(); !r.done; r = claims0.next()) {
    claimed[0].push(r.value);
    zero.beforeStep();
  }
  // Thread 0 gave the turn back when it ran out: thread 1 takes it without waiting and finishes its repeat.
  one.beforeStep();
  for (let r = claims1.next(); !r.done; r = claims1.next()) claimed[1].push(r.value);
  assert.deepEqual(claimed, [[0, 2, 3, 4, 5], [1]]);
});

test('taking turns, the threads measure side by side again every RETRY_MS, and train together once that pays', () => {
  const { zero, one, ms } = probe(10, 30);
  assert.equal(zero.mode(), 'serial');
  // Thread 0 trains alone (10 ms a step) while thread 1 waits for its turn: after RETRY_MS the pair is measured again.
  ms[0] = 10;
  let steps = 0;
  while (zero.mode() === 'serial') {
    zero.beforeStep();
    assert.ok(++steps < RETRY_MS, 'the retry comes');
  }
  assert.equal(zero.mode(), 'pair');
  assert.equal(steps, 1 + RETRY_MS / 10);
  // The other builds are gone: side by side each now takes 12 ms a step, 1.67× the steps per second of one.
  ms[0] = ms[1] = 12;
  while (zero.mode() === 'pair') {
    one.beforeStep();
    zero.beforeStep();
  }
  assert.equal(zero.mode(), 'parallel');
});

test('a real gain (two threads at 1.6× the time a step each: 1.25× the steps per second) keeps both training', () => {
  const { zero, claims0, claims1, claimed } = probe(10, 16);
  assert.equal(zero.mode(), 'parallel');
  // Interleaved claims, no lock: each thread takes the next repeat when it finishes one.
  for (;;) {
    const a = claims0.next();
    const b = claims1.next();
    if (!a.done) claimed[0].push(a.value);
    if (!b.done) claimed[1].push(b.value);
    if (a.done && b.done) break;
  }
  assert.deepEqual(claimed, [
    [0, 2, 4],
    [1, 3, 5],
  ]);
});

test('a run with its thread count given never probes; a run that ends before the probe releases thread 1', () => {
  const fixed = new UnitShare(unitShareState(1, 2, false), 0, () => false);
  assert.equal(fixed.mode(), 'parallel');
  // Thread 0 claims both repeats (tiny ones) before its probe ends: the mode leaves 'alone', so thread 1 never waits.
  const state = unitShareState(1, 2, true);
  const zero = new UnitShare(
    state,
    0,
    () => false,
    ticking(() => 1),
  );
  assert.deepEqual([...zero.claims(0, 2)], [0, 1]);
  assert.equal(zero.mode(), 'parallel');
  assert.deepEqual([...new UnitShare(state, 1, () => false).claims(0, 2)], []);
});

test('a thread waiting for its turn stops waiting when the run is cancelled', () => {
  const { state, zero } = probe(10, 30);
  // Thread 0 holds the turn; thread 1 polls the cancel flag while it waits, and returns once it is set.
  zero.beforeStep();
  let polls = 0;
  new UnitShare(state, 1, () => ++polls === 3).beforeStep();
  assert.equal(polls, 3);
});
