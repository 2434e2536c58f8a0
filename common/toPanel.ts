/**
 * The check of what reaches the results panel, before it is applied: by the panel on every message (live, or from a
 * report's payload), and by the extension on the runs it restores from its saved history. The host and the report
 * are ours, but a message of another version (a newer extension, an old report, an old history file) must be
 * ignored, not half-applied. Only the envelope is checked, the payloads are the server's.
 */
import { RUN_KINDS } from '../protocol/runs';
import { EXPORT_FORMATS, type ToPanel } from '../protocol/webview';

const FIELDS: Record<string, Record<string, 'string' | 'number' | 'object'>> = {
  started: { uri: 'string', title: 'string', startedAt: 'number', data: 'object' },
  progress: { data: 'object' },
  finished: { result: 'object' },
  failed: { uri: 'string', title: 'string', message: 'string' },
};

/** The message, or why it is ignored. */
export function readToPanel(m: unknown): ToPanel | { ignored: string } {
  if (typeof m !== 'object' || m === null) return { ignored: 'not an object' };
  const o = m as Record<string, unknown>;
  if (o.event === 'snapshot')
    return typeof o.requestId === 'number' ? (o as ToPanel) : { ignored: 'a snapshot request without a numeric requestId' };
  if (o.event === 'export')
    return typeof o.requestId === 'number' &&
      typeof o.runId === 'string' &&
      typeof o.part === 'string' &&
      EXPORT_FORMATS.includes(o.format as never)
      ? (o as ToPanel)
      : { ignored: 'an export request without requestId, runId, part or a known format' };
  const fields = typeof o.event === 'string' && Object.hasOwn(FIELDS, o.event) ? FIELDS[o.event] : undefined;
  if (!fields) return { ignored: `unknown event ${JSON.stringify(o.event)}` };
  if (!RUN_KINDS.includes(o.kind as never)) return { ignored: `${o.event} event of unknown kind ${JSON.stringify(o.kind)}` };
  if (typeof o.runId !== 'string') return { ignored: `${o.event} event without a runId` };
  for (const [name, type] of Object.entries(fields)) {
    if (typeof o[name] !== type || o[name] === null) return { ignored: `${o.event} event without ${name}` };
  }
  return o as ToPanel;
}
