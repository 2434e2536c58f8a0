/**
 * Benchmarks: `npm run bench`. Prints a table and writes bench-results.json in the working directory.
 * Every case is timed with process.hrtime.bigint after a warm-up, repeated until it has run for ≥ 200 ms and at
 * least 5 times; the median and minimum per operation are reported. The machine may be shared and noisy, so the
 * comparisons are reported as ratios of timings taken in the same run (`ratios` in the JSON).
 *
 * Cases: (1) the attention gradient in matrix form vs the naive Kronecker form 𝖠 = A1⊗A2 (math spec §6.1);
 * (2) loss+gradient and Hessian-vector products of all four problems; (3) full solves with every method;
 * (4) parsing and analysis of a ~6 MB .regress file; (5) dense.ts matmul vs ml-matrix; (6) the in-context-learning
 * experiment: drawing a task, one training task (draw + forward + gradient), one held-out evaluation, and the
 * projected time of the default experiment; (7) one loss+gradient on the JavaScript kernels vs the WebAssembly SIMD
 * kernels at the shapes, and, when python3 with NumPy is present, the same computation in NumPy on one and on
 * two BLAS threads (test/bench/numpy_lossgrad.py, fed the same data), written into docs/performance.md; (8) over stdio,
 * the language server's hover and completion latency while a document's numbers take seconds to build (on its analysis
 * worker) and while a solve runs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Matrix as MlMatrix } from 'ml-matrix';
import type { IclSettings } from '../../protocol/experiment';
import type { MethodName, Variant } from '../../protocol/results';
import { AttentionLayer } from '../../server/src/icl/attentionLayer';
import { JobScheduler } from '../../server/src/jobs/scheduler';
import { TaskSampler } from '../../server/src/icl/tasks';
import { analyze, MAX_ENTRIES } from '../../server/src/language/analyze';
import { parse } from '../../server/src/language/parser';
import { Rng } from '../../server/src/math/random';
import { matmul, matmulBT, rowSoftmax } from '../../server/src/math/dense';
import { objectiveFor, type Kernels } from '../../server/src/math/kernels';
import type { AttentionProblem, Matrix, SoftmaxProblem, SolveSpec } from '../../server/src/problem';
import { runSolve } from '../../server/src/solver/run';
import { DIST } from '../paths';
import { TestClient } from '../server/lsp-client';

const MIN_TOTAL_MS = 200;
const MIN_REPS = 5;
const MAX_REPS = 100_000;
const KRON_LIMIT_MIB = 600;

interface Timing {
  medianMs: number;
  minMs: number;
  reps: number;
}

interface CaseResult extends Partial<Timing> {
  name: string;
  params: Record<string, number | string>;
  skipped?: string;
  [extra: string]: unknown;
}

const cases: CaseResult[] = [];
const ratios: Record<string, number> = {};

/** Warm up, then time `fn` once per rep until ≥ MIN_TOTAL_MS in total and ≥ MIN_REPS reps. */
function measure(fn: () => void, warmup = 3): Timing {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  let total = 0;
  while ((total < MIN_TOTAL_MS || times.length < MIN_REPS) && times.length < MAX_REPS) {
    const t0 = process.hrtime.bigint();
    fn();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    times.push(ms);
    total += ms;
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  const medianMs = times.length % 2 ? times[mid] : 0.5 * (times[mid - 1] + times[mid]);
  return { medianMs, minMs: times[0], reps: times.length };
}

function record(c: CaseResult): CaseResult {
  cases.push(c);
  return c;
}

// ---------- data (seeded; every stream named, so the inputs are identical from run to run) ----------

function normalMatrix(rows: number, cols: number, scale: number, stream: number): Matrix {
  const rng = new Rng(20240601, stream);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = scale * rng.normal();
  return { rows, cols, data };
}

function simplexVector(n: number, stream: number): Float64Array {
  const row = rowSoftmax(normalMatrix(1, n, 1, stream));
  return row.data;
}

/** An attention problem with B = rowsoftmax(A1·X*·A2ᵀ) planted and X0 a small random point (not the optimum). */
function attentionProblem(variant: Variant, n: number, d: number): AttentionProblem {
  const s = 1 / Math.sqrt(Math.sqrt(d)); // entries of S = A1·X*·A2ᵀ stay O(1)
  const A1 = normalMatrix(n, d, s, 1);
  const A2 = normalMatrix(n, d, s, 2);
  const Xstar = normalMatrix(d, d, 1 / Math.sqrt(d), 3);
  const B = rowSoftmax(matmulBT(matmul(A1, Xstar), A2));
  const X0 = normalMatrix(d, d, 0.1 / Math.sqrt(d), 4);
  return { kind: 'attention', variant, n, d, reg: 0, A1, A2, B, X0 };
}

function softmaxProblem(variant: Variant, n: number, d: number): SoftmaxProblem {
  const A = normalMatrix(n, d, 1 / Math.sqrt(d), 5);
  const b = simplexVector(n, 6);
  const x0 = normalMatrix(1, d, 0.1, 7).data;
  return { kind: 'softmax', variant, n, d, reg: 0, A, b, x0 };
}

// ---------- 1. matrix form vs Kronecker form ----------

/** 𝖠 = A1⊗A2 (n²×d², row-major): row (i,j), column (p,q) holds A1[i,p]·A2[j,q], so vec(S) = 𝖠·vec(X). */
function kron(A1: Matrix, A2: Matrix): Float64Array {
  const n = A1.rows,
    d = A1.cols,
    D = d * d;
  const K = new Float64Array(n * n * D);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const row = (i * n + j) * D;
      for (let p = 0; p < d; p++) {
        const a = A1.data[i * d + p];
        const col = row + p * d;
        for (let q = 0; q < d; q++) K[col + q] = a * A2.data[j * d + q];
      }
    }
  return K;
}

