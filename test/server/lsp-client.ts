/**
 * A minimal LSP client over stdio for tests: spawns the bundled server (or, with `via: 'cli'`, the CLI's
 * `regress-lab lsp --stdio`, as other editors start it) and speaks JSON-RPC with vscode-jsonrpc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource, createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { Methods, type ServerStatusParams } from '../../protocol/lsp';
import { DIST } from '../paths';

export interface PublishedDiagnostics {
  uri: string;
  version?: number;
  diagnostics: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; severity: number; message: string }[];
}

export class TestClient {
  readonly connection: MessageConnection;
  private readonly child: ChildProcess;
  private readonly diagnostics = new Map<string, PublishedDiagnostics[]>();
  private readonly waiters: { pred: () => boolean; resolve: () => void }[] = [];
  readonly notifications: { method: string; params: unknown }[] = [];
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
    this.connection.onNotification((method: string, params: unknown) => {
      this.notifications.push({ method, params });
      this.poke();
    });
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

  of<T>(method: string): T[] {
    return this.notifications.filter((n) => n.method === method).map((n) => n.params as T);
  }

  /** Resolves once the server's latest status says nothing runs or waits. */
  idle(): Promise<void> {
    return this.waitFor(() => this.of<ServerStatusParams>(Methods.serverStatus).at(-1)?.quiescent === true, 'an idle server');
  }

  /** The server's process id (to read its memory and threads from /proc). */
  get pid(): number {
    return this.child.pid!;
  }

  /** Writes JSON-RPC messages in one write to the server's stdin, e.g. a request and its cancel arriving together. */
  writeRaw(...messages: object[]) {
    this.child.stdin!.write(messages.map((m) => {
      const body = JSON.stringify({ jsonrpc: '2.0', ...m });
      return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    }).join(''));
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
