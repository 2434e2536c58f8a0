import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SolveResult, TensorCheckResult } from '../../protocol/results';
import { EXAMPLES, REPO_ROOT } from '../paths';

// Through the package's bin shim, as a user runs it.
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'regress-lab.js'), ...args], { encoding: 'utf8', cwd: REPO_ROOT });

test('tensor --json on compare-methods: sizes, loss, and tiny differences between the matrix and Kronecker forms', () => {
  const r = cli('tensor', join(EXAMPLES, 'compare-methods.regress'), '--json');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as TensorCheckResult;
  assert.deepEqual(out.problem, { kind: 'attention', variant: 'normalized', n: 12, d: 4, reg: 0 });
  assert.deepEqual(out.sizes, { n: 12, d: 4, rows: 144, cols: 16, bytes: 144 * 16 * 8, limitBytes: 256 * 2 ** 20 });
  for (const pt of [out, out.probe])
    for (const q of [pt.predictions, pt.loss, pt.gradient]) {
      assert.ok(q.relDiff <= 1e-12, JSON.stringify(q));
      assert.ok(q.maxAbsDiff <= 1e-12, JSON.stringify(q));
      assert.ok(q.scaledDiff <= q.relDiff && q.scale >= q.matrixMax, JSON.stringify(q));
    }
  assert.ok(out.loss.matrix > 0 && out.loss.matrix === out.loss.matrixMax);
  assert.ok(out.gradient.matrixMax > 0, 'the gradient at X0 is not trivially zero');
  assert.ok(out.probe.predictions.matrixMax > 0.99 && out.probe.predictions.matrixMax < 1.01);
  assert.ok(out.timing.matrixGradMs > 0 && out.timing.kroneckerGradMs > 0);
  assert.equal(out.tolerance, 1e-10);
  assert.equal(out.pass, true);
});

test('tensor prints a table by default', () => {
  const r = cli('tensor', join(EXAMPLES, 'compare-methods.regress'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /𝖠 = A1⊗A2 is 144 × 16 \(18 KiB\)/);
  assert.match(r.stdout, /^quantity\s+matrix form\s+vectorized\s+max abs diff\s+rel diff\s+diff\/terms$/m);
  assert.match(r.stdout, /^X0: gradient \(max \|·\|\)\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+$/m);
  assert.match(r.stdout, /gradient time: matrix form [\d.e+-]+ ms, Kronecker form [\d.e+-]+ ms/);
  assert.match(r.stdout, /^ok: every difference ≤ 1e-10 relative to the value or to its terms$/m);
});

test('tensor on a softmax (vector) problem exits 1 and explains why there is no tensor trick', () => {
  const r = cli('tensor', join(EXAMPLES, 'softmax-vector.regress'), '--json');
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /tensor check applies to attention problems/);
  assert.match(r.stderr, /softmax problem in vector form/);
});

test('solve with `check tensor` on a problem that overflows at X0 reports both, without crashing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'regress-tensor-'));
  try {
    const file = join(dir, 'overflow.regress');
    writeFileSync(
      file,
      'problem attention rescaled\nn = 4\nd = 2\nA1 = normal(scale = 30)\nA2 = A1\nB = simplex()\nX0 = identity\ncheck tensor\nsolve gd lr = 0.1 steps = 3\n',
    );
    const r = cli('solve', file, '--json');
    assert.equal(r.status, 3, r.stderr);
    const out = JSON.parse(r.stdout) as SolveResult;
    assert.equal(out.runs[0].final.stopReason, 'overflow');
    assert.ok(out.tensor && 'error' in out.tensor, JSON.stringify(out.tensor));
    assert.match(out.tensor.error, /the rescaled loss overflows: S\[\d,\d\]/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
