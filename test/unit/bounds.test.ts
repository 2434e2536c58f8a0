/**
 * The bound checks (server/src/bounds) against independent oracles: b̃ and both losses recomputed naively on number
 * arrays, the exactness identity, every sharp bound on random moves of every kind, the papers' bound wherever its
 * assumptions hold, log-space M against the direct formula, assumptions reported as not met, the self-attention
 * layer against a naive implementation, and the CLI's JSON recomputed from its own iterates.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import type { BoundValue, BlockBounds } from '../../protocol/bounds';
import type { MethodName, Variant } from '../../protocol/results';
import { dataMoveCheck } from '../../server/src/bounds/dataMove';
import { log10M } from '../../server/src/bounds/paper';
import { selfAttentionLayer } from '../../server/src/bounds/selfAttention';
import { WeightShiftCheck } from '../../server/src/bounds/weightShift';
import { Rng } from '../../server/src/math/random';
import type { Matrix, Problem, SelfAttentionMove } from '../../server/src/problem';
import { runSolve } from '../../server/src/solver/run';
import { DIST, EXAMPLES } from '../paths';
import { randMatrix, rowStochastic } from './builders';

type Rows = number[][];

const rowsOf = (m: Matrix): Rows => Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));

function problem(kind: 'attention' | 'softmax', variant: Variant, n: number, d: number, seed: number, scale = 0.6, xScale = 0.5): Problem {
  const rng = new Rng(seed, 3);
  if (kind === 'attention')
    return {
      kind,
      variant,
      n,
      d,
      reg: 0,
      A1: randMatrix(rng, n, d, scale),
      A2: randMatrix(rng, n, d, scale),
      B: rowStochastic(rng, n, n),
      X0: randMatrix(rng, d, d, xScale),
    };
  return {
    kind,
    variant,
    n,
    d,
    reg: 0,
    A: randMatrix(rng, n, d, scale),
    b: rowStochastic(rng, 1, n).data,
    x0: randMatrix(rng, d, 1, xScale).data,
  };
}

/** Naive scores as rows: A1·X·A2ᵀ, or one row A·x. */
function naiveScores(p: Problem, x: Float64Array, data?: Matrix[]): Rows {
  if (p.kind === 'attention') {
    const [A1, A2] = (data ?? [p.A1, p.A2]).map(rowsOf);
    const d = p.d;
    const X = Array.from({ length: d }, (_, i) => Array.from(x.subarray(i * d, (i + 1) * d)));
    return A1.map((a) => A2.map((c) => a.reduce((s, ai, i) => s + ai * X[i].reduce((t, xij, j) => t + xij * c[j], 0), 0)));
  }
  const A = rowsOf((data ?? [p.A])[0]);
  return [A.map((a) => a.reduce((s, v, j) => s + v * x[j], 0))];
}

function target(p: Problem): Rows {
  return p.kind === 'attention' ? rowsOf(p.B) : [Array.from(p.b)];
}

/** Naive b̃ (math spec §3.4, §4.8) and data loss 0.5‖·‖² with a given target. */
function naiveShift(p: Problem, S0: Rows, S1: Rows) {
  const b = target(p);
  const soft = (r: number[]) => {
    const e = r.map(Math.exp);
    const s = e.reduce((a, v) => a + v, 0);
    return { e, s, f: e.map((v) => v / s) };
  };
  const bt = S0.map((r0, i) => {
    const a = soft(r0),
      c = soft(S1[i]);
    return p.variant === 'normalized' ? b[i].map((v, j) => v + a.f[j] - c.f[j]) : b[i].map((v, j) => (a.e[j] - c.e[j] + c.s * v) / a.s);
  });
  const loss = (S: Rows, t: Rows) =>
    0.5 *
    S.reduce((acc, r, i) => {
      const q = soft(r);
      return acc + r.reduce((s, _v, j) => s + (p.variant === 'normalized' ? q.f[j] - t[i][j] : q.e[j] - q.s * t[i][j]) ** 2, 0);
    }, 0);
  const shift = Math.sqrt(bt.flat().reduce((s, v, k) => s + (v - b.flat()[k]) ** 2, 0));
  return { bt, shift, lossPrev: loss(S0, bt), lossNext: loss(S1, b) };
}

