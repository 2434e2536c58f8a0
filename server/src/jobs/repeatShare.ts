/**
 * How an experiment's worker threads share its repeats, and whether the second thread pays. Repeats are independent
 * (repeat r draws only from seed + r), so a thread claims the next unclaimed one whenever it is free (a shared counter)
 * and the numbers never depend on which thread ran what.
 *
 * A second core only pays when it is free: on a shared machine two threads can each run at half speed or worse. So an
 * adaptive run measures before it commits. Thread 0 trains alone for a probe (PROBE_STEPS Adam steps and PROBE_MS,
 * after WARMUP_STEPS), then thread 1 starts, and both measure their step rates side by side. If together they
 * train fewer than MIN_GAIN × the steps per second thread 0 managed alone, the threads take turns from then on: a lock
 * lets one train at a time (each holds it for whole repeats, so a repeat is never split between them), which is one
 * thread's speed less only the probe. Otherwise both keep training. The load of a shared machine changes, so while
 * they take turns the one training keeps measuring its rate alone, and every RETRY_MS the threads measure side by
 * side again (the parked one joins for a window) and decide afresh. A run whose thread count was given (`threads`)
 * skips the probe and runs that many at once.
 *
 * All decisions live in shared memory (`RepeatShareState`), so a sweep's threads keep one decision across its points.
 * The clock is a parameter: tests inject a measured slowdown instead of timing real threads.
 */

/** Adam steps each thread runs before its rate counts (the JIT compiles the hot loops meanwhile). */
export const WARMUP_STEPS = 3;
/** A rate is measured over at least this many steps and this many milliseconds. */
export const PROBE_STEPS = 8;
export const PROBE_MS = 400;
/**
 * Two threads must train at least this many times the steps per second of one, or they take turns. Independent
 * repeats never wait for each other, so two threads sharing one core cost about nothing: a measured tie keeps both.
 */
export const MIN_GAIN = 1;
/** While the threads take turns, how often they measure side by side again (about 1% of the time at a 0.3 s window). */
export const RETRY_MS = 30_000;
/** How often a waiting thread checks the cancel flag. */
const POLL_MS = 50;

/** The run's shared state: Int32Array and Float64Array over SharedArrayBuffers, one pair per run. */
export interface RepeatShareState {
  /**
   * [mode, lock, reported by thread 0, reported by thread 1, thread 1 measuring, next repeat of point 0, of point 1,
   * …].
   */
  slots: Int32Array;
  /** Steps per millisecond: [thread 0 alone, thread 0 beside thread 1, thread 1 beside thread 0]. */
  rates: Float64Array;
}

export type ShareMode = 'alone' | 'pair' | 'parallel' | 'serial';
const MODES: ShareMode[] = ['alone', 'pair', 'parallel', 'serial'];
const MODE = 0;
const LOCK = 1;
const REPORTED = 2;
const MEASURING = 4;
const NEXT = 5;

/** State for a run of `points` experiments (1 unless a sweep) on `threads` threads; adaptive starts with the probe. */
export function repeatShareState(points: number, threads: number, adaptive: boolean): RepeatShareState {
  const slots = new Int32Array(new SharedArrayBuffer(4 * (NEXT + points)));
  slots[MODE] = MODES.indexOf(adaptive && threads === 2 ? 'alone' : 'parallel');
  return { slots, rates: new Float64Array(new SharedArrayBuffer(8 * 3)) };
}

/** True when two threads together train enough faster than one alone (rates in steps per unit time). */
export function twoThreadsPay(alone: number, first: number, second: number): boolean {
  return first + second >= MIN_GAIN * alone;
}

/** One thread's view of the shared state. */
export class RepeatShare {
  private last: number | undefined;
  private seen = 0;
  private count = 0;
  private elapsed = 0;
  private holding = false;
  private measuring: ShareMode | undefined;