/** Naive normalized gradient: s = 𝖠x, per row block p = softmax(s_i), c = p − b_i, J c = p∘(c − ⟨p,c⟩), g = 𝖠ᵀ(J c). */
function kronGrad(K: Float64Array, n: number, D: number, B: Float64Array, x: Float64Array, s: Float64Array, grad: Float64Array): number {
  const N = n * n;
  for (let r = 0; r < N; r++) {
    let acc = 0;
    const o = r * D;
    for (let k = 0; k < D; k++) acc += K[o + k] * x[k];
    s[r] = acc;
  }
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const o = i * n;
    let max = -Infinity;
    for (let j = 0; j < n; j++) if (s[o + j] > max) max = s[o + j];
    let sum = 0;
    for (let j = 0; j < n; j++) sum += s[o + j] = Math.exp(s[o + j] - max);
    let pc = 0;
    for (let j = 0; j < n; j++) {
      const p = (s[o + j] /= sum);
      const c = p - B[o + j];
      loss += 0.5 * c * c;
      pc += p * c;
    }
    for (let j = 0; j < n; j++) {
      const p = s[o + j];
      s[o + j] = p * (p - B[o + j] - pc);
    }
  }
  grad.fill(0);
  for (let r = 0; r < N; r++) {
    const g = s[r];
    if (g === 0) continue;
    const o = r * D;
    for (let k = 0; k < D; k++) grad[k] += K[o + k] * g;
  }
  return loss;
}

