/**
 * Custom LSP methods, all under the `regress/` prefix, as typed signatures: the server, the extension and the tests
 * turn each into their library's RequestType / NotificationType with one generic adapter, so the payload types are
 * spelled here once (rust-analyzer's lsp_ext.ts is the model). This module stays dependency-free so the panel can
 * import its types too.
 */
import type { RunKind, RunParams, RunResponse, ServerRunEvent } from './runs';

/** A request's method with its params and result types (`types` is never set: it only carries P and R). */
export interface RequestSignature<P, R> {
  readonly method: string;
  readonly types?: { params: P; result: R };
}
export interface NotificationSignature<P> {
  readonly method: string;
  readonly types?: { params: P };
}
const request = <P, R>(method: string): RequestSignature<P, R> => ({ method });
const notification = <P>(method: string): NotificationSignature<P> => ({ method });

/** The scheduler's state. (An earlier `health` field was always 'ok' and is gone: the status bar shows stops itself.) */
export interface ServerStatusParams {
  /** True when no run is running or queued. */
  quiescent: boolean;
  running: number;
  queued: number;
  message?: string;
}

export const Requests = {
  /** Start a run of any kind (protocol/runs.ts); answered with its result, also after a cancel. */
  run: request<RunParams, RunResponse>('regress/run'),
} as const;

export const Notifications = {
  /** Server → client: a run's `started` and `progress` events. */
  runEvent: notification<ServerRunEvent>('regress/runEvent'),
  /** Server → client: the scheduler's state, for the status bar. */
  serverStatus: notification<ServerStatusParams>('regress/serverStatus'),
} as const;

/** Error codes of failed `regress/run` requests (LSP reserves -32899…-32800 for itself). */
export const RunErrorCodes = {
  /** The document has errors; the message lists the first ones with line:col. */
  invalidDocument: -32001,
  /** No solve block at the requested index. */
  noSuchSolve: -32002,
  /** The worker thread died (crash or out of memory); the message says how. */
  workerFailed: -32003,
  /**
   * The file needs another kind of run (a solve of an experiment file, an experiment of a problem file, an experiment of
   * a file with a `sweep` line): the message says which, and the error's data is WrongKindData.
   */
  wrongKind: -32004,
  /** The workspace is not trusted (Workspace Trust): nothing runs until the user trusts the folder. */
  untrusted: -32005,
} as const;

/** The data of a wrongKind error: the kind of run the file needs, so a client can send that instead. */
export interface WrongKindData {
  kind: RunKind;
}
