/**
 * The one adapter from protocol/lsp.ts's typed signatures to vscode-languageclient's message types: params and result
 * are inferred from the signature, so the payload types are spelled only in protocol/.
 */
import { NotificationType, ParameterStructures, RequestType } from 'vscode-languageclient/node';
import type { NotificationSignature, RequestSignature } from '../../protocol/lsp';

/** Params go by name: the server refuses positional ones. */
export function requestType<P, R>(sig: RequestSignature<P, R>): RequestType<P, R, void> {
  return new RequestType<P, R, void>(sig.method, ParameterStructures.byName);
}

export function notificationType<P>(sig: NotificationSignature<P>): NotificationType<P> {
  return new NotificationType<P>(sig.method, ParameterStructures.byName);
}