function benchKronecker() {
  for (const [n, d] of [
    [64, 16],
    [128, 32],
    [256, 32],
  ]) {
    const D = d * d;
    const mib = (n * n * D * 8) / 2 ** 20;
    const params = { n, d };
    if (mib > KRON_LIMIT_MIB) {
      record({
        name: 'attention gradient, Kronecker form',
        params,
        kronMiB: mib,
        skipped: `𝖠 would need ${mib} MiB (> ${KRON_LIMIT_MIB} MiB)`,
      });
      continue;
    }
    const p = attentionProblem('normalized', n, d);
    const obj = objectiveFor(p);
    const x = Float64Array.from(p.X0.data);
    const gM = new Float64Array(D);
    const tM = measure(() => obj.lossGrad(x, gM), 10);
    record({ name: 'attention gradient, matrix form', params, ...tM });

    const b0 = process.hrtime.bigint();
    const K = kron(p.A1, p.A2);
    const buildMs = Number(process.hrtime.bigint() - b0) / 1e6;
    const s = new Float64Array(n * n);
    const gK = new Float64Array(D);
    const tK = measure(() => kronGrad(K, n, D, p.B.data, x, s, gK), 2);
    let diff = 0,
      scale = 0;
    for (let k = 0; k < D; k++) {
      diff = Math.max(diff, Math.abs(gK[k] - gM[k]));
      scale = Math.max(scale, Math.abs(gM[k]));
    }
    record({ name: 'attention gradient, Kronecker form', params, ...tK, kronMiB: mib, buildMs, maxRelDiff: diff / scale });
    ratios[`kron/matrix gradient n=${n} d=${d}`] = tK.medianMs / tM.medianMs;
  }
}

// ---------- 2. loss+gradient and Hessian-vector product of every problem ----------

function benchObjectives() {
  const problems = [
    attentionProblem('normalized', 128, 32),
    attentionProblem('rescaled', 128, 32),
    softmaxProblem('normalized', 4096, 64),
    softmaxProblem('rescaled', 4096, 64),
  ];
  for (const p of problems) {
    const obj = objectiveFor(p);
    const x = Float64Array.from(p.kind === 'attention' ? p.X0.data : p.x0);
    const v = normalMatrix(1, obj.dim, 1, 8).data;
    const g = new Float64Array(obj.dim);
    const out = new Float64Array(obj.dim);
    const label = `${p.kind} ${p.variant}`;
    const params = { n: p.n, d: p.d };
    let loss = NaN;
    const tG = measure(() => (loss = obj.lossGrad(x, g)), 10);
    record({ name: `${label}: loss+gradient`, params, ...tG, loss });
    // x stays fixed, so hessVec reuses the forward pass (what a Newton-CG inner loop does).
    const tH = measure(() => obj.hessVec(x, v, out), 10);
    record({ name: `${label}: Hessian-vector product`, params, ...tH });
    ratios[`hessVec/lossGrad ${label}`] = tH.medianMs / tG.medianMs;
  }
}

// ---------- 3. full solves ----------

function benchSolves() {
  const p = attentionProblem('normalized', 32, 8);
  const specs: { method: MethodName; options: Record<string, number> }[] = [
    { method: 'gd', options: { lr: 1 } }, // lr = 3 (the quickstart's) oscillates at this data scale
    { method: 'armijo', options: {} },
    { method: 'newton', options: {} },
    { method: 'lbfgs', options: {} },
  ];
  const perIter: Record<string, number> = {};
  for (const [index, s] of specs.entries()) {
    const spec: SolveSpec = { index, method: s.method, options: s.options, line: 0, label: s.method };
    const hooks = { onPoint() {}, cancelled: () => false };
    let result = runSolve(p, spec, hooks);
    const t = measure(() => (result = runSolve(p, spec, hooks)), 1);
    const it = result.final.iterations;
    perIter[s.method] = t.medianMs / Math.max(1, it);
    record({
      name: `solve ${s.method} (planted attention)`,
      params: { n: p.n, d: p.d, ...s.options },
      ...t,
      iterations: it,
      finalLoss: result.final.loss,
      stopReason: result.final.stopReason,
      msPerIteration: perIter[s.method],
    });
  }
  ratios['solve ms/iteration newton/gd'] = perIter.newton / perIter.gd;
  ratios['solve ms/iteration lbfgs/gd'] = perIter.lbfgs / perIter.gd;
}

// ---------- 4. parsing and analysis of a large file ----------

