/** The analysis of a problem file, for tests that read what only problem files have (anything else fails the test). */
import assert from 'node:assert/strict';
import { analyze, type ProblemAnalysis } from '../../server/src/language/analyze';

export function analyzeProblem(...args: Parameters<typeof analyze>): ProblemAnalysis {
  const a = analyze(...args);
  if (a.file !== 'problem') assert.fail(`expected a problem file, but this is an ${a.file} file`);
  return a;
}
