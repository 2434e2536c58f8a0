/**
 * Progress in batches: items are held and handed on together at most once per interval, so a run that produces
 * thousands of points a second sends (or prints) a few dozen batches. The first item goes out at once, so whoever
 * watches sees the run begin.
 */
export class Batcher<T> {
  private items: T[] = [];
  private last = -Infinity;

  constructor(
    private readonly intervalMs: number,
    private readonly send: (items: T[]) => void,
  ) {}

  add(item: T) {
    this.items.push(item);
    this.poll();
  }

  /** Sends the held items if the interval has passed: for sources that add rarely, called from a frequent poll. */
  poll() {
    if (this.items.length > 0 && Date.now() - this.last >= this.intervalMs) this.flush();
  }

  /** Sends the held items now (none: nothing is sent). */
  flush() {
    if (this.items.length > 0) this.send(this.take());
  }

  /** The held items, handed to the caller instead of `send` (for a last batch that carries more than the items). */
  take(): T[] {
    const items = this.items;
    this.items = [];
    this.last = Date.now();
    return items;
  }
}
