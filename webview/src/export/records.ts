/**
 * Tables and trajectories as CSV and JSON: the numbers the panel holds (the server's), never the display strings. A
 * table is a list of records; JSON writes them as they are, CSV flattens nested objects into dotted columns
 * (`tfLoss.mean`, `tfLoss.std`) in the order they first appear. Numbers print with String(v), which round-trips every
 * double the panel holds (they arrive as JSON, so −0 is already 0); a missing value is an empty cell.
 */
import type { Exportable, ExportFormat } from '../exportable';

export type Cell = string | number | boolean | null | undefined;
export type Row = { [key: string]: Cell | Row };

/** `rows` (read at export time, so a live run exports what it holds then) as CSV and JSON; `json` overrides the JSON. */
export function recordsExport(label: string, rows: () => Row[], json: () => unknown = rows): Exportable {
  return {
    label,
    formats: ['csv', 'json'],
    render: (format) => Promise.resolve(renderRecords(format, rows, json)),
  };
}

export function renderRecords(format: ExportFormat, rows: () => Row[], json: () => unknown = rows): string {
  if (format === 'csv') return toCsv(rows());
  if (format === 'json') return `${JSON.stringify(json(), null, 2)}\n`;
  throw new Error(`a table has no ${format} export`);
}

/** RFC 4180: a header row, CRLF line ends, fields quoted when they hold a comma, a quote or a line break. */
export function toCsv(rows: Row[]): string {
  const flat = rows.map((r) => flatten(r));
  const columns = [...new Set(flat.flatMap((r) => Object.keys(r)))];
  const lines = [columns.map(field), ...flat.map((r) => columns.map((c) => field(r[c])))];
  return lines.map((l) => l.join(',')).join('\r\n') + '\r\n';
}

function flatten(row: Row, prefix = '', out: Record<string, Cell> = {}): Record<string, Cell> {
  for (const [k, v] of Object.entries(row)) {
    if (v !== null && typeof v === 'object') flatten(v, `${prefix}${k}.`, out);
    else out[`${prefix}${k}`] = v;
  }
  return out;
}

function field(v: Cell): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
