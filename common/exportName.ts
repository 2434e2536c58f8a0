/**
 * The file name an export suggests, the same in VS Code's save dialog and the report's download: the run's title
 * (its file, without .regress), the part, and with `at` the local time, as "quickstart-trajectory-20250102-030405.csv";
 * anything but letters, digits, '.', '_' and '-' becomes '-'.
 */
export function exportFileName(runTitle: string, part: string, extension: string, at?: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = at
    ? `-${at.getFullYear()}${pad(at.getMonth() + 1)}${pad(at.getDate())}-${pad(at.getHours())}${pad(at.getMinutes())}${pad(at.getSeconds())}`
    : '';
  const stem = `${runTitle.replace(/\.regress$/, '')}-${part}`.replace(/[^\w.-]+/g, '-').replace(/^[-.]+|-+$/g, '');
  return `${stem || 'export'}${time}.${extension}`;
}