function bigRegress(size: number): string {
  const rng = new Rng(20240601, 9);
  const lines = ['# generated by test/bench/bench.ts', 'problem attention normalized', `n = ${size}`, `d = ${size}`, 'A1 = ['];
  const row: string[] = new Array(size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) row[j] = (rng.uniform() * 2 - 1).toFixed(3);
    lines.push(row.join(' '));
  }
  lines.push(']', 'A2 = A1', 'B = simplex()', 'X0 = zeros', 'solve gd lr = 0.5', '');
  return lines.join('\n');
}

function benchLanguage() {
  const size = 1000;
  if (size * size > MAX_ENTRIES) throw new Error('literal exceeds MAX_ENTRIES');
  const text = bigRegress(size);
  const mb = Buffer.byteLength(text, 'utf8') / 1e6;
  const check = analyze(text);
  const errors = check.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length || check.file !== 'problem' || !check.problem)
    throw new Error(`generated file does not analyze: ${JSON.stringify(errors.slice(0, 3))}`);
  const params = { literal: `${size}×${size}`, MB: Number(mb.toFixed(2)) };
  const tP = measure(() => parse(text), 1);
  record({ name: 'parse (lexer+parser)', params, ...tP, MBps: mb / (tP.medianMs / 1e3) });
  const tA = measure(() => analyze(text), 1);
  record({ name: 'analyze (parse+check+build)', params, ...tA, MBps: mb / (tA.medianMs / 1e3) });
  ratios['analyze/parse'] = tA.medianMs / tP.medianMs;
}

// ---------- 5. matmul ----------

function benchMatmul() {
  const N = 256;
  const A = normalMatrix(N, N, 1, 10);
  const B = normalMatrix(N, N, 1, 11);
  const C = normalMatrix(N, N, 0, 12);
  const flop = 2 * N ** 3;
  const tD = measure(() => matmul(A, B, C), 3);
  record({ name: 'matmul dense.ts', params: { n: N }, ...tD, gflops: flop / (tD.medianMs * 1e6) });
  const rows = (M: Matrix) => Array.from({ length: M.rows }, (_, i) => Array.from(M.data.subarray(i * M.cols, (i + 1) * M.cols)));
  const mA = new MlMatrix(rows(A));
  const mB = new MlMatrix(rows(B));
  let mC = mA.mmul(mB);
  const tM = measure(() => (mC = mA.mmul(mB)), 2);
  let diff = 0;
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) diff = Math.max(diff, Math.abs(mC.get(i, j) - C.data[i * N + j]));
  record({ name: 'matmul ml-matrix', params: { n: N }, ...tM, gflops: flop / (tM.medianMs * 1e6), maxAbsDiff: diff });
  ratios['ml-matrix/dense matmul 256'] = tM.medianMs / tD.medianMs;
}

// ---------- 6. the in-context-learning experiment ----------

function experimentSettings(text: string): IclSettings {
  const a = analyze(text);
  if (a.file !== 'experiment' || !a.settings) throw new Error(`not a valid experiment: ${text}`);
  return a.settings;
}

function benchExperiment() {
  const settings = experimentSettings('experiment icl\n');
  const { n, d, heads, k } = settings;
  const params = { n, d, heads, k };
  const sampler = new TaskSampler(settings, new Rng(1, 20));
  const task = sampler.newTask();
  const layer = new AttentionLayer(n, d, heads, k);
  layer.init(new Rng(1, 21));
  const grad = new Float64Array(layer.params.length);
  const sens = new Float64Array(d);
  const per = 256;
  const tDraw = measure(() => {
    for (let i = 0; i < per; i++) sampler.next(task);
  });
  record({ name: 'icl: draw a task', params, medianMs: tDraw.medianMs / per, minMs: tDraw.minMs / per, reps: tDraw.reps * per });
  const tTrain = measure(() => {
    for (let i = 0; i < per; i++) {
      sampler.next(task);
      layer.addGradient(layer.forward(task) - task.target[n], grad);
    }
  });
  const trainMs = tTrain.medianMs / per;
  record({ name: 'icl: one training task', params, medianMs: trainMs, minMs: tTrain.minMs / per, reps: tTrain.reps * per });
  const tEval = measure(() => {
    for (let i = 0; i < per; i++) {
      layer.forward(task);
      layer.sensitivity(sens);
    }
  });
  record({
    name: 'icl: one held-out evaluation',
    params,
    medianMs: tEval.medianMs / per,
    minMs: tEval.minMs / per,
    reps: tEval.reps * per,
  });
  const tasks = settings.repeats * settings.steps * settings.batch;
  record({
    name: 'icl: default experiment (projected)',
    params: { ...params, trainingTasks: tasks },
    projectedMinutes: (tasks * trainMs) / 60000,
  });
  ratios['icl draw/training task'] = tDraw.medianMs / tTrain.medianMs;
}

