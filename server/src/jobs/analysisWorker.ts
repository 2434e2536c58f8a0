/**
 * The language server's analysis worker: builds a document's numbers (generators, planted targets, data files) and
 * the hover statistics and spectral norms of its matrices, one task at a time, off the main thread. Long-lived: its
 * file cache survives between tasks. The built matrices are transferred, not copied, to the main thread.
 */
import { parentPort } from 'node:worker_threads';
import { analyze } from '../language/analyze';
import { cachedReader } from '../language/datafiles';
import { spectralNorm } from '../math/spectral';
import { numericResult, transferables, type AnalysisAnswer, type AnalysisRequest, type AnalysisReply } from './analysisMessages';

const read = cachedReader();

function answer(task: AnalysisRequest): AnalysisAnswer {
  if (task.kind === 'norm') return { kind: 'norm', spectral: spectralNorm(task.matrix) };
  const a = analyze(task.text, task.files && { ...task.files, read });
  // The server never asks: an experiment's analysis is complete without numbers.
  if (a.file === 'experiment') throw new Error('an experiment file has no numbers to build');
  return { kind: 'analyze', result: numericResult(a) };
}

parentPort!.on('message', (task: AnalysisRequest) => {
  let reply: AnalysisReply;
  try {
    reply = { id: task.id, ...answer(task) };
  } catch (e) {
    reply = { id: task.id, kind: 'failed', message: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(reply, transferables(reply));
});
