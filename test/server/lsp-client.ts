/**
 * A minimal LSP client over stdio for tests: spawns the bundled server (or, with `via: 'cli'`, the CLI's
 * `regress-lab lsp --stdio`, as other editors start it) and speaks JSON-RPC with vscode-jsonrpc. The custom methods
 * go through the typed signatures of protocol/lsp.ts (`request`, `notify`, `onNotification`, `received`), so a test
 * gets the payload types the server and the extension use; malformed traffic goes through `connection` directly.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CancellationTokenSource,
  createMessageConnection,
  NotificationType,
  ParameterStructures,
  RequestType,
  StreamMessageReader,
  StreamMessageWriter,
  type CancellationToken,
  type MessageConnection,
  type RequestParam,
} from 'vscode-jsonrpc/node';
import type { IclResult, IclSweepResult } from '../../protocol/experiment';
import { Notifications, Requests, type NotificationSignature, type RequestSignature, type ServerStatusParams } from '../../protocol/lsp';
import type { SolveResult } from '../../protocol/results';
import type { ExperimentProgress, RunEventOf, RunParams, ServerRunEvent, SolveProgress, SweepProgress } from '../../protocol/runs';
import { DIST } from '../paths';

/** The library's types for a signature: the one place the tests turn a method name into typed traffic. */
const requestType = <P, R>(sig: RequestSignature<P, R>) => new RequestType<P, R, void>(sig.method, ParameterStructures.byName);
const notificationType = <P>(sig: NotificationSignature<P>) => new NotificationType<P>(sig.method, ParameterStructures.byName);

export interface PublishedDiagnostics {
  uri: string;
  version?: number;
  diagnostics: {
    range: { start: { line: number; character: number }; end: { line: number; character: number } };
    severity: number;
    message: string;
  }[];
}

