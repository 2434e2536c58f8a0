/**
 * The speed and time left of a run (common/eta.ts), from samples of steps done at wall-clock moments: exact on a
 * steady run, "estimating…" until enough samples, slowing down on a stall, never negative, infinite or NaN, whatever
 * the samples (zero totals, steps going back, clocks going back, noise).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  ETA_MIN_ELAPSED_MS,
  ETA_MIN_INTERVALS,
  estimateEta,
  etaText,
  stepsOverParts,
  updateEta,
  type Eta,
  type EtaSample,
  type EtaState,
} from '../../common/eta';

const feed = (samples: EtaSample[], state?: EtaState) => samples.reduce<EtaState | undefined>((s, x) => updateEta(s, x), state);
/** Uniform in [0, 1), reproducible from `seed`. */
function lcg(seed: number): () => number {
  let x = seed;
  return () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const estimate = (e: Eta) => (e.kind === 'estimate' ? e : assert.fail(`expected an estimate, got ${JSON.stringify(e)}`));

test('a steady run: the speed and time left are exact, and the time left falls as the run goes', () => {
  // 500 steps/s of 100,000, sampled every 50 ms (the server's batches).
  const samples = Array.from({ length: 400 }, (_, i) => ({ atMs: 10_000 + i * 50, done: i * 25, total: 100_000 }));
  let state: EtaState | undefined;
  let previous = Infinity;
  for (const s of samples) {
    state = updateEta(state, s);
    const eta = estimateEta(state);
    if (eta.kind === 'estimating') continue;
    assert.ok(Math.abs(eta.stepsPerSecond - 500) < 1e-9, `${eta.stepsPerSecond} steps/s`);
    assert.ok(Math.abs(eta.remainingMs - ((100_000 - s.done) / 500) * 1000) < 1e-6, `${eta.remainingMs} ms left at ${s.done}`);
    assert.ok(eta.remainingMs < previous);
    previous = eta.remainingMs;
  }
  // 90,025 steps left at 500 steps/s: 180.05 s, shown rounded up.
  assert.equal(etaText(estimateEta(state)), '500 steps/s · 3 min 1 s left');
});

test('"estimating…" until enough intervals and a second of samples', () => {
  const first = { atMs: 0, done: 0, total: 1000 };
  assert.deepEqual(estimateEta(undefined), { kind: 'estimating' });
  assert.deepEqual(estimateEta(updateEta(undefined, first)), { kind: 'estimating' });
  // Many quick samples within the first second: still estimating.
  const quick = feed(Array.from({ length: 20 }, (_, i) => ({ atMs: i * 10, done: i, total: 1000 })));
  assert.deepEqual(estimateEta(quick), { kind: 'estimating' });
  // A second has passed but with too few intervals: estimating.
  const few = feed([first, { atMs: 500, done: 10, total: 1000 }, { atMs: ETA_MIN_ELAPSED_MS, done: 20, total: 1000 }]);
  assert.equal(ETA_MIN_INTERVALS, 3);
  assert.deepEqual(estimateEta(few), { kind: 'estimating' });
  const enough = updateEta(few, { atMs: 1500, done: 30, total: 1000 });
  assert.ok(Math.abs(estimate(estimateEta(enough)).stepsPerSecond - 20) < 1e-9);
  assert.equal(etaText(estimateEta(quick)), 'estimating…');
});

test('a stall: the speed falls and the time left grows while no steps come, whether samples come or not', () => {
  const steady = feed(Array.from({ length: 60 }, (_, i) => ({ atMs: i * 100, done: i * 100, total: 100_000 })));
  const before = estimate(estimateEta(steady));
  assert.ok(Math.abs(before.stepsPerSecond - 1000) < 1e-9);
  // Ten seconds without a step, reported by samples…
  const stalled = feed(
    Array.from({ length: 100 }, (_, i) => ({ atMs: 6000 + i * 100, done: 5900, total: 100_000 })),
    steady,
  );
  const reported = estimate(estimateEta(stalled));
  // … or by nothing at all (estimated at a later time).
  const silent = estimate(estimateEta(steady, 15_900));
  for (const after of [reported, silent]) {
    assert.ok(after.stepsPerSecond < before.stepsPerSecond / 3, `${after.stepsPerSecond} steps/s after a 10 s stall`);
    assert.ok(after.remainingMs > before.remainingMs * 3 && Number.isFinite(after.remainingMs));
  }
  // The same moment either way: the silence counts as samples without steps.
  assert.ok(
    Math.abs(reported.stepsPerSecond - silent.stepsPerSecond) < 1e-9 * before.stepsPerSecond,
    `${reported.stepsPerSecond} and ${silent.stepsPerSecond}`,
  );
  // Steps again: the speed recovers within a few time constants.
  const resumed = feed(
    Array.from({ length: 300 }, (_, i) => ({ atMs: 16_000 + i * 100, done: 5900 + i * 100, total: 100_000 })),
    stalled,
  );
  assert.ok(Math.abs(estimate(estimateEta(resumed)).stepsPerSecond - 1000) < 10);
  // A run that never moved has no speed to show.
  assert.deepEqual(estimateEta(feed(Array.from({ length: 30 }, (_, i) => ({ atMs: i * 100, done: 0, total: 50 })))), {
    kind: 'estimating',
  });
});

test('a zero or unknown total, and a run already at its total', () => {
  const zero = feed(Array.from({ length: 30 }, (_, i) => ({ atMs: i * 100, done: i, total: 0 })));
  assert.deepEqual(estimateEta(zero), { kind: 'estimating' });
  const done = feed(Array.from({ length: 30 }, (_, i) => ({ atMs: i * 100, done: Math.min(20, i), total: 20 })));
  assert.equal(estimate(estimateEta(done)).remainingMs, 0);
  // Beyond the total (a total lowered when a block stopped early): nothing left, never negative.
  const beyond = updateEta(done, { atMs: 3000, done: 20, total: 10 });
  assert.equal(estimate(estimateEta(beyond)).remainingMs, 0);
});

test('noisy batches: the smoothed speed stays near the true one; the estimate is never negative, infinite or NaN', () => {
  // Batches every 20–80 ms of a run at 800 steps/s on average, whose batch sizes jitter by ±60 % (200 seeded runs).
  for (let seed = 1; seed <= 200; seed++) {
    const random = lcg(seed);
    let t = 0;
    let done = 0;
    const samples = Array.from({ length: 400 }, () => {
      const dt = 20 + 60 * random();
      return { atMs: (t += dt), done: (done += 0.8 * dt * (0.4 + 1.2 * random())), total: 1e6 };
    });
    const eta = estimate(estimateEta(feed(samples)));
    // Over the last ~5 s the batches average out: within 15 % of 800 steps/s.
    assert.ok(Math.abs(eta.stepsPerSecond - 800) < 120, `seed ${seed}: ${eta.stepsPerSecond} steps/s`);
  }
  // Any samples at all, in any order, with any values: a finite, non-negative estimate or "estimating".
  const value = fc.oneof(fc.double(), fc.integer({ min: -1e6, max: 1e9 }));
  fc.assert(
    fc.property(
      fc.array(fc.record({ atMs: value, done: value, total: value }), { maxLength: 50 }),
      fc.option(value, { nil: undefined }),
      (samples, now) => {
        const eta = estimateEta(feed(samples), now);
        if (eta.kind === 'estimate') {
          for (const v of [eta.stepsPerSecond, eta.remainingMs]) assert.ok(Number.isFinite(v) && v >= 0, JSON.stringify(eta));
        }
        assert.doesNotMatch(etaText(eta), /NaN|Infinity|-/);
      },
    ),
    { numRuns: 2000, seed: 11 },
  );
});

test('the time left reads as an estimate: seconds, then minutes, then hours', () => {
  const at = (remainingMs: number, stepsPerSecond = 1234.4) => etaText({ kind: 'estimate', stepsPerSecond, remainingMs });
  assert.equal(at(400), '1,234 steps/s · 1 s left');
  assert.equal(at(59_001), '1,234 steps/s · 1 min 0 s left');
  assert.equal(at(125_000, 42.4), '42 steps/s · 2 min 5 s left');
  assert.equal(at(2 * 3600_000 + 30 * 60_000, 3.26), '3.3 steps/s · 2 h 30 min left');
  assert.equal(at(400 * 3600_000, 0.5), '0.5 steps/s · 400 h left');
});

test('steps over parts: each part capped at its total; the total unknown while a part’s is', () => {
  assert.deepEqual(
    stepsOverParts([
      { done: 50, total: 100 },
      { done: 300, total: 200 },
    ]),
    { done: 250, total: 300 },
  );
  assert.deepEqual(
    stepsOverParts([
      { done: 5, total: 10 },
      { done: 0, total: 0 },
    ]),
    { done: 5, total: 0 },
  );
  assert.deepEqual(stepsOverParts([]), { done: 0, total: 0 });
});
