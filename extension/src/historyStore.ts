/**
 * The results history's file, one per workspace, in the extension's global storage folder: read and checked once at
 * activation, rewritten after each run ends. Not in the workspace storage folder (`storageUri`): a window that reloads
 * quickly gets a new one (`<id>-1`) while the old window's extension host still holds the lock on the first, and its
 * history would be lost. A write goes to a temporary file that is then renamed over the old one, so an interrupted
 * write (a reload, a crash, a full disk) leaves the previous file whole. A file that cannot be read (not JSON, another
 * version, events the panel would refuse) is set aside under a new name, said once, and the history starts empty;
 * nothing here ever fails activation. The histories of the workspaces written longest ago are removed beyond
 * MAX_HISTORIES. No `vscode` import: unit-tested under Node on a real folder.
 */
import { createHash } from 'node:crypto';
import { parseHistory } from './history';
import type { RunEvent } from '../../protocol/runs';

/** A file larger than this is set aside unread (the writer keeps it at HISTORY_LIMITS.bytes). */
export const MAX_READ_BYTES = 16 * 1024 * 1024;
/** Workspaces whose history is kept: the most recently written. */
export const MAX_HISTORIES = 20;
const HISTORY_NAME = /^results-history(-[0-9a-f]{16})?\.json$/;

/**
 * The history's file name for a workspace, given as the URIs that identify it (its workspace file, or its folders);
 * undefined for a window without a folder, which has one history of its own.
 */
export function historyFileName(workspace: string | undefined): string {
  return workspace === undefined
    ? 'results-history.json'
    : `results-history-${createHash('sha256').update(workspace).digest('hex').slice(0, 16)}.json`;
}

/** The storage folder, by file name. */
export interface StorageFs {
  /** The folder's files and when each was last written (ms); empty when the folder does not exist. */
  list(): Promise<{ name: string; mtime: number }[]>;
  /** Size in bytes, or undefined when the file does not exist. */
  size(name: string): Promise<number | undefined>;
  read(name: string): Promise<Uint8Array>;
  /** Creates the folder if needed. */
  write(name: string, data: Uint8Array): Promise<void>;
  /** Replaces `to` if it exists. */
  rename(from: string, to: string): Promise<void>;
  /** Nothing happens when the file does not exist. */
  remove(name: string): Promise<void>;
  /** The file's path, for messages. */
  where(name: string): string;
}

export interface StoreReporter {
  /** Said once, to the user: a file was set aside. */
  info(message: string): void;
  /** For the log: what failed, in full. */
  error(message: string): void;
}

export class HistoryStore {
  /** The write under way, and the text to write after it (only the newest counts). */
  private writing?: Promise<void>;
  private next?: string;
  private pruned = false;
  private readonly temp: string;

  constructor(
    private readonly fs: StorageFs,
    /** The history's file name in the folder (historyFileName). */
    private readonly file: string,
    private readonly report: StoreReporter,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.temp = `${file}.tmp`;
  }

  /** The saved runs, oldest first; empty when there is no file, or after setting an unreadable one aside. */
  async load(): Promise<RunEvent[][]> {
    let problem: string;
    try {
      const size = await this.fs.size(this.file);
      if (size === undefined) return [];
      if (size > MAX_READ_BYTES) problem = `${size} bytes, more than a history file holds`;
      else {
        const runs = parseHistory(new TextDecoder('utf-8', { fatal: true }).decode(await this.fs.read(this.file)));
        if (Array.isArray(runs)) return runs;
        problem = runs.invalid;
      }
    } catch (e) {
      problem = e instanceof Error ? e.message : String(e);
    }
    await this.setAside(problem);
    return [];
  }

  /** Writes `text` as the file: after the write under way, if any; of several waiting, only the newest is written. */
  save(text: string): Promise<void> {
    this.next = text;
    this.writing ??= this.drain().finally(() => (this.writing = undefined));
    return this.writing;
  }

  /** Removes the file (after the write under way). */
  async clear(): Promise<void> {
    this.next = undefined;
    await this.writing;
    try {
      await this.fs.remove(this.file);
    } catch (e) {
      this.report.error(`removing the results history ${this.fs.where(this.file)} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private async drain() {
    for (let text = this.next; text !== undefined; text = this.next) {
      this.next = undefined;
      try {
        await this.fs.write(this.temp, new TextEncoder().encode(text));
        await this.fs.rename(this.temp, this.file);
      } catch (e) {
        this.report.error(
          `saving the results history to ${this.fs.where(this.file)} failed: ${e instanceof Error ? e.message : String(e)}`,
        );
        continue;
      }
      if (!this.pruned)
        await this.prune().catch((e) =>
          this.report.error(`removing old results histories failed: ${e instanceof Error ? e.message : String(e)}`),
        );
    }
  }

  /** Once a session, after a write: removes the histories of other workspaces beyond the MAX_HISTORIES newest. */
  private async prune() {
    this.pruned = true;
    const histories = (await this.fs.list()).filter((f) => HISTORY_NAME.test(f.name)).sort((a, b) => b.mtime - a.mtime);
    for (const old of histories.slice(MAX_HISTORIES)) if (old.name !== this.file) await this.fs.remove(old.name);
  }

  private async setAside(problem: string) {
    const aside = `${this.file.replace(/\.json$/, '')}.unreadable-${this.now().toISOString().replace(/[:.]/g, '-')}.json`;
    try {
      await this.fs.rename(this.file, aside);
      this.report.info(
        `The saved results history could not be read (${problem}). It was moved to ${this.fs.where(aside)}; the panel starts without it.`,
      );
    } catch (e) {
      this.report.error(
        `the results history ${this.fs.where(this.file)} could not be read (${problem}) nor set aside: ${e instanceof Error ? e.message : String(e)}`,
      );
      this.report.info(
        `The saved results history in ${this.fs.where(this.file)} could not be read (${problem}); the panel starts without it.`,
      );
    }
  }
}
