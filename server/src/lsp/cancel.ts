/**
 * Subscribing to an LSP request's cancellation. A `$/cancelRequest` that arrives before the handler runs (the request
 * and its cancel in one write) leaves the handler a token that is already cancelled and whose event never fires, so
 * `onCancellationRequested` alone loses that cancel and the run would never stop.
 */
import type { CancellationToken, Disposable } from 'vscode-languageserver/node';

/** Calls `cancel` once when the token is cancelled, at once if it already is. */
export function onCancel(token: CancellationToken, cancel: () => void): Disposable {
  if (token.isCancellationRequested) {
    cancel();
    return { dispose() {} };
  }
  return token.onCancellationRequested(cancel);
}