const KINDS: ['attention' | 'softmax', Variant][] = [
  ['attention', 'normalized'],
  ['attention', 'rescaled'],
  ['softmax', 'normalized'],
  ['softmax', 'rescaled'],
];
const SHAPES: [number, number][] = [
  [1, 1],
  [3, 2],
  [6, 3],
  [9, 4],
];

function x0Of(p: Problem): Float64Array {
  return Float64Array.from(p.kind === 'attention' ? p.X0.data : p.x0);
}

function checkStep(p: Problem, method: MethodName, x: Float64Array, y: Float64Array, eta?: number): BlockBounds {
  const c = new WeightShiftCheck(p, { method });
  c.onStep(0, x, y, eta);
  return c.result();
}

test('b̃ and the identity L(x_t; b̃) = L(x_t+1; b) match a naive recomputation on every kind and shape', () => {
  for (const [kind, variant] of KINDS) {
    for (const [n, d] of SHAPES) {
      for (let seed = 1; seed <= 4; seed++) {
        const p = problem(kind, variant, n, d, seed);
        const rng = new Rng(seed, 99);
        const x = x0Of(p);
        const y = x.map((v) => v + 0.3 * rng.normal());
        const step = checkStep(p, 'lbfgs', x, y).steps[0];
        const naive = naiveShift(p, naiveScores(p, x), naiveScores(p, y));
        const where = `${kind} ${variant} n=${n} d=${d} seed=${seed}`;
        assert.ok(
          Math.abs(step.observedShift - naive.shift) <= 1e-12 * (1 + naive.shift),
          `${where}: shift ${step.observedShift} vs ${naive.shift}`,
        );
        assert.ok(Math.abs(naive.lossPrev - naive.lossNext) <= 1e-13 * (1 + naive.lossNext), `${where}: naive identity`);
        assert.ok(step.exactnessError <= 1e-13 * (1 + step.lossNext), `${where}: exactness ${step.exactnessError}`);
        assert.ok(Math.abs(step.lossNext - naive.lossNext) <= 1e-12 * (1 + naive.lossNext), `${where}: L(x_t+1; b)`);
        // Σ b̃ = Σ b per row: both softmax rows sum to 1 (normalized); Σb_j = 1 keeps Σ b̃_j = 1 (rescaled).
        for (const [i, row] of naive.bt.entries())
          assert.ok(Math.abs(row.reduce((s, v) => s + v, 0) - target(p)[i].reduce((s, v) => s + v, 0)) < 1e-12, `${where}: row sum`);
      }
    }
  }
});

test('every sharp bound holds on random moves of every kind, small and large', () => {
  let checked = 0;
  for (const [kind, variant] of KINDS) {
    for (const [n, d] of SHAPES) {
      for (let seed = 1; seed <= 6; seed++) {
        const p = problem(kind, variant, n, d, seed, 0.3 + seed * 0.2);
        const rng = new Rng(seed, 7);
        const x = x0Of(p);
        for (const size of [1e-6, 1e-2, 0.3, 2]) {
          const y = x.map((v) => v + size * rng.normal());
          const r = checkStep(p, 'lbfgs', x, y);
          for (const b of r.steps[0].bounds.filter((v) => v.name !== 'paper')) {
            assert.ok(b.holds, `${kind} ${variant} n=${n} d=${d} seed=${seed} size=${size}: ${b.name} ${b.observed} > ${b.value}`);
            assert.ok(b.ratio <= 1 + 1e-9 || b.observed < 1e-14, `${b.name} ratio ${b.ratio}`);
            checked++;
          }
          assert.equal(r.sharpViolations, 0);
        }
      }
    }
  }
  assert.ok(checked > 500, `${checked} bound evaluations`);
});

