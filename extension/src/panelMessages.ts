/**
 * Run-time check of what the results panel posts. The page is ours, but its messages cross a process boundary as
 * untyped JSON, and a script injected into the webview could post anything: nothing is used before it passes here.
 * No `vscode` import, so the check is unit-tested under plain Node.
 */
import { RUN_KINDS, type RunStatus } from '../../protocol/runs';
import { EXPORT_FORMATS, type ExportContext, type ExportFormat, type FromPanel, type PanelRunSnapshot } from '../../protocol/webview';

/** Run ids are UUIDs (36 characters); the bound leaves room without letting a message carry a payload. */
export const MAX_RUN_ID_LENGTH = 64;
/** A panel log line: an error message with its source location. Longer ones are refused, not cut. */
export const MAX_LOG_MESSAGE_LENGTH = 4000;
/** Runs in one snapshot answer: the panel keeps 20, the host replays as many. */
export const MAX_SNAPSHOT_RUNS = 100;
/**
 * An export's content, in characters: a trajectory of 10⁶ points as CSV is about 80 MB, far above what the panel
 * holds after thinning; the bound keeps a runaway page from filling the disk.
 */
export const MAX_EXPORT_LENGTH = 256 * 1024 * 1024;
/** A part's label and a run's title (a file name, or a URI): long enough for any, short enough for a file name. */
export const MAX_EXPORT_NAME_LENGTH = 512;
/** A failed export's reason. */
export const MAX_EXPORT_ERROR_LENGTH = 1000;

const FORMATS: ReadonlySet<unknown> = new Set(EXPORT_FORMATS);
/** What each format's content starts with: a PNG data URL, an SVG element (possibly after an XML declaration). */
const CONTENT_START: Partial<Record<ExportFormat, RegExp>> = { png: /^data:image\/png;base64,/, svg: /^(<\?xml[^>]*>\s*)?<svg[\s>]/ };

const LOG_LEVELS: ReadonlySet<unknown> = new Set(['info', 'error']);
const KINDS: ReadonlySet<unknown> = new Set(RUN_KINDS);
/** Every status, spelled as a record so that a status added to protocol/runs.ts is a compile error here until listed. */
const STATUSES: ReadonlySet<unknown> = new Set(
  Object.keys({ running: 0, finished: 0, cancelled: 0, failed: 0, interrupted: 0 } satisfies Record<RunStatus, 0>),
);

const boundedString = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;
const count = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

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
      return LOG_LEVELS.has(o.level) && boundedString(o.message, MAX_LOG_MESSAGE_LENGTH)
        ? { type: 'log', level: o.level as 'info' | 'error', message: o.message }
        : undefined;
    case 'snapshot': {
      if (!count(o.requestId) || !Array.isArray(o.runs) || o.runs.length > MAX_SNAPSHOT_RUNS) return undefined;
      const runs = o.runs.map(parseRunSnapshot);
      return runs.every((r) => r !== undefined) ? { type: 'snapshot', requestId: o.requestId, runs } : undefined;
    }
    case 'export': {
      if (o.requestId !== undefined && !count(o.requestId)) return undefined;
      if (!boundedString(o.runId, MAX_RUN_ID_LENGTH) || !FORMATS.has(o.format)) return undefined;
      if (!boundedString(o.runTitle, MAX_EXPORT_NAME_LENGTH) || !boundedString(o.part, MAX_EXPORT_NAME_LENGTH)) return undefined;
      const format = o.format as ExportFormat;
      if (typeof o.content !== 'string' || o.content.length > MAX_EXPORT_LENGTH || !(CONTENT_START[format]?.test(o.content) ?? true))
        return undefined;
      return {
        type: 'export',
        ...(o.requestId === undefined ? {} : { requestId: o.requestId as number }),
        runId: o.runId,
        runTitle: o.runTitle,
        part: o.part,
        format,
        content: o.content,
      };
    }
    case 'exportFailed':
      return count(o.requestId) && boundedString(o.message, MAX_EXPORT_ERROR_LENGTH)
        ? { type: 'exportFailed', requestId: o.requestId, message: o.message }
        : undefined;
    default:
      return undefined;
  }
}

/** The context VS Code passes from a chart's or table's context menu (its data-vscode-context), or undefined. */
export function parseExportContext(c: unknown): ExportContext | undefined {
  if (typeof c !== 'object' || c === null) return undefined;
  const o = c as Record<string, unknown>;
  if (o.webviewSection !== 'chart' && o.webviewSection !== 'table') return undefined;
  if (!boundedString(o.runId, MAX_RUN_ID_LENGTH) || !boundedString(o.runTitle, MAX_EXPORT_NAME_LENGTH)) return undefined;
  if (!boundedString(o.part, MAX_EXPORT_NAME_LENGTH) || !boundedString(o.formats, 40)) return undefined;
  const formats = o.formats.split(' ');
  if (!formats.every((f) => FORMATS.has(f))) return undefined;
  return { webviewSection: o.webviewSection, runId: o.runId, runTitle: o.runTitle, part: o.part, formats: o.formats };
}

function parseRunSnapshot(m: unknown): PanelRunSnapshot | undefined {
  if (typeof m !== 'object' || m === null) return undefined;
  const o = m as Record<string, unknown>;
  if (!boundedString(o.runId, MAX_RUN_ID_LENGTH) || !KINDS.has(o.kind) || !STATUSES.has(o.status) || !count(o.points)) return undefined;
  return { runId: o.runId, kind: o.kind as PanelRunSnapshot['kind'], status: o.status as RunStatus, points: o.points };
}

/** A short description of a refused message for the log: its type if it has one, never its content. */
export function describeRefused(m: unknown): string {
  const type = typeof m === 'object' && m !== null ? (m as Record<string, unknown>).type : undefined;
  return typeof type === 'string'
    ? `a ${JSON.stringify(type.slice(0, 40))} message with missing or invalid fields`
    : `a ${m === null ? 'null' : typeof m} that is not a panel message`;
}
