/**
 * Run-time check of what the results panel posts. The page is ours, but its messages cross a process boundary as
 * untyped JSON, and a script injected into the webview could post anything: nothing is used before it passes here.
 * No `vscode` import, so the check is unit-tested under plain Node.
 */
import type { FromPanel } from '../../protocol/webview';

/** Run ids are UUIDs (36 characters); the bound leaves room without letting a message carry a payload. */
export const MAX_RUN_ID_LENGTH = 64;
/** A panel log line: an error message with its source location. Longer ones are refused, not cut. */
export const MAX_LOG_MESSAGE_LENGTH = 4000;

const LOG_LEVELS: ReadonlySet<unknown> = new Set(['info', 'error']);

const boundedString = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;

/** The message as a FromPanel, rebuilt from its checked fields only; undefined when it is not one. */
export function parseFromPanel(m: unknown): FromPanel | undefined {
  if (typeof m !== 'object' || m === null) return undefined;
  const o = m as Record<string, unknown>;
  switch (o.type) {
    case 'ready':
      return { type: 'ready' };
    case 'cancel':
      return boundedString(o.runId, MAX_RUN_ID_LENGTH) ? { type: 'cancel', runId: o.runId } : undefined;
    case 'log':
      return LOG_LEVELS.has(o.level) && boundedString(o.message, MAX_LOG_MESSAGE_LENGTH) ? { type: 'log', level: o.level as 'info' | 'error', message: o.message } : undefined;
    default:
      return undefined;
  }
}

/** A short description of a refused message for the log: its type if it has one, never its content. */
export function describeRefused(m: unknown): string {
  const type = typeof m === 'object' && m !== null ? (m as Record<string, unknown>).type : undefined;
  return typeof type === 'string' ? `a ${JSON.stringify(type.slice(0, 40))} message with missing or invalid fields` : `a ${m === null ? 'null' : typeof m} that is not a panel message`;
}