export class TestClient {
  readonly connection: MessageConnection;
  private readonly child: ChildProcess;
  private readonly diagnostics = new Map<string, PublishedDiagnostics[]>();
  private readonly waiters: { pred: () => boolean; resolve: () => void }[] = [];
  /** Notifications of other methods than those below. */
  readonly notifications: { method: string; params: unknown }[] = [];
  /** `regress/runEvent`, `regress/serverStatus` and window/logMessage notifications, in order. */
  readonly runEvents: ServerRunEvent[] = [];
  readonly statuses: ServerStatusParams[] = [];
  readonly logs: { type: number; message: string }[] = [];
  /** The server process's exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  stderr = '';

  constructor(via: 'server' | 'cli' = 'server') {
    const args = via === 'cli' ? [join(DIST, 'cli.js'), 'lsp', '--stdio'] : [join(DIST, 'server.js'), '--stdio'];
    this.child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (d) => (this.stderr += String(d)));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.connection = createMessageConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishedDiagnostics) => {
      this.diagnostics.set(p.uri, [...(this.diagnostics.get(p.uri) ?? []), p]);
      this.poke();
    });
    const keep =
      <T>(into: T[]) =>
      (p: T) => {
        into.push(p);
        this.poke();
      };
    this.onNotification(Notifications.runEvent, keep(this.runEvents));
    this.onNotification(Notifications.serverStatus, keep(this.statuses));
    this.connection.onNotification('window/logMessage', keep(this.logs));
    this.connection.onNotification((method: string, params: unknown) => keep(this.notifications)({ method, params }));
    this.connection.listen();
  }

  async initialize(initializationOptions: object = {}) {
    await this.connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions });
    await this.connection.sendNotification('initialized', {});
  }

  open(name: string, text: string, version = 1): string {
    const uri = pathToFileURL(join('/tmp/regress-tests', name)).toString();
    void this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'regress', version, text } });
    return uri;
  }

  change(uri: string, text: string, version: number) {
    void this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  /** Resolves when `pred` holds, checked on every incoming notification; rejects after `ms`. */
  waitFor(pred: () => boolean, what: string, ms = 15000): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}\nserver stderr:\n${this.stderr}`)), ms);
      this.waiters.push({ pred, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  async diagnosticsFor(uri: string, version: number): Promise<PublishedDiagnostics> {
    const find = () => this.diagnostics.get(uri)?.find((p) => p.version === version);
    await this.waitFor(() => !!find(), `diagnostics for ${uri} v${version}`);
    return find()!;
  }

  /** Every diagnostics notification received for `uri`, in order. */
  published(uri: string): PublishedDiagnostics[] {
    return this.diagnostics.get(uri) ?? [];
  }

  /** Messages the server logged (type 1 error, 2 warning, 3 info, 4 log; all without `type`). */
  logged(type?: number): string[] {
    return this.logs.filter((m) => type === undefined || m.type === type).map((m) => m.message);
  }

  request<P, R>(sig: RequestSignature<P, R>, params: RequestParam<P>, token?: CancellationToken): Promise<R> {
    return this.connection.sendRequest(requestType(sig), params, token);
  }

  notify<P>(sig: NotificationSignature<P>, params: RequestParam<P>): Promise<void> {
    return this.connection.sendNotification(notificationType(sig), params);
  }

  onNotification<P>(sig: NotificationSignature<P>, handler: (params: P) => void) {
    this.connection.onNotification(notificationType(sig), handler);
  }

  /** `regress/run` of a solve, narrowed to its SolveResult. */
  async solve(params: Omit<RunParams<'solve'>, 'kind'>, token?: CancellationToken): Promise<SolveResult> {
    const response = await this.request(Requests.run, { kind: 'solve', ...params }, token);
    assert.ok(response.kind === 'solve', `a solve answered as ${response.kind}`);
    return response.result;
  }

  /** `regress/run` of an experiment, narrowed to its IclResult. */
  async experiment(params: Omit<RunParams<'experiment'>, 'kind'>, token?: CancellationToken): Promise<IclResult> {
    const response = await this.request(Requests.run, { kind: 'experiment', ...params }, token);
    assert.ok(response.kind === 'experiment', `an experiment answered as ${response.kind}`);
    return response.result;
  }

  /** `regress/run` of a sweep, narrowed to its IclSweepResult. */
  async sweep(params: Omit<RunParams<'sweep'>, 'kind'>, token?: CancellationToken): Promise<IclSweepResult> {
    const response = await this.request(Requests.run, { kind: 'sweep', ...params }, token);
    assert.ok(response.kind === 'sweep', `a sweep answered as ${response.kind}`);
    return response.result;
  }

  /** Every `started` event received. */
  started(): RunEventOf<'started'>[] {
    return this.runEvents.flatMap((e) => (e.event === 'started' ? [e] : []));
  }

  /** The progress batches of solve `runId`, in order. */
  solveProgress(runId: string): SolveProgress[] {
    return this.runEvents.flatMap((e) => (e.event === 'progress' && e.kind === 'solve' && e.runId === runId ? [e.data] : []));
  }

  /** The progress batches of experiment `runId`, in order. */
  experimentProgress(runId: string): ExperimentProgress[] {
    return this.runEvents.flatMap((e) => (e.event === 'progress' && e.kind === 'experiment' && e.runId === runId ? [e.data] : []));
  }

  /** The progress batches of sweep `runId`, in order. */
  sweepProgress(runId: string): SweepProgress[] {
    return this.runEvents.flatMap((e) => (e.event === 'progress' && e.kind === 'sweep' && e.runId === runId ? [e.data] : []));
  }

  /** Resolves once the server's latest status says nothing runs or waits. */
  idle(): Promise<void> {
    return this.waitFor(() => this.statuses.at(-1)?.quiescent === true, 'an idle server');
  }

  /** The server's process id (to read its memory and threads from /proc). */
  get pid(): number {
    return this.child.pid!;
  }

  /** Writes JSON-RPC messages in one write to the server's stdin, e.g. a request and its cancel arriving together. */
  writeRaw(...messages: object[]) {
    this.child.stdin!.write(
      messages
        .map((m) => {
          const body = JSON.stringify({ jsonrpc: '2.0', ...m });
          return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
        })
        .join(''),
    );
  }

  newToken() {
    return new CancellationTokenSource();
  }

  private poke() {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i].pred()) {
        this.waiters[i].resolve();
        this.waiters.splice(i, 1);
      }
    }
  }

  async close() {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      void this.connection.sendNotification('exit');
    } finally {
      this.connection.dispose();
      if (this.child.exitCode === null) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => this.child.kill('SIGKILL'), 3000);
          this.child.once('exit', () => (clearTimeout(t), resolve()));
        });
      }
    }
  }
}