test('along real runs of each method every sharp bound holds; S3 appears for gradient steps only', () => {
  for (const [kind, variant] of KINDS) {
    const p = problem(kind, variant, 6, 3, 5);
    for (const method of ['gd', 'armijo', 'newton', 'lbfgs'] as MethodName[]) {
      const r = runSolve(
        p,
        { index: 0, method, options: { steps: 40, lr: 0.5 }, line: 0, label: method },
        { onPoint: () => undefined, cancelled: () => false, observers: [new WeightShiftCheck(p, { method })] },
      );
      const b = r.bounds!;
      assert.equal(b.steps.length, r.final.iterations, `${kind} ${variant} ${method}: one check per step`);
      assert.equal(b.sharpViolations, 0, `${kind} ${variant} ${method}: ${b.messages.join(' ')}`);
      const names = new Set(b.summary.map((s) => s.name));
      assert.equal(
        names.has('S3'),
        variant === 'normalized' && (method === 'gd' || method === 'armijo'),
        `${kind} ${variant} ${method}: S3 presence`,
      );
      assert.equal(names.has('beta'), variant === 'rescaled');
      // Rounding level relative to the loss (the rescaled loss carries the scale of exp(S)).
      for (const st of b.steps)
        assert.ok(
          st.exactnessError <= 1e-13 * (1 + st.lossNext),
          `${kind} ${variant} ${method} k=${st.k}: exactness ${st.exactnessError} at loss ${st.lossNext}`,
        );
      assert.equal(b.maxExactnessError, Math.max(...b.steps.map((st) => st.exactnessError)));
      // The summary agrees with the steps it folds.
      const s1 = b.summary.find((s) => s.name === (variant === 'normalized' ? 'S1' : 'beta'))!;
      const ratios = b.steps.map((st) => st.bounds.find((v) => v.name === s1.name)!.ratio);
      assert.equal(s1.tightness, Math.max(...ratios));
      assert.equal(s1.stepsChecked, b.steps.length);
    }
  }
});

test('S3 is ¼·η·‖A‖²·‖c(x_t)‖ for a GD step on the vector problem (math spec §3.4)', () => {
  const p = problem('softmax', 'normalized', 7, 3, 2);
  const r = runSolve(
    p,
    { index: 0, method: 'gd', options: { steps: 1, lr: 0.8 }, line: 0, label: 'gd' },
    { onPoint: () => undefined, cancelled: () => false, observers: [new WeightShiftCheck(p, { method: 'gd' })] },
  );
  const step = r.bounds!.steps[0];
  const A = r.bounds!.norms.A!;
  // ‖c(x0)‖ from the naive softmax.
  const z = naiveScores(p, x0Of(p))[0];
  const e = z.map(Math.exp),
    s = e.reduce((a, v) => a + v, 0);
  const c = Math.sqrt(e.reduce((acc, v, j) => acc + (v / s - (p as { b: Float64Array }).b[j]) ** 2, 0));
  const s3 = step.bounds.find((b) => b.name === 'S3')!;
  assert.ok(Math.abs(s3.value! - 0.25 * 0.8 * A * A * c) < 1e-12, `${s3.value} vs ${0.25 * 0.8 * A * A * c}`);
  // ‖A‖ is the spectral norm: ‖A·v‖ ≤ ‖A‖‖v‖ for random v, with equality approached by the top singular vector.
  const rng = new Rng(3, 3);
  const Arows = rowsOf((p as { A: Matrix }).A);
  for (let t = 0; t < 50; t++) {
    const v = Array.from({ length: 3 }, () => rng.normal());
    const Av = Math.hypot(...Arows.map((a) => a.reduce((acc, aij, j) => acc + aij * v[j], 0)));
    assert.ok(Av <= A * Math.hypot(...v) * (1 + 1e-12));
  }
});

test('log-space M matches n^1.5·exp(10R²) where that does not overflow, and stays finite where it does', () => {
  for (const n of [1, 5, 200]) {
    for (const R of [0.1, 1, 4, 8]) {
      const direct = Math.log10(n ** 1.5 * Math.exp(10 * R * R));
      assert.ok(Math.abs(log10M(n, R) - direct) < 1e-9 * Math.max(1, direct), `n=${n} R=${R}`);
    }
  }
  assert.equal(Number.isFinite(n15exp(9)), false, 'the direct formula overflows at R = 9');
  assert.ok(Math.abs(log10M(10, 9) - (1.5 + 810 / Math.LN10)) < 1e-9);
});

