/** The in-context-learning verdict (common/iclVerdict.ts): which baseline the layer matches, read from the numbers. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { iclVerdict, MATCH_TOLERANCE, type VerdictRepeat } from '../../common/iclVerdict';
import type { IclCheckpoint } from '../../protocol/experiment';

const cp = (step: number, tfRatio: number): IclCheckpoint => ({ step, tfLoss: tfRatio, predsDiff: 0, modelDiff: 0, modelCos: 0, tfRatio });
const repeat = (gdRatio: number, linGdRatio: number, ...ratios: [number, number][]): VerdictRepeat => ({
  gdRatio,
  linGdRatio,
  checkpoints: ratios.map(([s, r]) => cp(s, r)),
});

test('verdict: nothing before the first checkpoint', () => {
  assert.equal(iclVerdict([]), undefined);
  assert.equal(iclVerdict([repeat(0.7, 0.7)]), undefined);
});

test('verdict: n = 200 numbers (layer 0.53, linearised GD 0.50, GD 0.18) match linearised GD only', () => {
  const v = iclVerdict([repeat(0.18, 0.5, [0, 1], [5000, 0.53])])!;
  assert.match(
    v,
    /^At step 5000 \(1 repeat\) the layer's held-out loss is 0\.530 × the uniform prediction's; one GD step reaches 0\.180, linearised GD 0\.500\./,
  );
  assert.match(v, /matches linearised GD \(\+0\.030, within 0\.05 of the uniform loss\) but not one GD step \(\+0\.350\)/);
});

test('verdict: paired per repeat, at the last step all repeats reached, with mean ± std', () => {
  // Repeat 2 stopped at step 100; its step-200 ratio is absent, so both are read at 100.
  const v = iclVerdict([repeat(0.74, 0.75, [0, 1], [100, 0.76], [200, 0.2]), repeat(0.72, 0.73, [0, 1], [100, 0.74])])!;
  assert.match(
    v,
    /^At step 100 \(2 repeats\) the layer's held-out loss is 0\.750 ± 0\.010 × .* one GD step reaches 0\.730 ± 0\.010, linearised GD 0\.740 ± 0\.010\./,
  );
  assert.match(v, /matches one GD step \(\+0\.020\) and linearised GD \(\+0\.010\)/);
  assert.match(v, /nearly linear/);
});

test('verdict: matching GD only, neither (above both), beating both, and between them', () => {
  assert.match(
    iclVerdict([repeat(0.7, 0.6, [10, 0.72])])!,
    /matches one GD step \(\+0\.020, within 0\.05 of the uniform loss\) but not linearised GD \(\+0\.120\)/,
  );
  assert.match(
    iclVerdict([repeat(0.7, 0.75, [10, 0.95])])!,
    /matches neither: it is 0\.250 above one GD step and 0\.200 above linearised GD/,
  );
  assert.match(iclVerdict([repeat(0.7, 0.75, [10, 0.5])])!, /beats both one GD step \(−0\.200\) and linearised GD \(−0\.250\)/);
  assert.match(iclVerdict([repeat(0.5, 0.9, [10, 0.7])])!, /matches neither one GD step \(\+0\.200\) nor linearised GD \(−0\.200\)/);
});

test('verdict: the tolerance decides, and a non-finite ratio gives no verdict', () => {
  assert.match(iclVerdict([repeat(0.5, 0.9, [10, 0.5 + MATCH_TOLERANCE - 0.001])])!, /matches one GD step/);
  assert.match(iclVerdict([repeat(0.5, 0.9, [10, 0.5 + MATCH_TOLERANCE + 0.001])])!, /matches neither one GD step/);
  assert.match(iclVerdict([repeat(NaN, 0.9, [10, 0.5])])!, /No verdict: a loss is not finite\.$/);
});
