/** What of an error message goes into a notification (no `vscode` import, so it is unit-tested under Node). */

/**
 * The first non-blank line of `message`: a worker failure posts `message\nstack`, and a stack belongs in the log,
 * not in a notification.
 */
export function firstLine(message: string): string {
  return (
    message
      .split(/\r\n|\r|\n/)
      .map((l) => l.trim())
      .find(Boolean) ?? 'no message'
  );
}
