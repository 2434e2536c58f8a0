/**
 * How a run's worker threads share its independent units (an experiment's repeats, a solve run's blocks), and whether
 * the second thread pays. Units are independent (repeat r draws only from seed + r; every block starts from the same
 * x0), so a thread claims the next unclaimed one whenever it is free (a shared counter) and the numbers never depend on
 * which thread ran what.
 *
 * A second core only pays when it is free: on a shared machine two threads can each run at half speed or worse. So an
 * adaptive run measures before it commits. Thread 0 steps alone for a probe (PROBE_STEPS steps and PROBE_MS, after
 * WARMUP_STEPS), then thread 1 starts, and both measure their step rates side by side. If two threads do not pay
 * (the share's rule, below), the threads take turns from then on: a lock lets one step at a time (each holds it for
 * whole units, so a unit is never split between them), which is one thread's speed less only the probe. Otherwise
 * both keep stepping. The load of a shared machine changes, so while they take turns the one stepping keeps
 * measuring, and every RETRY_MS the threads measure side by side again and decide afresh. A run whose thread count
 * was given (`threads`) skips the probe and runs that many at once.
 *
 * The rule (ShareRule): an experiment's repeats cost alike, so its threads compare their total rate side by side with
 * thread 0's alone. Solve blocks do not (a Newton iteration costs many gradient steps), so a solve run judges by thread
 * 0's own slowdown on one block: its rate beside thread 1 against its rate alone on the same block. A block that ends
 * before thread 0's alone window is full ends the probe (thread 1 starts, no decision: short blocks never pay for
 * it); one that changes between the windows is measured again, the other window on the new block (thread 1 waits
 * while thread 0 measures alone), and taking turns measures afresh from thread 0 alone.
 *
 * All decisions live in shared memory (`UnitShareState`), so a sweep's threads keep one decision across its points.
 * The clock is a parameter: tests inject a measured slowdown instead of timing real threads.
 */

/** Steps (Adam steps, solver iterations) each thread runs before its rate counts (the JIT compiles meanwhile). */
export const WARMUP_STEPS = 3;
/** A rate is measured over at least this many steps and this many milliseconds. */
export const PROBE_STEPS = 8;
export const PROBE_MS = 400;
/**
 * Two threads must step at least this many times the steps per second of one, or they take turns. Independent
 * units never wait for each other, so two threads sharing one core cost about nothing: a measured tie keeps both.
 */
export const MIN_GAIN = 1;
/** While the threads take turns, how often they measure side by side again (about 1% of the time at a 0.3 s window). */
export const RETRY_MS = 30_000;
/** How often a waiting thread checks the cancel flag. */
const POLL_MS = 50;

/**
 * How the probe judges two threads. 'total': their steps per second together against thread 0's alone (units that
 * cost alike: repeats). 'slowdown': thread 0's rate beside thread 1 against its rate alone on the same unit (units
 * that differ in cost per step: solve blocks), two paying while each keeps at least MIN_GAIN / 2 of its speed alone.
 */
export type ShareRule = 'total' | 'slowdown';

/** The run's shared state: Int32Array and Float64Array over SharedArrayBuffers, one pair per run. */
export interface UnitShareState {
  /**
   * [mode, lock, reported by thread 0, reported by thread 1, thread 1 measuring, unit of thread 0's rate alone, unit
   * of its rate beside thread 1 ('slowdown'), thread 0 waiting for the lock, thread 1 waiting, whose turn it is (−1:
   * anyone's), next unit of point 0, of point 1, …].
   */
  slots: Int32Array;
  /** Steps per millisecond: [thread 0 alone, thread 0 beside thread 1, thread 1 beside thread 0]. */
  rates: Float64Array;
  rule: ShareRule;
}

export type ShareMode = 'alone' | 'pair' | 'parallel' | 'serial';
const MODES: ShareMode[] = ['alone', 'pair', 'parallel', 'serial'];
const MODE = 0;
const LOCK = 1;
const REPORTED = 2;
const MEASURING = 4;
const ALONE_UNIT = 5;
const BESIDE_UNIT = 6;
const WAITING = 7;
const TURN = 9;
const NEXT = 10;

/**
 * State for a run of `points` (1 unless a sweep) sets of units on `threads` threads; adaptive starts with the probe.
 */
