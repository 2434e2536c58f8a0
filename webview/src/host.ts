/**
 * The page's link to whoever feeds it: the VS Code webview host (acquireVsCodeApi, messages as window events)
 * or, in the standalone report, nothing but the embedded payload.
 */
import type { FromPanel } from '../../protocol/webview';

interface VsCodeApi {
  postMessage(message: FromPanel): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare global {
  // Injected by VS Code into every webview; callable once per page.
  function acquireVsCodeApi(): VsCodeApi;
}

export interface Host {
  live: boolean;
  post(message: FromPanel): void;
  getState<T>(): T | undefined;
  setState(state: unknown): void;
}

export function connectHost(): Host {
  if (typeof acquireVsCodeApi !== 'function') return { live: false, post: () => {}, getState: () => undefined, setState: () => {} };
  const api = acquireVsCodeApi();
  return {
    live: true,
    post: (m) => api.postMessage(m),
    getState: <T>() => (api.getState() ?? undefined) as T | undefined,
    setState: (s) => api.setState(s),
  };
}
