/**
 * Matrices near the ends of the double range: statistics that neither overflow nor underflow while the entries are
 * finite, and a refusal where a norm cannot be written down (the heatmap's colours there: webview/heatmap-scale).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MatrixSummarizer } from '../../common/matrixSummary';

function summary(rows: number[][]) {
  const s = new MatrixSummarizer(rows.length, rows[0].length);
  for (const r of rows) s.add(r);
  return s.finish();
}

test('statistics of entries near 1e200 and 1e-200 are their values to rounding, not Infinity or 0', () => {
  const big = summary([
    [3e200, 4e200],
    [0, 0],
  ])!;
  // To rounding: 3e200 and 4e200 are not exact in binary, so their ratio is not exactly 0.75.
  assert.ok(Math.abs(big.stats.fro - 5e200) <= 5e200 * 4e-16, `${big.stats.fro}`);
  assert.equal(big.stats.mean, 7e200 / 4);
  assert.deepEqual(
    big.worstRows.map((w) => [w.row, Math.round(w.norm / 1e198)]),
    [
      [0, 500],
      [1, 0],
    ],
  );
  const small = summary([[3e-200], [4e-200]])!;
  assert.ok(Math.abs(small.stats.fro - 5e-200) <= 1e-215, `${small.stats.fro}`);
  assert.deepEqual(
    small.worstRows.map((w) => w.norm),
    [4e-200, 3e-200],
  );
});

test('entries near the largest double: the mean is kept, a Frobenius norm beyond it refuses the summary', () => {
  // 100 entries of 1e307: their sum (1e309) overflows, their norm (1e308) does not.
  const m = summary(Array.from({ length: 10 }, () => new Array<number>(10).fill(1e307)))!;
  assert.ok(m, 'entries summing past the largest double still have a mean');
  assert.ok(Math.abs(m.stats.mean - 1e307) <= 1e293, `${m.stats.mean}`);
  assert.ok(Math.abs(m.stats.fro - 1e308) <= 1e294, `${m.stats.fro}`);
  assert.equal(summary([[1.7e308, 1.7e308]]), undefined, '‖·‖_F = 2.4e308 cannot be written in JSON');
});
