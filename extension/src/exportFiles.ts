/**
 * The file side of exports, without `vscode` (unit-tested under Node): the save dialog's filter per format, the
 * format a chosen file name asks for, and the bytes to write for the panel's content (a PNG arrives as a data URL).
 */
import type { ExportFormat } from '../../protocol/webview';

export type SaveFormat = ExportFormat | 'html';

/** The save dialog's filters, by the name VS Code shows. */
export const FORMAT_FILTER: Record<SaveFormat, { name: string; extensions: string[] }> = {
  png: { name: 'PNG image', extensions: ['png'] },
  svg: { name: 'SVG image', extensions: ['svg'] },
  csv: { name: 'CSV (comma-separated values)', extensions: ['csv'] },
  json: { name: 'JSON', extensions: ['json'] },
  html: { name: 'HTML report', extensions: ['html', 'htm'] },
};

export function dialogFilters(formats: readonly SaveFormat[]): Record<string, string[]> {
  return Object.fromEntries(formats.map((f) => [FORMAT_FILTER[f].name, FORMAT_FILTER[f].extensions]));
}

/** The format whose extension the chosen path has; the first offered when it has none of theirs. */
export function formatOfPath<F extends SaveFormat>(path: string, offered: readonly F[]): F {
  const ext = /\.([^./\\]+)$/.exec(path)?.[1]?.toLowerCase();
  return offered.find((f) => ext !== undefined && FORMAT_FILTER[f].extensions.includes(ext)) ?? offered[0];
}

/** What to write: the PNG's decoded bytes, or the text as UTF-8. */
export function exportBytes(format: ExportFormat, content: string): Uint8Array {
  if (format !== 'png') return new TextEncoder().encode(content);
  const comma = content.indexOf(',');
  const bytes = Buffer.from(content.slice(comma + 1), 'base64');
  // The 8-byte signature every PNG starts with: a data URL the browser did not encode as PNG is refused.
  if (!bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    throw new Error('the panel’s PNG is not a PNG image');
  return bytes;
}
