/**
 * The server's side of the typed signatures of protocol/lsp.ts: each becomes the vscode-languageserver RequestType or
 * NotificationType that the connection's typed overloads take, with the result and params types of the signature, so
 * no handler or sender spells them again.
 */
import { NotificationType, ParameterStructures, RequestType } from 'vscode-languageserver/node';
import type { NotificationSignature, RequestSignature } from '../../../protocol/lsp';

/**
 * A request the server answers. Its params are `unknown` until validate.ts has checked them. By name only: positional
 * params ([p, …]) are refused by the connection with InvalidParams instead of being spread over the handler's
 * arguments (where the cancellation token would be a client's value).
 */
export function incomingRequest<P, R>(sig: RequestSignature<P, R>): RequestType<unknown, R, void> {
  return new RequestType<unknown, R, void>(sig.method, ParameterStructures.byName);
}

export function notificationType<P>(sig: NotificationSignature<P>): NotificationType<P> {
  return new NotificationType<P>(sig.method, ParameterStructures.byName);
}