function n15exp(R: number) {
  return 10 ** 1.5 * Math.exp(10 * R * R);
}

test('the papers’ bound holds wherever its assumptions hold; broken assumptions are reported as not met', () => {
  // R ≥ 4 from large data, tiny steps: every assumption met, and the bound holds.
  let met = 0;
  for (const [kind, variant] of KINDS) {
    const p = problem(kind, variant, 5, 3, 8, 2.5, 0.05);
    const rng = new Rng(8, 1);
    const x = x0Of(p);
    for (let t = 0; t < 10; t++) {
      const y = x.map((v) => v + 1e-5 * rng.normal());
      const step = checkStep(p, 'lbfgs', x, y).steps[0];
      const paper = step.bounds.find((b) => b.name === 'paper') as BoundValue;
      if (paper.assumptionsMet) {
        met++;
        assert.ok(paper.holds, `${kind} ${variant}: paper bound failed with its assumptions met`);
        assert.ok(step.assumptions.R >= 4 && step.assumptions.stepInf < 0.01 && step.assumptions.alphaOk);
      }
    }
  }
  assert.ok(met >= 20, `assumptions met on ${met} of 40 steps`);

  // Hand-built failures: small data (R < 4) and a big step (‖A·Δx‖_∞ ≥ 0.01).
  const small = problem('softmax', 'normalized', 4, 2, 1, 0.2, 0.1);
  const x = x0Of(small);
  const step = checkStep(
    small,
    'gd',
    x,
    x.map((v) => v + 0.5),
    0.1,
  ).steps[0];
  assert.equal(step.assumptions.rAtLeast4, false);
  assert.ok(step.assumptions.R < 4);
  assert.equal(step.assumptions.stepInfOk, false);
  assert.ok(step.assumptions.stepInf >= 0.01);
  assert.equal(step.bounds.find((b) => b.name === 'paper')!.assumptionsMet, false);
  const summary = new WeightShiftCheck(small, { method: 'gd' });
  summary.onStep(
    0,
    x,
    x.map((v) => v + 0.5),
    0.1,
  );
  assert.equal(summary.result().summary.find((s) => s.name === 'paper')!.assumptionsMetSteps, 0);
});

function naiveLayer(A: Rows, m: SelfAttentionMove): Rows {
  const mul = (X: Rows, Y: Rows) => X.map((r) => Y[0].map((_, j) => r.reduce((s, v, k) => s + v * Y[k][j], 0)));
  const T = (X: Rows) => X[0].map((_, j) => X.map((r) => r[j]));
  const logits = mul(mul(mul(A, rowsOf(m.WQ)), T(rowsOf(m.WK))), T(A)).map((r) => r.map((v) => v / Math.sqrt(m.k)));
  const P = logits.map((r) => {
    const e = r.map(Math.exp);
    const s = e.reduce((a, v) => a + v, 0);
    return e.map((v) => v / s);
  });
  const upd = mul(mul(mul(P, A), rowsOf(m.WV)), rowsOf(m.WP));
  return A.map((r, i) => r.map((v, j) => v + upd[i][j]));
}

function withMove(p: Problem, seed: number, layers: number): Problem {
  const rng = new Rng(seed, 5);
  const k = 2;
  return {
    ...p,
    move: {
      k,
      layers,
      WQ: randMatrix(rng, p.d, k, 0.5),
      WK: randMatrix(rng, p.d, k, 0.5),
      WV: randMatrix(rng, p.d, k, 0.5),
      WP: randMatrix(rng, k, p.d, 0.5),
    },
  };
}

test('the self-attention layer matches a naive implementation', () => {
  const p = withMove(problem('softmax', 'normalized', 6, 3, 4), 4, 1);
  const out = selfAttentionLayer((p as { A: Matrix }).A, p.move!);
  const naive = naiveLayer(rowsOf((p as { A: Matrix }).A), p.move!);
  naive.flat().forEach((v, i) => assert.ok(Math.abs(v - out.data[i]) < 1e-12));
});

