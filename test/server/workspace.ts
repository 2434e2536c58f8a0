/** Helpers for servers started with a workspace folder, documents at real paths, and requests that may never answer. */
import { pathToFileURL } from 'node:url';
import type { TestClient } from './lsp-client';

/** Initializes `client` with `folder` as its one workspace folder (none when undefined). */
export async function initializeIn(client: TestClient, folder: string | undefined, initializationOptions: object = {}) {
  const workspaceFolders = folder ? [{ uri: pathToFileURL(folder).toString(), name: 'ws' }] : null;
  await client.connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    workspaceFolders,
    capabilities: {},
    initializationOptions,
  });
  await client.connection.sendNotification('initialized', {});
}

/** Opens a document whose URI is the file `path` (the file itself need not exist). */
export function openPath(client: TestClient, path: string, text: string): string {
  const uri = pathToFileURL(path).toString();
  void client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'regress', version: 1, text } });
  return uri;
}

/** `p`, or a rejection after `ms` saying what did not answer: a server that hangs fails the test instead of stalling it. */
export function within<T>(p: Promise<T>, what: string, ms = 10000): Promise<T> {
  let timer!: NodeJS.Timeout;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms: ${what}`)), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

export interface RpcError {
  code: number;
  message: string;
}

/** The error a request fails with (within `ms`); a request that succeeds or hangs fails the test. */
export async function failure(p: Promise<unknown>, what: string, ms = 10000): Promise<RpcError> {
  let result: unknown;
  try {
    result = await within(p, what, ms);
  } catch (e) {
    if (typeof (e as RpcError).code === 'number') return e as RpcError;
    throw e;
  }
  throw new Error(`${what}: expected an error, got ${JSON.stringify(result)?.slice(0, 200)}`);
}
