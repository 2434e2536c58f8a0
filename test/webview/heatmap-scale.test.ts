/** The heatmaps' colour positions near the largest double, where hi − lo itself overflows (webview/src/heatmapScale.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { position, scaleFor } from '../../webview/src/heatmapScale';

test('a diverging scale reaching ±1.7e308 places −max, 0 and +max at 0, ½ and 1; NaN at the middle', () => {
  const s = scaleFor('diverging', -1.7e308, 1.7e308);
  assert.deepEqual([position(s, -1.7e308), position(s, 0), position(s, 1.7e308)], [0, 0.5, 1]);
  assert.equal(position(s, NaN), 0.5);
  const sequential = scaleFor('sequential', -1.7e308, 1.7e308);
  assert.equal(position(sequential, 0), 0.5);
});
