/**
 * Subscribing to an LSP request's cancellation. A `$/cancelRequest` that arrives before the handler runs (the request
 * and its cancel in one write) leaves the handler a token that is already cancelled and whose event never fires, so
 * `onCancellationRequested` alone loses that cancel and the run would never stop.
 */
import { LSPErrorCodes, ResponseError, type CancellationToken, type Disposable } from 'vscode-languageserver/node';

/** Calls `cancel` once when the token is cancelled, at once if it already is. */
export function onCancel(token: CancellationToken, cancel: () => void): Disposable {
  if (token.isCancellationRequested) {
    cancel();
    return { dispose() {} };
  }
  return token.onCancellationRequested(cancel);
}

/**
 * Waits for `work` unless the request is cancelled first, which rejects with RequestCancelled at once: a cancel that
 * comes while a large document is still being built must not wait for the build (which goes on for the diagnostics).
 */
export function unlessCancelled<T>(work: Promise<T>, token: CancellationToken): Promise<T> {
  let sub: Disposable | undefined;
  const cancelled = new Promise<never>((_, reject) => {
    sub = onCancel(token, () => reject(new ResponseError(LSPErrorCodes.RequestCancelled, 'Cancelled before the run started')));
  });
  return Promise.race([work, cancelled]).finally(() => sub?.dispose());
}