test('data move: the identity, (S2) and the cap hold per layer; closeness is consistent with the two shifts', () => {
  for (const [kind, variant] of KINDS) {
    const p = withMove(problem(kind, variant, 5, 3, 6), 6, 3);
    const runs = [
      runSolve(
        p,
        { index: 0, method: 'gd', options: { steps: 5, lr: 0.5 }, line: 0, label: 'gd' },
        { onPoint: () => undefined, cancelled: () => false },
      ),
    ];
    const r = dataMoveCheck(p, runs);
    assert.equal(r.steps.length, 3);
    // Layer 1 recomputed naively: b̃ from the scores before and after the layer at x0.
    const x = x0Of(p);
    const data0 = p.kind === 'attention' ? [p.A1, p.A2] : [p.A];
    const data1 = data0.map((A) => selfAttentionLayer(A, p.move!));
    const naive = naiveShift(p, naiveScores(p, x, data0), naiveScores(p, x, data1));
    assert.ok(
      Math.abs(r.steps[0].observedShift - naive.shift) < 1e-12 * (1 + naive.shift),
      `${kind} ${variant}: ${r.steps[0].observedShift} vs ${naive.shift}`,
    );
    for (const s of r.steps) {
      assert.ok(s.exactnessError < 1e-12, `${kind} ${variant} layer ${s.layer}: exactness`);
      for (const b of s.bounds.filter((v) => v.name !== 'paper')) assert.ok(b.holds, `${kind} ${variant} layer ${s.layer}: ${b.name}`);
      assert.ok(s.observedShift > 0, 'a nonzero x0 sees the move');
    }
    const c = r.closeness[0];
    assert.ok(c.cosine !== null && c.cosine >= -1 - 1e-12 && c.cosine <= 1 + 1e-12);
    // ‖g − s‖² = ‖g‖² + ‖s‖² − 2‖g‖‖s‖cos: the three reported numbers must agree.
    assert.ok(Math.abs(c.distance ** 2 - (c.gdShift ** 2 + c.saShift ** 2 - 2 * c.gdShift * c.saShift * c.cosine!)) < 1e-10);
  }
});

test('data move at x0 = 0 shifts nothing and says why', () => {
  const base = problem('softmax', 'normalized', 5, 3, 2);
  const p = withMove({ ...base, x0: new Float64Array(3) } as Problem, 2, 1);
  const r = dataMoveCheck(p, []);
  assert.equal(r.steps[0].observedShift, 0);
  assert.ok(r.messages.some((m) => /x0 = 0/.test(m)));
});

test('check-bounds --json: every step recomputes from the printed data and iterates', () => {
  const out = execFileSync(process.execPath, [join(DIST, 'cli.js'), 'check-bounds', join(EXAMPLES, 'softmax-vector.regress'), '--json'], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const j = JSON.parse(out) as {
    data: { A: Rows; b: number[] };
    runs: { iterates: number[][]; steps: { k: number; observedShift: number; stepNorm: number }[]; sharpViolations: number }[];
  };
  const run = j.runs[0];
  assert.equal(run.iterates.length, run.steps.length + 1);
  assert.equal(run.sharpViolations, 0);
  const p: Problem = {
    kind: 'softmax',
    variant: 'normalized',
    n: j.data.A.length,
    d: j.data.A[0].length,
    reg: 0,
    A: { rows: j.data.A.length, cols: j.data.A[0].length, data: Float64Array.from(j.data.A.flat()) },
    b: Float64Array.from(j.data.b),
    x0: Float64Array.from(run.iterates[0]),
  };
  for (const k of [0, 1, 7, run.steps.length - 1]) {
    const x = Float64Array.from(run.iterates[k]),
      y = Float64Array.from(run.iterates[k + 1]);
    const naive = naiveShift(p, naiveScores(p, x), naiveScores(p, y));
    assert.ok(Math.abs(run.steps[k].observedShift - naive.shift) <= 1e-12 * (1 + naive.shift), `step ${k}`);
    assert.ok(Math.abs(run.steps[k].stepNorm - Math.hypot(...y.map((v, i) => v - x[i]))) < 1e-14);
  }
});
