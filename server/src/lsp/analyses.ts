/**
 * Per-document analyses: computed on demand, memoized by document version, and published as diagnostics after
 * a debounce so typing never queues a backlog of work.
 */
import { fileURLToPath } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, type Analysis } from '../language/analyze';
import { cachedReader, type FileAccess } from '../language/datafiles';

export class Analyses {
  private readonly cache = new Map<string, { version: number; analysis: Analysis }>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  private readonly read = cachedReader();

  constructor(
    private readonly publish: (doc: TextDocument, a: Analysis) => void,
    private readonly debounceMs: number,
    /** Workspace folders (absolute paths) that load() may read from. */
    private readonly roots: () => string[],
  ) {}

  get(doc: TextDocument): Analysis {
    const hit = this.cache.get(doc.uri);
    if (hit && hit.version === doc.version) return hit.analysis;
    const analysis = analyze(doc.getText(), this.files(doc.uri));
    this.cache.set(doc.uri, { version: doc.version, analysis });
    return analysis;
  }

  /** Schedule a publish; `immediate` for open (the user expects squiggles at once), debounced for edits. */
  changed(doc: TextDocument, immediate = false) {
    clearTimeout(this.timers.get(doc.uri));
    const run = () => {
      this.timers.delete(doc.uri);
      this.publish(doc, this.get(doc));
    };
    if (immediate) run();
    else this.timers.set(doc.uri, setTimeout(run, this.debounceMs));
  }

  /** File access for a document on disk; outside any workspace folder, its own folder is the workspace. */
  files(uri: string): FileAccess | undefined {
    if (!uri.startsWith('file:')) return undefined;
    const documentPath = fileURLToPath(uri);
    const roots = this.roots();
    return { documentPath, roots: roots.length ? roots : [documentPath.replace(/[\\/][^\\/]*$/, '')], read: this.read };
  }

  /** A data file changed on disk: analyses that may have loaded it are stale whatever their document version. */
  dataFilesChanged(open: TextDocument[]) {
    this.cache.clear();
    for (const doc of open) this.changed(doc, true);
  }

  closed(uri: string) {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.cache.delete(uri);
  }
}