export function unitShareState(points: number, threads: number, adaptive: boolean, rule: ShareRule = 'total'): UnitShareState {
  const slots = new Int32Array(new SharedArrayBuffer(4 * (NEXT + points)));
  slots[MODE] = MODES.indexOf(adaptive && threads === 2 ? 'alone' : 'parallel');
  slots[ALONE_UNIT] = slots[BESIDE_UNIT] = slots[TURN] = -1;
  return { slots, rates: new Float64Array(new SharedArrayBuffer(8 * 3)), rule };
}

/** 'total': true when two threads together step enough faster than one alone (rates in steps per unit time). */
export function twoThreadsPay(alone: number, first: number, second: number): boolean {
  return first + second >= MIN_GAIN * alone;
}

/** 'slowdown': true when thread 0 beside thread 1 keeps enough of its speed alone on the same unit. */
export function slowdownPays(alone: number, beside: number): boolean {
  return 2 * beside >= MIN_GAIN * alone;
}

/** One thread's view of the shared state. */
export class UnitShare {
  private last: number | undefined;
  private seen = 0;
  private count = 0;
  private elapsed = 0;
  private holding = false;
  private measuring: ShareMode | undefined;
  /** The unit this thread runs, and the one its window counts on ('slowdown' windows hold one unit). */
  private unit = -1;
  private windowUnit = -1;

