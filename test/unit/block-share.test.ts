/**
 * The threads' share of a solve run's blocks (server/src/jobs/unitShare.ts, rule 'slowdown'), driven step by step on
 * one thread with injected clocks: blocks differ in cost per iteration, so the probe judges by thread 0's own slowdown
 * on one block, measures again when thread 0's block changes between its windows, and never probes on blocks too short
 * to fill a window. No timing: the clocks are the seam.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { threadsFor } from '../../server/src/jobs/runKinds';
import {
  PROBE_MS,
  PROBE_STEPS,
  UnitShare,
  unitShareState,
  RETRY_MS,
  slowdownPays,
  twoThreadsPay,
  WARMUP_STEPS,
} from '../../server/src/jobs/unitShare';

/** A clock that advances by `ms` whenever it is read (one read per iteration). */
function ticking(ms: () => number) {
  let now = 0;
  return () => (now += ms());
}

/** Steps `share` until its mode leaves `mode` (each step of `others` too); returns the steps taken. */
function stepWhile(mode: string, share: UnitShare, ...others: UnitShare[]): number {
  let steps = 0;
  while (share.mode() === mode) {
    for (const o of others) o.beforeStep();
    share.beforeStep();
    assert.ok(++steps < 100_000, `the mode leaves ${mode}`);
  }
  return steps;
}

/**
 * Two threads on `blocks` blocks: thread 0 claims block 0 and iterates alone at `ms[0]` ms an iteration until its window
 * is full; thread 1 claims the next block. `ms` (each thread's time an iteration) is the test's to change; each
 * thread's cancel poll (also called while it waits) is `cancelled0`, `cancelled1`.
 */
function aloneThenPair(alone: number, blocks = 4, cancelled0 = () => false, cancelled1 = () => false) {
  const state = unitShareState(1, 2, true, 'slowdown');
  const ms = [alone, alone];
  const zero = new UnitShare(
    state,
    0,
    cancelled0,
    ticking(() => ms[0]),
  );
  const one = new UnitShare(
    state,
    1,
    cancelled1,
    ticking(() => ms[1]),
  );
  const claims0 = zero.claims(0, blocks);
  assert.equal(claims0.next().value, 0);
  assert.equal(zero.mode(), 'alone');
  assert.equal(stepWhile('alone', zero), 1 + WARMUP_STEPS + Math.max(PROBE_STEPS, Math.ceil(PROBE_MS / alone)));
  assert.equal(zero.mode(), 'pair');
  const claims1 = one.claims(0, blocks);
  assert.equal(claims1.next().value, 1);
  return { zero, one, claims0, claims1, ms };
}

test('the rule: thread 0 beside thread 1 must keep at least half its speed alone', () => {
  assert.equal(slowdownPays(10, 5), true);
  assert.equal(slowdownPays(10, 4.9), false);
  assert.equal(threadsFor(1), 1, 'a one-block run is one thread, no probe');
  assert.equal(unitShareState(1, 1, true, 'slowdown').slots[0], unitShareState(1, 2, false).slots[0], 'no probe');
});

test("thread 0 slowed below half its speed alone makes the threads take turns, however fast thread 1's block goes", () => {
  const { zero, one, ms } = aloneThenPair(10);
  // Thread 0: 10 ms an iteration alone, 25 ms beside thread 1 (0.4× its speed); thread 1's cheap block, 1 ms each.
  [ms[0], ms[1]] = [25, 1];
  stepWhile('pair', zero, one);
  assert.equal(zero.mode(), 'serial');
  // The rates of different blocks do not compare: the total rule would have kept both (1/25 + 1/1 ≥ 1/10).
  assert.equal(twoThreadsPay(1 / 10, 1 / 25, 1 / 1), true);
});

test('thread 0 keeping more than half its speed keeps both, however slow thread 1 is', () => {
  const { zero, one, ms } = aloneThenPair(10);
  // Thread 0 at 18 ms an iteration beside (0.56× its speed); thread 1's Newton block at 100 ms an iteration.
  [ms[0], ms[1]] = [18, 100];
  stepWhile('pair', zero, one);
  assert.equal(zero.mode(), 'parallel');
  assert.equal(twoThreadsPay(1 / 10, 1 / 18, 1 / 100), false, 'the total rule would have taken turns');
});

test("a block change between thread 0's windows measures again on the new block before deciding", () => {
  const { zero, one, claims0, ms } = aloneThenPair(10);
  // A few iterations side by side, then thread 0's cheap block ends and it claims block 2: 60 ms an iteration beside
  // thread 1, 50 ms alone (a 0.83× speed: two pay). Against block 0's 10 ms alone, the pair would look 6× slower.
  for (let i = 0; i < 5; i++) {
    one.beforeStep();
    zero.beforeStep();
  }
  assert.equal(claims0.next().value, 2);
  ms[0] = 60;
  stepWhile('pair', zero, one);
  // Measured beside on block 2, alone on block 0: thread 0 measures alone again (thread 1 waits meanwhile).
  assert.equal(zero.mode(), 'alone');
  ms[0] = 50;
  const steps = stepWhile('alone', zero);
  assert.equal(steps, 1 + Math.max(PROBE_STEPS, Math.ceil(PROBE_MS / 50)), 'warmed up on block 2 already');
  assert.equal(zero.mode(), 'parallel');
});

