/**
 * Where an export goes: in VS Code, to the host (FromPanel `export`), which asks where to save it (a save dialog with
 * the format's filter) and writes it through the workspace file system, so a remote window saves where the user
 * works; in the standalone report, which has no host, to a download.
 */
import { exportFileName } from '../../../common/exportName';
import type { ExportFormat } from '../../../protocol/webview';
import type { Host } from '../host';

export interface ExportedFile {
  runId: string;
  runTitle: string;
  part: string;
  format: ExportFormat;
  content: string;
}

const MIME: Record<ExportFormat, string> = { png: 'image/png', svg: 'image/svg+xml', csv: 'text/csv', json: 'application/json' };

export function exportSink(host: Host): (file: ExportedFile) => void {
  return host.live ? (file) => host.post({ type: 'export', ...file }) : download;
}

/** The report's download: a Blob behind an <a download>, named like the host's suggestion. */
function download(file: ExportedFile) {
  const body = file.format === 'png' ? base64Bytes(file.content.slice(file.content.indexOf(',') + 1)) : file.content;
  const url = URL.createObjectURL(new Blob([body], { type: MIME[file.format] }));
  const a = Object.assign(document.createElement('a'), { href: url, download: exportFileName(file.runTitle, file.part, file.format) });
  document.body.append(a);
  a.click();
  a.remove();
  // The download has read the Blob by the next task.
  setTimeout(() => URL.revokeObjectURL(url));
}

function base64Bytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