  constructor(
    private readonly state: RepeatShareState,
    /** 0 or 1 (only the first two threads take part in the probe). */
    private readonly thread: number,
    private readonly cancelled: () => boolean,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  mode(): ShareMode {
    return MODES[Atomics.load(this.state.slots, MODE)];
  }

  /** The repeats of `point` this thread runs, claimed one at a time as it becomes free (of `count` in all). */
  *repeats(point: number, count: number): Generator<number, void> {
    const { slots } = this.state;
    // Thread 1 waits while thread 0 measures its speed alone.
    if (this.thread === 1 && !this.waitWhile('alone')) return;
    try {
      for (;;) {
        if (this.mode() === 'serial' && !this.acquire()) return;
        const r = Atomics.add(slots, NEXT + point, 1);
        if (r >= count) {
          // Nothing left here: if thread 0 was still probing alone, there is nothing for thread 1 to be measured on.
          if (this.thread === 0) Atomics.compareExchange(slots, MODE, MODES.indexOf('alone'), MODES.indexOf('parallel'));
          Atomics.notify(slots, MODE);
          return;
        }
        this.last = undefined;
        yield r;
        this.release();
      }
    } finally {
      this.release();
    }
  }

  /** Called before every Adam step: measures the probe's rates, decides, and waits for the lock while taking turns. */
  beforeStep(): void {
    const { slots, rates } = this.state;
    const mode = this.mode();
    // Each mode measures afresh (alone while taking turns, side by side while probing).
    if (mode !== this.measuring) {
      this.measuring = mode;
      this.count = this.elapsed = 0;
      this.last = undefined;
    }
    if (mode === 'serial' && !this.holding) {
      const acquired = this.acquire() && this.holding;
      // The wait is no step: rates count from the next one.
      this.last = undefined;
      if (!acquired) return;
    }
    if (mode !== 'serial') this.release();
    if (mode === 'parallel') return;
    const now = this.clock();
    const dt = this.last === undefined ? undefined : now - this.last;
    this.last = now;
    if (dt === undefined || ++this.seen <= WARMUP_STEPS) return;
    if (mode === 'serial') {
      this.count++;
      this.elapsed += dt;
      if (this.elapsed < RETRY_MS || this.count < PROBE_STEPS) return;
      // Measure side by side again: this rate is the one alone, the parked thread joins.
      rates[0] = this.count / this.elapsed;
      for (const slot of [REPORTED, REPORTED + 1, MEASURING]) Atomics.store(slots, slot, 0);
      Atomics.store(slots, MODE, MODES.indexOf('pair'));
      Atomics.notify(slots, MODE);
      this.release();
      return;
    }
    if (mode === 'alone') {
      if (this.thread !== 0 || !this.measure(dt)) return;
      rates[0] = this.count / this.elapsed;
      Atomics.store(slots, MODE, MODES.indexOf('pair'));
      Atomics.notify(slots, MODE);
      return;
    }
    // The pair: thread 0 counts from when thread 1 has warmed up.
    if (this.thread === 1) Atomics.store(slots, MEASURING, 1);
    else if (Atomics.load(slots, MEASURING) === 0) return;
    if (Atomics.load(slots, REPORTED + this.thread) === 1 || !this.measure(dt)) return;
    rates[1 + this.thread] = this.count / this.elapsed;
    Atomics.store(slots, REPORTED + this.thread, 1);
    if (Atomics.load(slots, REPORTED + 1 - this.thread) === 0) return;
    const decision = twoThreadsPay(rates[0], rates[1], rates[2]) ? 'parallel' : 'serial';
    Atomics.compareExchange(slots, MODE, MODES.indexOf('pair'), MODES.indexOf(decision));
    Atomics.notify(slots, MODE);
  }

  /** Adds one step's time; true once the window is long enough. */
  private measure(dt: number): boolean {
    this.count++;
    this.elapsed += dt;
    return this.count >= PROBE_STEPS && this.elapsed >= PROBE_MS;
  }

  /** Waits while the mode is `mode`; false if the run was cancelled meanwhile. */
  private waitWhile(mode: ShareMode): boolean {
    const value = MODES.indexOf(mode);
    while (Atomics.load(this.state.slots, MODE) === value) {
      if (this.cancelled()) return false;
      Atomics.wait(this.state.slots, MODE, value, POLL_MS);
    }
    return true;
  }

  /** Takes the turn lock (or returns without it once the threads stop taking turns); false if the run was cancelled. */
  private acquire(): boolean {
    const { slots } = this.state;
    while (!this.holding) {
      if (this.mode() !== 'serial') return true;
      if (Atomics.compareExchange(slots, LOCK, 0, 1) === 0) this.holding = true;
      else if (this.cancelled()) return false;
      else Atomics.wait(slots, LOCK, 1, POLL_MS);
    }
    return true;
  }

  private release(): void {
    if (!this.holding) return;
    this.holding = false;
    Atomics.store(this.state.slots, LOCK, 0);
    Atomics.notify(this.state.slots, LOCK);
  }
}