/**
 * A whole experiment's wall time with its repeats on one and on two worker threads, interleaved (1, 2, 1, 2, …) so
 * the machine's load falls on both alike; the ratio says whether the second thread pays here.
 */
async function benchExperimentThreads() {
  const settings = experimentSettings(
    'experiment icl\nn = 25\nd = 20\nbatch = 256\nsteps = 200\nevery = 100\ntasks = 200\netatasks = 200\nrepeats = 4\n',
  );
  const params = { n: settings.n, d: settings.d, repeats: settings.repeats, steps: settings.steps, batch: settings.batch };
  const times: Record<1 | 2, number[]> = { 1: [], 2: [] };
  for (let i = 0; i < 3; i++) {
    for (const threads of [1, 2] as const) {
      const t = performance.now();
      await new JobScheduler(join(DIST, 'solverWorker.js'), 1, () => {}).submit(
        'experiment',
        { settings, threads },
        { runId: 'bench', source: 'bench.regress' },
        () => {},
      ).done;
      times[threads].push(performance.now() - t);
    }
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  for (const threads of [1, 2] as const)
    record({
      name: `icl: experiment, ${threads} thread${threads === 1 ? '' : 's'}`,
      params,
      medianMs: median(times[threads]),
      minMs: Math.min(...times[threads]),
      reps: times[threads].length,
    });
  ratios['icl experiment 1 thread/2 threads'] = median(times[1]) / median(times[2]);
}

// ---------- 7. kernels: JavaScript vs WebAssembly SIMD vs NumPy ----------

interface KernelCase {
  key: string;
  kind: 'attention' | 'softmax';
  n: number;
  d: number;
  shape: string;
  flop: number;
  ms: Partial<Record<'js' | 'wasm' | 'numpy1' | 'numpy2', number>>;
}

const KERNEL_SHAPES: [string, 'attention' | 'softmax', number, number][] = [
  ['n = d = 16', 'attention', 16, 16],
  ['n = d = 64', 'attention', 64, 64],
  ['n = d = 128', 'attention', 128, 128],
  ['n = d = 256', 'attention', 256, 256],
  ['n = d = 512', 'attention', 512, 512],
  ['1024 × 64', 'attention', 1024, 64],
  ['2048 × 32', 'attention', 2048, 32],
  ['4096 × 64', 'attention', 4096, 64],
  ['vector, 4096 × 64', 'softmax', 4096, 64],
];

/** NumPy on `threads` BLAS threads over the cases in `dir`, or undefined (with the reason on stderr) if it fails. */
function runNumpy(dir: string, threads: number): { numpy: string; cases: { key: string; medianMs: number; loss: number }[] } | undefined {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OPENBLAS_NUM_THREADS: String(threads),
    OMP_NUM_THREADS: String(threads),
    MKL_NUM_THREADS: String(threads),
  };
  // Tuning overrides some machines export would skew OpenBLAS's own kernel choice; dropped for this command only.
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = spawnSync('python3', [join(__dirname, '..', '..', 'test', 'bench', 'numpy_lossgrad.py'), dir], {
    env,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) {
    process.stderr.write(`bench: NumPy (${threads} thread) failed: ${r.stderr || r.error}\n`);
    return undefined;
  }
  return JSON.parse(r.stdout);
}

function numpyPresent(): boolean {
  return spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
}

function benchKernels() {
  const withNumpy = numpyPresent();
  const dir = mkdtempSync(join(tmpdir(), 'regress-bench-'));
  const list: KernelCase[] = [];
  const losses: Record<string, number> = {};
  try {
    for (const [shape, kind, n, d] of KERNEL_SHAPES) {
      const key = `${kind}-${n}x${d}`;
      const p = kind === 'attention' ? attentionProblem('normalized', n, d) : softmaxProblem('normalized', n, d);
      const flop = kind === 'attention' ? 4 * n * n * d + 4 * n * d * d : 4 * n * d;
      const c: KernelCase = { key, kind, n, d, shape, flop, ms: {} };
      const x = Float64Array.from(p.kind === 'attention' ? p.X0.data : p.x0);
      const grads: Partial<Record<Kernels, Float64Array>> = {};
      for (const kernels of ['js', 'wasm'] as const) {
        const obj = objectiveFor(p, kernels);
        const g = (grads[kernels] = new Float64Array(obj.dim));
        let loss = NaN;
        const t = measure(() => (loss = obj.lossGrad(x, g)), n * n * d > 1e8 ? 1 : 3);
        c.ms[kernels] = t.medianMs;
        losses[`${key}-${kernels}`] = loss;
        record({ name: `loss+gradient ${kind} normalized, ${kernels}`, params: { n, d }, ...t, loss, gflops: flop / (t.medianMs * 1e6) });
      }
      let diff = 0,
        scale = 0;
      for (let i = 0; i < x.length; i++) {
        diff = Math.max(diff, Math.abs(grads.js![i] - grads.wasm![i]));
        scale = Math.max(scale, Math.abs(grads.js![i]));
      }
      if (!(diff <= 1e-10 * scale)) throw new Error(`${key}: the JS and WASM gradients differ by ${diff} (scale ${scale})`);
      ratios[`js/wasm loss+gradient ${shape}`] = c.ms.js! / c.ms.wasm!;
      if (withNumpy) {
        const data: Record<string, Float64Array> =
          p.kind === 'attention' ? { A1: p.A1.data, A2: p.A2.data, B: p.B.data, X: x } : { A: p.A.data, b: p.b, x };
        for (const [name, a] of Object.entries(data))
          writeFileSync(join(dir, `${key}-${name}.f64`), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      }
      list.push(c);
    }
    if (!withNumpy) {
      process.stderr.write('bench: python3 with NumPy not found; the NumPy comparison is skipped\n');
      return;
    }
    writeFileSync(join(dir, 'cases.json'), JSON.stringify(list.map(({ key, kind, n, d }) => ({ key, kind, n, d }))));
    let version = '';
    for (const threads of [1, 2]) {
      const r = runNumpy(dir, threads);
      if (!r) return;
      version = r.numpy;
      for (const q of r.cases) {
        const c = list.find((k) => k.key === q.key)!;
        c.ms[threads === 1 ? 'numpy1' : 'numpy2'] = q.medianMs;
        const ours = losses[`${q.key}-wasm`];
        if (!(Math.abs(q.loss - ours) <= 1e-10 * Math.abs(ours)))
          throw new Error(`${q.key}: NumPy's loss ${q.loss} is not the project's ${ours}`);
        record({
          name: `loss+gradient ${c.kind} normalized, NumPy ${threads} thread`,
          params: { n: c.n, d: c.d },
          medianMs: q.medianMs,
          gflops: c.flop / (q.medianMs * 1e6),
        });
      }
    }
    for (const c of list) ratios[`wasm/numpy1 loss+gradient ${c.shape}`] = c.ms.wasm! / c.ms.numpy1!;
    writePerformanceDoc(list, version);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const DOC_START = '<!-- bench:kernels:start -->';
const DOC_END = '<!-- bench:kernels:end -->';

/** Replaces the generated table in docs/performance.md (between its markers) with this run's. */
function writePerformanceDoc(list: KernelCase[], numpy: string) {
  const file = join(process.cwd(), 'docs', 'performance.md');
  if (!existsSync(file)) return;
  const ms = (x: number | undefined) =>
    x === undefined ? '–' : x >= 100 ? `${x.toFixed(0)} ms` : x >= 1 ? `${x.toFixed(2)} ms` : `${x.toFixed(4)} ms`;
  const gf = (flop: number, x: number | undefined) => (x === undefined ? '–' : (flop / (x * 1e6)).toFixed(1));
  const rows = list.map((c) =>
    [
      c.shape,
      ms(c.ms.js),
      ms(c.ms.wasm),
      ms(c.ms.numpy1),
      ms(c.ms.numpy2),
      `${(c.ms.wasm! / c.ms.numpy1!).toFixed(2)}×`,
      `${(c.ms.js! / c.ms.wasm!).toFixed(1)}×`,
      gf(c.flop, c.ms.wasm),
      gf(c.flop, c.ms.numpy1),
    ].join(' | '),
  );
  const cpu = cpus();
  const table = [
    DOC_START,
    `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} logical cores, ` +
      `${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}, NumPy ${numpy}. Medians of one run; the machine was shared, so compare ratios.`,
    '',
    '| one loss+gradient, attention normalized, f64 | JS kernels | WASM SIMD kernels | NumPy 1 thread | NumPy 2 threads | WASM / NumPy 1 thread | JS / WASM | GFLOP/s WASM | GFLOP/s NumPy 1 thread |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r} |`),
    DOC_END,
  ].join('\n');
  const text = readFileSync(file, 'utf8');
  const a = text.indexOf(DOC_START),
    b = text.indexOf(DOC_END);
  if (a < 0 || b < a) return;
  writeFileSync(file, text.slice(0, a) + table + text.slice(b + DOC_END.length));
  console.log(`wrote the kernel comparison into ${file}`);
}

// ---------- 8. language server latency under load ----------

/** Median, minimum and maximum of latencies (ms) measured once each, as a case's timing. */
function latencies(ms: number[]): Timing & { maxMs: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const medianMs = sorted.length % 2 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
  return { medianMs, minMs: sorted[0], maxMs: sorted[sorted.length - 1], reps: sorted.length };
}

/** Hover (on B) and completion (after `A2 = `) round trips, one pair every 100 ms while `busy()`. */
async function sampleLatency(client: TestClient, uri: string, busy: () => boolean): Promise<{ hover: number[]; completion: number[] }> {
  const hover: number[] = [];
  const completion: number[] = [];
  const time = async (list: number[], method: string, line: number, character: number) => {
    const t0 = performance.now();
    await client.connection.sendRequest(method, { textDocument: { uri }, position: { line, character } });
    list.push(performance.now() - t0);
  };
  while (busy()) {
    await time(hover, 'textDocument/hover', 7, 0);
    await time(completion, 'textDocument/completion', 5, 5);
    await sleep(100);
  }
  return { hover, completion };
}

async function benchLsp() {
  const client = new TestClient();
  await client.initialize({ diagnosticsDelayMs: 20 });
  try {
    // Planting B at n = d = 2048 is 34 GFLOP; the missing X0 file is an error only the full analysis reports.
    const n = 2048;
    const lines = [
      'problem attention normalized',
      `n = ${n}`,
      `d = ${n}`,
      'seed = 1',
      'A1 = normal(scale = 0.02)',
      'A2 = A1',
      'Xstar = normal()',
      'B = planted(Xstar)',
    ];
    const opened = performance.now();
    const heavy = client.open('bench-heavy.regress', [...lines, 'X0 = load("bench-missing.csv")', 'solve gd steps = 1', ''].join('\n'));
    const built = () => client.published(heavy).some((p) => p.diagnostics.some((d) => d.message.includes('bench-missing.csv')));
    const underAnalysis = await sampleLatency(client, heavy, () => !built());
    const analysisMs = performance.now() - opened;
    const params = { n, d: n };
    const hoverA = record({ name: 'lsp: hover while an analysis builds', params, ...latencies(underAnalysis.hover), analysisMs });
    record({ name: 'lsp: completion while an analysis builds', params, ...latencies(underAnalysis.completion), analysisMs });
    ratios['lsp analysis / worst hover during it'] = analysisMs / (hoverA.maxMs as number);

    // A solve of many seconds on its worker thread; the document itself is small (built at once). B on line 7 again.
    const small = [
      'problem attention normalized',
      'n = 60',
      'd = 12',
      'seed = 7',
      'A1 = normal(scale = 0.5)',
      'A2 = normal(scale = 0.5)',
      'Xstar = normal()',
      'B = planted(Xstar)',
    ];
    const solving = client.open('bench-solve.regress', [...small, 'solve gd lr = 0.01 steps = 100000000 gradtol = 0', ''].join('\n'));
    const cts = client.newToken();
    const runId = 'bench-solve';
    const solve = client.solve({ textDocument: { uri: solving }, runId }, cts.token);
    await client.waitFor(() => client.solveProgress(runId).length > 0, 'the solve streaming');
    const until = performance.now() + 3000;
    const underSolve = await sampleLatency(client, solving, () => performance.now() < until);
    cts.cancel();
    await solve;
    record({ name: 'lsp: hover while a solve runs', params: { n: 60, d: 12 }, ...latencies(underSolve.hover) });
    record({ name: 'lsp: completion while a solve runs', params: { n: 60, d: 12 }, ...latencies(underSolve.completion) });
  } finally {
    await client.close();
  }
}

// ---------- run, print, write ----------

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(1) : a >= 1 ? x.toFixed(3) : a >= 1e-3 || a === 0 ? x.toFixed(4) : x.toExponential(2);
}

function printTable() {
  const header = ['case', 'params', 'median ms', 'min ms', 'reps', 'notes'];
  const skip = new Set(['name', 'params', 'medianMs', 'minMs', 'reps']);
  const body = cases.map((c) => [
    c.name,
    Object.entries(c.params)
      .map(([k, v]) => `${k}=${v}`)
      .join(' '),
    c.medianMs === undefined ? '-' : fmt(c.medianMs),
    c.minMs === undefined ? '-' : fmt(c.minMs),
    c.reps === undefined ? '-' : String(c.reps),
    Object.entries(c)
      .filter(([k]) => !skip.has(k))
      .map(([k, v]) => `${k}=${typeof v === 'number' ? fmt(v) : v}`)
      .join(' '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((s, i) => (i === r.length - 1 ? s : s.padEnd(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of body) console.log(line(r));
  console.log('\nratios (same run):');
  for (const [k, v] of Object.entries(ratios)) console.log(`  ${k.padEnd(44)} ${fmt(v)}`);
}

async function main() {
  const start = process.hrtime.bigint();
  const sections: [string, () => void | Promise<void>][] = [
    ['kronecker', benchKronecker],
    ['objectives', benchObjectives],
    ['solves', benchSolves],
    ['language', benchLanguage],
    ['matmul', benchMatmul],
    ['experiment', benchExperiment],
    ['experiment-threads', benchExperimentThreads],
    ['kernels', benchKernels],
    ['lsp', benchLsp],
  ];
  const only = process.argv.slice(2);
  for (const [name, fn] of sections) {
    if (only.length && !only.includes(name)) continue;
    process.stderr.write(`bench: ${name}…\n`);
    await fn();
  }
  const totalSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  printTable();
  const out = {
    schema: 1,
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    totalSeconds,
    cases,
    ratios,
  };
  const file = join(process.cwd(), 'bench-results.json');
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`\n${cases.length} cases in ${totalSeconds.toFixed(1)} s; wrote ${file}`);
}

void main();
