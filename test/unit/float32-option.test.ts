/**
 * The `float32` solve option: declared once for every method (language/methods.ts), read and checked like every
 * numeric setting, and honoured by the run (a float32 block's losses carry float32 rounding; the default is float64).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { METHOD_NAMES, METHODS } from '../../server/src/language/methods';
import { runSolve } from '../../server/src/solver/run';
import { analyzeProblem } from './problemAnalysis';

const FILE =
  'problem attention normalized\nn = 12\nd = 3\nseed = 4\nA1 = normal()\nA2 = normal()\nXstar = normal()\nB = planted(Xstar)\nX0 = zeros\n';

test('every method takes float32 = 0 or 1 (default 0), documented for hover and completion', () => {
  for (const m of METHOD_NAMES) {
    const o = METHODS[m].options.find((x) => x.name === 'float32');
    assert.ok(o, `${m} has float32`);
    assert.deepEqual([o.default, o.min, o.max, o.integer], [0, 0, 1, true]);
    assert.match(o.doc, /1e-7/);
  }
});

test('float32 values outside {0, 1} are errors at the value; 1 reaches the block', () => {
  const bad = (v: string) =>
    analyzeProblem(`${FILE}solve gd float32 = ${v}\n`)
      .diagnostics.filter((d) => d.severity === 'error')
      .map((d) => d.message);
  assert.deepEqual(bad('2'), ['float32 must be at most 1, not 2']);
  assert.deepEqual(bad('0.5'), ['float32 must be a whole number, not 0.5']);
  assert.deepEqual(bad('-1'), ['float32 must be at least 0, not -1']);
  const a = analyzeProblem(`${FILE}solve lbfgs float32 = 1 steps = 5\nsolve lbfgs steps = 5\n`);
  assert.deepEqual(a.diagnostics, []);
  assert.equal(a.solves[0].options.float32, 1);
  const hooks = { onPoint() {}, cancelled: () => false };
  const [r32, r64] = a.solves.map((s) => runSolve(a.problem!, s, hooks));
  assert.equal(r32.options.float32, 1);
  assert.equal(r64.options.float32, 0);
  assert.ok(Math.abs(r32.final.loss - r64.final.loss) <= 1e-4 * r64.final.loss, `${r32.final.loss} vs ${r64.final.loss}`);
  assert.notEqual(r32.iterations[0].loss, r64.iterations[0].loss, 'the float32 block evaluates in float32');
});
