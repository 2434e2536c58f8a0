/** A run's name in notifications, the panel and the report: the file's name, and the block for a single-block solve. */
import type { RunKind } from '../protocol/runs';

export function runTitle(uri: string, kind: RunKind, solveIndex?: number): string {
  const path = uri.replace(/[?#].*$/, '');
  let name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  try {
    name = decodeURIComponent(name);
  } catch {
    // Not percent-encoded (a plain path): keep it.
  }
  return kind === 'solve' && solveIndex !== undefined ? `${name} #${solveIndex + 1}` : name;
}
