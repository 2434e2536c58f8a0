/** Progress of an in-terminal run: one self-overwriting line on stderr, updated in batches (jobs/batcher.ts). */
import { Batcher } from '../jobs/batcher';

/** At most 10 updates a second: a solve reports thousands of points a second. */
const INTERVAL_MS = 100;

export interface ProgressLine {
  show(text: string): void;
  clear(): void;
}

/** The line on a terminal; nothing when stderr is not one (a log file would fill with carriage returns) or `quiet`. */
export function progressLine(quiet: boolean): ProgressLine | undefined {
  if (quiet || !process.stderr.isTTY) return undefined;
  const batcher = new Batcher<string>(INTERVAL_MS, (texts) => process.stderr.write(`\r\x1b[K${texts[texts.length - 1]}`));
  return {
    show: (text) => batcher.add(text),
    clear() {
      batcher.take();
      process.stderr.write('\r\x1b[K');
    },
  };
}
