/**
 * A run as its events: announced (`started`, with what the kind's table says it runs), submitted, and its progress
 * relayed, each as the RunEvent the protocol carries. The language server sends them to its client; the CLI's report
 * embeds them. Either way they come from here, so the panel replays a report exactly as it showed the live run.
 */
import type { RunKind, RunKinds, ServerRunEvent } from '../../../protocol/runs';
import { JOB_KINDS, type JobInputs } from './runKinds';
import type { Job, JobScheduler } from './scheduler';

export interface RunMeta {
  runId: string;
  /** Document URI, or the file's path (CLI). */
  uri: string;
  /** common/runTitle.ts. */
  title: string;
}

export function startRun<K extends RunKind>(
  scheduler: JobScheduler,
  kind: K,
  input: JobInputs[K],
  meta: RunMeta,
  emit: (e: ServerRunEvent) => void,
): Job<RunKinds[K]['result']> {
  const { runId, uri, title } = meta;
  // An event of a run of kind K is an event of some kind; TypeScript cannot widen a generic K's event to that union.
  const send = (e: ServerRunEvent<K>) => emit(e as ServerRunEvent);
  send({ event: 'started', kind, runId, uri, title, startedAt: Date.now(), data: JOB_KINDS[kind].started(input) });
  return scheduler.submit(kind, input, { runId, source: uri }, (data) => send({ event: 'progress', kind, runId, data }));
}