  constructor(
    private readonly state: UnitShareState,
    /** 0 or 1 (only the first two threads take part in the probe). */
    private readonly thread: number,
    private readonly cancelled: () => boolean,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  mode(): ShareMode {
    return MODES[Atomics.load(this.state.slots, MODE)];
  }

  /** The units of `point` this thread runs, claimed one at a time as it becomes free (of `count` in all). */
  *claims(point: number, count: number): Generator<number, void> {
    const { slots } = this.state;
    const perUnit = this.state.rule === 'slowdown';
    // Thread 1 waits while thread 0 measures its speed alone.
    if (this.thread === 1 && !this.waitWhile('alone')) return;
    try {
      for (;;) {
        if (this.mode() === 'serial' && !this.acquire()) return;
        const r = Atomics.add(slots, NEXT + point, 1);
        if (r >= count) {
          // Nothing left here: if thread 0 was still probing alone, there is nothing for thread 1 to be measured on.
          if (this.thread === 0) Atomics.compareExchange(slots, MODE, MODES.indexOf('alone'), MODES.indexOf('parallel'));
          // A solve run has one set of units: the other thread, alone from now on, never waits again.
          if (perUnit) Atomics.store(slots, MODE, MODES.indexOf('parallel'));
          Atomics.notify(slots, MODE);
          return;
        }
        this.last = undefined;
        if (perUnit) this.startUnit(r);
        yield r;
        // While taking turns, a unit's end hands the turn to the other thread if it waits: the lock alternates.
        this.release(true);
      }
    } finally {
      this.release();
    }
  }

  /**
   * Called before every step: measures the probe's rates, decides, and waits for the lock while taking turns (and,
   * thread 1 of a solve run, while thread 0 measures alone again).
   */
  beforeStep(): void {
    const { slots, rates } = this.state;
    const perUnit = this.state.rule === 'slowdown';
    const mode = this.mode();
    // Each mode measures afresh (alone while taking turns, side by side while probing), and a probe's window holds one
    // unit; taking turns counts across units, or blocks shorter than RETRY_MS would never measure again.
    if (mode !== this.measuring || (perUnit && mode !== 'serial' && this.unit !== this.windowUnit)) {
      this.measuring = mode;
      this.windowUnit = this.unit;
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
    if (mode === 'alone' && this.thread === 1) {
      // Only a solve run re-enters 'alone' while thread 1 runs: it waits for thread 0's window, its wait no step.
      this.waitWhile('alone');
      this.last = undefined;
      return;
    }
    const now = this.clock();
    const dt = this.last === undefined ? undefined : now - this.last;
    this.last = now;
    if (dt === undefined || ++this.seen <= WARMUP_STEPS) return;
    if (mode === 'serial') {
      this.count++;
      this.elapsed += dt;
      if (this.elapsed < RETRY_MS || this.count < PROBE_STEPS) return;
      // Measure again. 'total': this rate is the one alone, the parked thread joins. 'slowdown': this rate may be
      // thread 1's, on another block, so thread 0 measures alone on its block, then the pair (the old one is stale).
      if (perUnit) {
        Atomics.store(slots, BESIDE_UNIT, -1);
        this.setMode('alone');
      } else {
        rates[0] = this.count / this.elapsed;
        this.setMode('pair');
      }
      this.release();
      return;
    }
    if (mode === 'alone') {
      if (this.thread !== 0 || !this.measure(dt)) return;
      rates[0] = this.count / this.elapsed;
      if (perUnit) {
        Atomics.store(slots, ALONE_UNIT, this.unit);
        // The pair was measured on this block already (thread 0's block had changed between the windows).
        if (Atomics.load(slots, BESIDE_UNIT) === this.unit) return this.decide('alone');
      }
      this.setMode('pair');
      return;
    }
    // The pair: thread 0 counts from when thread 1 has warmed up.
    if (this.thread === 1) Atomics.store(slots, MEASURING, 1);
    else if (Atomics.load(slots, MEASURING) === 0) return;
    // A solve run judges by thread 0's rate only.
    if (perUnit && this.thread === 1) return;
    if (Atomics.load(slots, REPORTED + this.thread) === 1 || !this.measure(dt)) return;
    rates[1 + this.thread] = this.count / this.elapsed;
    Atomics.store(slots, REPORTED + this.thread, 1);
    if (perUnit) {
      Atomics.store(slots, BESIDE_UNIT, this.unit);
      // Rates of different blocks do not compare: measure alone again, on this block.
      if (Atomics.load(slots, ALONE_UNIT) === this.unit) this.decide('pair');
      else this.setMode('alone', 'pair');
      return;
    }
    if (Atomics.load(slots, REPORTED + 1 - this.thread) === 0) return;
    this.decide('pair');
  }

  /** A new unit: it warms up again (another method, other code to compile); thread 0's block ended its window alone. */
  private startUnit(unit: number): void {
    if (this.thread === 0 && this.measuring === 'alone' && this.mode() === 'alone') this.setMode('parallel', 'alone');
    this.unit = unit;
    this.seen = 0;
  }

  /** Takes the decision the rates make (once both windows are in), unless the mode left `from` meanwhile. */
  private decide(from: ShareMode): void {
    const { rates } = this.state;
    const pays = this.state.rule === 'slowdown' ? slowdownPays(rates[0], rates[1]) : twoThreadsPay(rates[0], rates[1], rates[2]);
    this.setMode(pays ? 'parallel' : 'serial', from);
  }

  /** Moves to `mode` (from `from` only, when given); a new pair window starts with nobody reported nor measuring. */
  private setMode(mode: ShareMode, from?: ShareMode): void {
    const { slots } = this.state;
    if (mode === 'pair') for (const slot of [REPORTED, REPORTED + 1, MEASURING]) Atomics.store(slots, slot, 0);
    if (from === undefined) Atomics.store(slots, MODE, MODES.indexOf(mode));
    else Atomics.compareExchange(slots, MODE, MODES.indexOf(from), MODES.indexOf(mode));
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

  /**
   * Takes the turn lock (or returns without it once the threads stop taking turns); false if the run was cancelled.
   * While the other thread waits for it, the lock goes to the thread whose turn it is.
   */
  private acquire(): boolean {
    const { slots } = this.state;
    const other = WAITING + 1 - this.thread;
    Atomics.store(slots, WAITING + this.thread, 1);
    try {
      while (!this.holding) {
        if (this.mode() !== 'serial') return true;
        const turn = Atomics.load(slots, TURN);
        const mine = turn === -1 || turn === this.thread || Atomics.load(slots, other) === 0;
        if (mine && Atomics.compareExchange(slots, LOCK, 0, 1) === 0) {
          this.holding = true;
          Atomics.store(slots, TURN, -1);
        } else if (this.cancelled()) return false;
        else if (mine) Atomics.wait(slots, LOCK, 1, POLL_MS);
        else Atomics.wait(slots, TURN, turn, POLL_MS);
      }
      return true;
    } finally {
      Atomics.store(slots, WAITING + this.thread, 0);
    }
  }

  /** Lets the lock go; `handOver`: the turn passes to the other thread if it is waiting for the lock. */
  private release(handOver = false): void {
    if (!this.holding) return;
    const { slots } = this.state;
    this.holding = false;
    if (handOver && Atomics.load(slots, WAITING + 1 - this.thread) === 1) Atomics.store(slots, TURN, 1 - this.thread);
    Atomics.store(slots, LOCK, 0);
    Atomics.notify(slots, LOCK);
    Atomics.notify(slots, TURN);
  }
}
