/**
 * The fingerprint of a problem's numbers (server/src/jobs/fingerprint.ts) that lets the panel say "data changed":
 * equal for equal numbers, different when one entry of one matrix changes (by one ulp), or the shape does.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { problemFingerprint } from '../../server/src/jobs/fingerprint';
import type { AttentionProblem } from '../../server/src/problem';

const matrix = (rows: number, cols: number, f: (i: number) => number) => ({
  rows,
  cols,
  data: Float64Array.from({ length: rows * cols }, (_, i) => f(i)),
});

function problem(): AttentionProblem {
  return {
    kind: 'attention',
    variant: 'normalized',
    n: 3,
    d: 2,
    reg: 0,
    A1: matrix(3, 2, (i) => i / 7),
    A2: matrix(3, 2, (i) => 1 - i / 5),
    B: matrix(3, 3, () => 1 / 3),
    X0: matrix(2, 2, () => 0),
  };
}

test('equal numbers give one fingerprint; one entry changed by one ulp, or a transposed shape, another', () => {
  const base = problemFingerprint(problem());
  assert.match(base, /^[0-9a-f]{8}$/);
  assert.equal(problemFingerprint(problem()), base);
  const nudged = problem();
  nudged.B.data[4] = nudged.B.data[4] + Number.EPSILON / 4;
  assert.notEqual(nudged.B.data[4], 1 / 3);
  assert.notEqual(problemFingerprint(nudged), base);
  const reshaped = problem();
  reshaped.A1 = { ...reshaped.A1, rows: 2, cols: 3 };
  assert.notEqual(problemFingerprint(reshaped), base);
  assert.notEqual(problemFingerprint({ ...problem(), reg: 0.001 }), base);
});