test('a block of thread 0 that ends before its window alone is full ends the probe: thread 1 starts at once', () => {
  const state = unitShareState(1, 2, true, 'slowdown');
  const zero = new UnitShare(
    state,
    0,
    () => false,
    ticking(() => 1),
  );
  const claims0 = zero.claims(0, 3);
  assert.equal(claims0.next().value, 0);
  // Ten iterations of 1 ms: far from a 400 ms window.
  for (let i = 0; i < 10; i++) zero.beforeStep();
  assert.equal(zero.mode(), 'alone');
  assert.equal(claims0.next().value, 1);
  assert.equal(zero.mode(), 'parallel');
  // Thread 1 never waits: it claims the next block.
  assert.equal(new UnitShare(state, 1, () => false).claims(0, 3).next().value, 2);
});

test('taking turns, thread 0 measures alone again after RETRY_MS, then the pair, and they decide afresh', () => {
  const { zero, one, ms } = aloneThenPair(10);
  [ms[0], ms[1]] = [25, 25];
  stepWhile('pair', zero, one);
  assert.equal(zero.mode(), 'serial');
  // Thread 0 holds the turn and iterates alone at 10 ms until the retry; its block has not changed since.
  ms[0] = 10;
  assert.equal(stepWhile('serial', zero), 1 + RETRY_MS / 10);
  assert.equal(zero.mode(), 'alone');
  stepWhile('alone', zero);
  assert.equal(zero.mode(), 'pair');
  // The other builds are gone: beside thread 1, thread 0 now keeps 10/12 of its speed.
  ms[0] = 12;
  stepWhile('pair', zero, one);
  assert.equal(zero.mode(), 'parallel');
});

test('a thread that runs out of blocks frees the other: it never waits for the turn or a probe again', () => {
  const { zero, one, claims0, claims1, ms } = aloneThenPair(10, 2);
  [ms[0], ms[1]] = [25, 25];
  stepWhile('pair', zero, one);
  assert.equal(zero.mode(), 'serial');
  // Thread 1 waits for the turn (it never had it); thread 0 ends its block and finds none left.
  zero.beforeStep();
  assert.equal(claims0.next().done, true);
  assert.equal(one.mode(), 'parallel');
  one.beforeStep();
  assert.equal(claims1.next().done, true);
});

test('taking turns on blocks shorter than RETRY_MS still measures again after RETRY_MS of stepping', () => {
  const { zero, one, claims0, ms } = aloneThenPair(10, 40);
  [ms[0], ms[1]] = [25, 25];
  stepWhile('pair', zero, one);
  assert.equal(zero.mode(), 'serial');
  // Thread 0 has the turn; its blocks of 50 iterations at 100 ms (5 s each) end one after another.
  ms[0] = 100;
  let blocks = 0;
  for (;;) {
    for (let i = 0; i < 50 && zero.mode() === 'serial'; i++) zero.beforeStep();
    if (zero.mode() !== 'serial') break;
    claims0.next();
    assert.ok(++blocks < 20, 'the threads measure again');
  }
  assert.equal(zero.mode(), 'alone');
  assert.ok(blocks >= Math.floor(RETRY_MS / 5000), `after ${blocks} blocks: about RETRY_MS of stepping`);
});

test('taking turns, the lock alternates: a thread that ends its block while the other waits hands it the turn', () => {
  const hooks = { zero: () => false, one: () => false };
  const { zero, one, claims0, ms } = aloneThenPair(
    10,
    6,
    () => hooks.zero(),
    () => hooks.one(),
  );
  [ms[0], ms[1]] = [25, 25];
  stepWhile('pair', zero, one);
  assert.equal(zero.mode(), 'serial');
  zero.beforeStep(); // thread 0 takes the lock for the rest of block 0
  let zeroWaited = false,
    polls = 0;
  let next: IteratorResult<number> | undefined;
  // Thread 0 gives up when it has to wait (as a cancel ends a wait), so the test goes on either way.
  hooks.zero = () => (zeroWaited = true);
  hooks.one = () => {
    // Thread 1 waits for the lock in its next iteration; meanwhile thread 0 ends block 0 and goes for the next block.
    next ??= claims0.next();
    return ++polls > 5; // without the turn, thread 1 would wait for ever: give up after a few polls
  };
  one.beforeStep();
  assert.equal(zeroWaited, true, 'thread 0 waited for its turn instead of taking the lock straight back');
  assert.equal(next?.done, true, `thread 0 claimed no block while thread 1 waited (claimed ${next?.value})`);
  assert.ok(polls <= 5, 'thread 1 got the lock');
});
