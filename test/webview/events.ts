/**
 * Run events as the extension host forwards them (protocol/runs.ts), for the panel's tests: each file is named by
 * its title and a file:// URI, and every run starts at one fixed instant (START) so the header's time is known.
 */
import type { RunEvent, RunKind, RunKinds } from '../../protocol/runs';

/** 2025-01-02 03:04:05 UTC. */
export const START = Date.UTC(2025, 0, 2, 3, 4, 5);

export const uriOf = (file: string) => `file:///w/${file}`;

export function started<K extends RunKind>(kind: K, runId: string, file: string, data: RunKinds[K]['started']): RunEvent {
  return { event: 'started', kind, runId, uri: uriOf(file), title: file, startedAt: START, data } as RunEvent;
}

export function progress<K extends RunKind>(kind: K, runId: string, data: RunKinds[K]['progress']): RunEvent {
  return { event: 'progress', kind, runId, data } as RunEvent;
}

export function finished<K extends RunKind>(kind: K, runId: string, result: RunKinds[K]['result']): RunEvent {
  return { event: 'finished', kind, runId, result } as RunEvent;
}

export function failed(kind: RunKind, runId: string, file: string, message: string, interrupted?: boolean): RunEvent {
  return { event: 'failed', kind, runId, uri: uriOf(file), title: file, message, ...(interrupted ? { interrupted } : {}) };
}

export { iclSettings } from '../iclSettings';
