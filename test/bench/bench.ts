/**
 * Benchmarks: `npm run bench`. Prints a table and writes bench-results.json in the working directory.
 * Every case is timed with process.hrtime.bigint after a warm-up, repeated until it has run for ≥ 200 ms and at
 * least 5 times; the median and minimum per operation are reported. The machine may be shared and noisy, so the
 * comparisons are reported as ratios of timings taken in the same run (`ratios` in the JSON).
 *
 * Cases: (1) the attention gradient in matrix form vs the naive Kronecker form 𝖠 = A1⊗A2 (math spec §6.1);
 * (2) loss+gradient and Hessian-vector products of all four problems; (3) full solves with every method;
 * (4) parsing and analysis of a ~6 MB .regress file; (5) dense.ts matmul vs ml-matrix; (6) the in-context-learning
 * experiment: drawing a task, one held-out evaluation, one Adam step of the default experiment on the WebAssembly
 * (float64 and float32) and the JavaScript paths (CPU time, interleaved) and PyTorch's float32 step on one thread
 * (test/bench/torch_icl_step.py) when python3 with torch is present, and the projected paper-sized time; then a short
 * experiment on one, two and adaptive threads, and a file of four solve blocks the same way; (7) one loss+gradient on the JavaScript kernels vs the WebAssembly SIMD
 * kernels in float64 and float32 at the issue's shapes, and, when python3 with NumPy is present, the same computation
 * in NumPy on one and on two BLAS threads (test/bench/numpy_lossgrad.py, fed the same data), written into
 * docs/performance.md; (7b) whole solves with every method, `regress-lab solve --json` against a NumPy/SciPy script
 * doing the same iterations (test/bench/numpy_solve.py), whole processes interleaved, also written into
 * docs/performance.md; (8) over stdio,
 * the language server's hover and completion latency while a document's numbers take seconds to build (on its analysis
 * worker) and while a solve runs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Matrix as MlMatrix } from 'ml-matrix';
import type { IclSettings } from '../../protocol/experiment';
import type { MethodName, Variant } from '../../protocol/results';
import { Adam } from '../../server/src/icl/adam';
import { AttentionLayer } from '../../server/src/icl/attentionLayer';
import { JsBatch, trainStep, type TrainingBatch } from '../../server/src/icl/training';
import { WasmBatch } from '../../server/src/icl/wasmBatch';
import type { JobInputs } from '../../server/src/jobs/runKinds';
import { JobScheduler } from '../../server/src/jobs/scheduler';
import { TaskSampler } from '../../server/src/icl/tasks';
import { analyze, MAX_ENTRIES } from '../../server/src/language/analyze';
import { parse } from '../../server/src/language/parser';
import { Rng } from '../../server/src/math/random';
import { matmul, matmulBT, rowSoftmax } from '../../server/src/math/dense';
import { objectiveFor } from '../../server/src/math/kernels';
import type { WasmAttentionObjective } from '../../server/src/math/wasm/attention';
import type { WasmSoftmaxObjective } from '../../server/src/math/wasm/softmaxVector';
import type { AttentionProblem, Matrix, SoftmaxProblem, SolveSpec } from '../../server/src/problem';
import { runSolve } from '../../server/src/solver/run';
import { DIST, REPO_ROOT } from '../paths';
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

/** A python3 that imports torch (PyTorch), if any: the one on PATH, else Debian's (`apt-get install python3-torch`). */
function pythonWithTorch(): string | undefined {
  return ['python3', '/usr/bin/python3'].find((py) => spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);
}

/** CPU time of this process in ms (user + system): on a shared machine it is steadier than the wall clock. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** The issue's reference (measured when it was filed, on this machine kind): 21.5 minutes for the paper-sized run. */
const TORCH_REFERENCE_MINUTES = 21.5;

/**
 * One Adam step of the default (paper-sized) experiment: on the WebAssembly kernel (float64, and float32 as
 * `float32 = 1` runs it) and on the JavaScript path, interleaved, as CPU time per step; the paper-sized run projected from it on one thread; and PyTorch float32 on one
 * thread doing the same step (test/bench/torch_icl_step.py) when python3 with torch is present, else the issue's figure.
 */
function benchExperiment() {
  const settings = experimentSettings('experiment icl\n');
  const { n, d, heads, k, batch } = settings;
  const params = { n, d, heads, k, batch };
  const sampler = new TaskSampler(settings, new Rng(1, 20));
  const task = sampler.newTask();
  const per = 256;
  const tDraw = measure(() => {
    for (let i = 0; i < per; i++) sampler.next(task);
  });
  record({ name: 'icl: draw a task', params, medianMs: tDraw.medianMs / per, minMs: tDraw.minMs / per, reps: tDraw.reps * per });
  const evalLayer = new AttentionLayer(n, d, heads, k);
  evalLayer.init(new Rng(1, 21));
  const sens = new Float64Array(d);
  const tEval = measure(() => {
    for (let i = 0; i < per; i++) {
      evalLayer.forward(task);
      evalLayer.sensitivity(sens);
    }
  });
  record({
    name: 'icl: one held-out evaluation',
    params,
    medianMs: tEval.medianMs / per,
    minMs: tEval.minMs / per,
    reps: tEval.reps * per,
  });

  // The three paths side by side, alternating step by step, from the same stream and weights.
  const paths = (['wasm', 'wasm32', 'js'] as const).map((path) => {
    const rng = new Rng(1, 22);
    const wasm = path === 'js' ? undefined : WasmBatch.create({ ...settings, float32: path === 'wasm32' ? 1 : 0 }, rng);
    const layer = new AttentionLayer(n, d, heads, k, settings.readout, wasm?.buffers);
    layer.init(new Rng(1, 21));
    const batches: TrainingBatch = wasm ?? new JsBatch(settings, rng, layer);
    const adam = new Adam(layer.params.length, settings.lr, settings.beta1, settings.beta2, settings.eps);
    const grad = new Float64Array(layer.params.length);
    return {
      path,
      available: path === 'js' || wasm?.precision === (path === 'wasm32' ? 32 : 64),
      step: () => trainStep(batches, batch, layer, adam, grad),
      cpu: [] as number[],
    };
  });
  const live = paths.filter((p) => p.available);
  for (let rep = 0; rep < 23; rep++)
    for (const p of live) {
      const t = cpuMs();
      p.step();
      if (rep >= 3) p.cpu.push(cpuMs() - t);
    }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
  const stepMs: Partial<Record<'wasm' | 'wasm32' | 'js', number>> = {};
  const trainingSteps = settings.repeats * settings.steps;
  const titles = { wasm: 'WebAssembly', wasm32: 'WebAssembly float32 (float32 = 1)', js: 'JavaScript' };
  for (const p of live) {
    stepMs[p.path] = median(p.cpu);
    record({
      name: `icl: one Adam step, ${titles[p.path]} (CPU)`,
      params,
      medianMs: median(p.cpu),
      minMs: Math.min(...p.cpu),
      reps: p.cpu.length,
      projectedMinutesOneThread: (trainingSteps * median(p.cpu)) / 60000,
    });
  }
  const ours = stepMs.wasm ?? stepMs.js!;
  if (stepMs.wasm !== undefined) ratios['icl step JS/WebAssembly'] = stepMs.js! / stepMs.wasm;
  if (stepMs.wasm !== undefined && stepMs.wasm32 !== undefined)
    ratios['icl step float64/float32 WebAssembly'] = stepMs.wasm / stepMs.wasm32;

  const py = pythonWithTorch();
  const script = join(REPO_ROOT, 'test', 'bench', 'torch_icl_step.py');
  const r = py ? spawnSync(py, [script, String(n), String(d), String(batch), '20'], { encoding: 'utf8' }) : undefined;
  if (r && r.status === 0) {
    const torch = JSON.parse(r.stdout) as { msPerStep: number; cpuMsPerStep: number; torch: string };
    record({
      name: `icl: one Adam step, PyTorch ${torch.torch} float32, 1 thread (CPU)`,
      params,
      medianMs: torch.cpuMsPerStep,
      wallMs: torch.msPerStep,
      projectedMinutesOneThread: (trainingSteps * torch.cpuMsPerStep) / 60000,
    });
    ratios['icl step PyTorch f32 1 thread/project'] = torch.cpuMsPerStep / ours;
  } else {
    const why = py ? `torch_icl_step.py failed: ${r?.stderr ?? ''}` : 'python3 with torch not found';
    process.stderr.write(`bench: ${why}; the PyTorch comparison uses the issue's figure\n`);
    record({
      name: 'icl: one Adam step, PyTorch float32, 1 thread (the issue’s figure, not measured here)',
      params,
      skipped: why,
      projectedMinutesOneThread: TORCH_REFERENCE_MINUTES,
      medianMs: (TORCH_REFERENCE_MINUTES * 60000) / trainingSteps,
    });
    ratios['icl step PyTorch f32 (issue figure)/project'] = (TORCH_REFERENCE_MINUTES * 60000) / trainingSteps / ours;
  }
}

/**
 * A whole experiment's wall time with its repeats on one and on two worker threads, and adaptively (two only while
 * the probe finds that they pay: server/src/jobs/unitShare.ts), interleaved (1, 2, auto, 1, …) so the machine's load
 * falls on all alike; the ratios say whether the second thread pays here, and whether the adaptive run keeps up with
 * the better of the two.
 */
async function benchExperimentThreads() {
  const settings = experimentSettings(
    'experiment icl\nn = 25\nd = 20\nbatch = 512\nsteps = 300\nevery = 100\ntasks = 200\netatasks = 200\nrepeats = 4\n',
  );
  const params = { n: settings.n, d: settings.d, repeats: settings.repeats, steps: settings.steps, batch: settings.batch };
  await benchThreads('experiment', { settings }, 'icl experiment', params);
}

/**
 * A file of four solve blocks (gd, armijo, L-BFGS, Newton-CG on one attention problem, n = 256, d = 32, about 3 s on
 * one thread) as the editor runs it.
 */
async function benchSolveThreads() {
  const text = [
    'problem attention normalized',
    'n = 256',
    'd = 32',
    'seed = 3',
    'A1 = normal(scale = 0.3)',
    'A2 = normal(scale = 0.3)',
    'Xstar = normal(scale = 1.0)',
    'B = planted(Xstar)',
    'solve gd lr = 2.0 steps = 2000',
    'solve armijo lr = 8.0 steps = 600',
    'solve lbfgs memory = 8 steps = 800',
    'solve newton damping = 1e-8 steps = 20',
    '',
  ].join('\n');
  const a = analyze(text);
  if (a.file !== 'problem' || !a.problem) throw new Error(`the solve-threads file does not analyze: ${JSON.stringify(a.diagnostics)}`);
  const input = { problem: a.problem, specs: a.solves, checks: { bounds: false, tensor: false } };
  await benchThreads('solve', input, 'solve 4 blocks', { n: 256, d: 32, blocks: 4 });
}

/**
 * A run of `kind` on one thread, two and adaptively (its `threads` input), three interleaved rounds: wall time, and the
 * process's CPU time (the workers' included), recorded as `title`.
 */
async function benchThreads<K extends 'experiment' | 'solve'>(kind: K, input: JobInputs[K], title: string, params: Record<string, number>) {
  const runs = { '1 thread': 1, '2 threads': 2, adaptive: undefined } as const;
  const wall: Record<keyof typeof runs, number[]> = { '1 thread': [], '2 threads': [], adaptive: [] };
  const cpu: Record<keyof typeof runs, number[]> = { '1 thread': [], '2 threads': [], adaptive: [] };
  for (let i = 0; i < 3; i++) {
    for (const [name, threads] of Object.entries(runs) as [keyof typeof runs, number | undefined][]) {
      const t = performance.now(),
        c = cpuMs();
      await new JobScheduler(join(DIST, 'solverWorker.js'), 1, () => {}).submit(
        kind,
        { ...input, ...(threads === undefined ? {} : { threads }) },
        { runId: 'bench', source: 'bench.regress' },
        () => {},
      ).done;
      wall[name].push(performance.now() - t);
      cpu[name].push(cpuMs() - c);
    }
  }
  for (const name of Object.keys(runs) as (keyof typeof runs)[])
    record({
      name: `${title}, ${name} (wall; CPU ${(median3(cpu[name]) / 1000).toFixed(2)} s)`,
      params,
      medianMs: median3(wall[name]),
      minMs: Math.min(...wall[name]),
      reps: wall[name].length,
    });
  ratios[`${title} 1 thread/2 threads (wall)`] = median3(wall['1 thread']) / median3(wall['2 threads']);
  ratios[`${title} adaptive/best of 1 and 2 (wall)`] =
    median3(wall.adaptive) / Math.min(median3(wall['1 thread']), median3(wall['2 threads']));
}

// ---------- 7. kernels: JavaScript vs WebAssembly SIMD (float64, float32) vs NumPy ----------

type KernelPath = 'js' | 'wasm' | 'wasm32' | 'numpy1' | 'numpy2';

interface KernelCase {
  key: string;
  kind: 'attention' | 'softmax';
  n: number;
  d: number;
  shape: string;
  flop: number;
  ms: Partial<Record<KernelPath, number>>;
  /** Memory holding the data and every intermediate of one evaluation, MiB: the WASM instance's, NumPy's. */
  mib: Partial<Record<'wasm' | 'wasm32' | 'numpy', number>>;
}

const KERNEL_SHAPES: [string, 'attention' | 'softmax', number, number][] = [
  ['n = d = 16', 'attention', 16, 16],
  ['n = d = 32', 'attention', 32, 32],
  ['n = d = 64', 'attention', 64, 64],
  ['n = d = 128', 'attention', 128, 128],
  ['n = d = 256', 'attention', 256, 256],
  ['n = d = 512', 'attention', 512, 512],
  ['1024 × 64', 'attention', 1024, 64],
  ['2048 × 32', 'attention', 2048, 32],
  ['4096 × 64', 'attention', 4096, 64],
  ['vector, 4096 × 64', 'softmax', 4096, 64],
  ['vector, 512 × 16', 'softmax', 512, 16],
];

/** The environment of a NumPy run on `threads` BLAS threads. */
function blasEnv(threads: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OPENBLAS_NUM_THREADS: String(threads),
    OMP_NUM_THREADS: String(threads),
    MKL_NUM_THREADS: String(threads),
  };
  // Tuning overrides some machines export would skew OpenBLAS's own kernel choice; dropped for these commands only.
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

interface NumpyCase {
  key: string;
  cpuMs: number;
  wallMs: number;
  loss: number;
  peakMiB: number;
}

/** NumPy on `threads` BLAS threads over the cases `keys` in `dir`, or undefined (with the reason on stderr) if it fails. */
function runNumpy(dir: string, threads: number, keys: string[]): { numpy: string; cases: NumpyCase[] } | undefined {
  const r = spawnSync('python3', [join(REPO_ROOT, 'test', 'bench', 'numpy_lossgrad.py'), dir, ...keys], {
    env: blasEnv(threads),
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
  return spawnSync('python3', ['-c', 'import numpy, scipy'], { stdio: 'ignore' }).status === 0;
}

/** The machine the figures were measured on, for the docs and the JSON. */
function machine(): Record<string, string | number> {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown CPU',
    logicalCores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}

/** The machine-readable form of the tables written into docs/performance.md (also in bench-results.json). */
const tables: Record<string, unknown> = {};

/**
 * CPU time per call of `fn` (ms): after warm-ups, batches of calls (each at least 2 ms) until ≥ MIN_TOTAL_MS and
 * ≥ MIN_REPS batches; the median. On a shared machine CPU time is steadier than the wall clock.
 */
function measureCpu(fn: () => void, warmup: number): number {
  for (let i = 0; i < warmup; i++) fn();
  let per = 1;
  for (;;) {
    const t = cpuMs();
    for (let i = 0; i < per; i++) fn();
    if (cpuMs() - t >= 2 || per >= 1 << 20) break;
    per *= 2;
  }
  const samples: number[] = [];
  let total = 0;
  while (total < MIN_TOTAL_MS || samples.length < MIN_REPS) {
    const t = cpuMs();
    for (let i = 0; i < per; i++) fn();
    const dt = cpuMs() - t;
    samples.push(dt / per);
    total += dt;
  }
  return samples.sort((x, y) => x - y)[samples.length >> 1];
}

const median3 = (v: number[]) => [...v].sort((x, y) => x - y)[v.length >> 1];

/** Largest entry of |a − b| over the largest of |b|. */
function relGap(a: Float64Array, b: Float64Array): number {
  let diff = 0,
    scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

/**
 * Per shape, three rounds of: the JavaScript, WASM float64 and WASM float32 kernels, then NumPy on one and on two BLAS
 * threads (a process per round, its timing excluding its start-up), so the machine's load falls on all alike; each
 * figure is the median of its three rounds. CPU time, except NumPy on two threads: wall time (its CPU time adds up
 * both threads).
 */
function benchKernels() {
  const withNumpy = numpyPresent();
  if (!withNumpy)
    process.stderr.write(
      'bench: python3 with NumPy and SciPy not found (apt-get install python3-numpy python3-scipy); the NumPy comparison is skipped\n',
    );
  const dir = mkdtempSync(join(tmpdir(), 'regress-bench-'));
  const list: KernelCase[] = [];
  let version = '';
  try {
    for (const [shape, kind, n, d] of KERNEL_SHAPES) {
      const key = `${kind}-${n}x${d}`;
      const p = kind === 'attention' ? attentionProblem('normalized', n, d) : softmaxProblem('normalized', n, d);
      const flop = kind === 'attention' ? 4 * n * n * d + 4 * n * d * d : 4 * n * d;
      const c: KernelCase = { key, kind, n, d, shape, flop, ms: {}, mib: {} };
      const x = Float64Array.from(p.kind === 'attention' ? p.X0.data : p.x0);
      const objs = { js: objectiveFor(p, 'js'), wasm: objectiveFor(p, 'wasm', 64), wasm32: objectiveFor(p, 'wasm', 32) };
      for (const path of ['wasm', 'wasm32'] as const)
        c.mib[path] = (objs[path] as WasmAttentionObjective | WasmSoftmaxObjective).bytes / 2 ** 20;
      const grads = { js: new Float64Array(x.length), wasm: new Float64Array(x.length), wasm32: new Float64Array(x.length) };
      const losses: Partial<Record<KernelPath, number>> = {};
      if (withNumpy) {
        const data: Record<string, Float64Array> =
          p.kind === 'attention' ? { A1: p.A1.data, A2: p.A2.data, B: p.B.data, X: x } : { A: p.A.data, b: p.b, x };
        for (const [name, a] of Object.entries(data))
          writeFileSync(join(dir, `${key}-${name}.f64`), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
        writeFileSync(join(dir, 'cases.json'), JSON.stringify([{ key, kind, n, d }]));
      }
      const times: Record<KernelPath, number[]> = { js: [], wasm: [], wasm32: [], numpy1: [], numpy2: [] };
      for (let round = 0; round < 3; round++) {
        for (const path of ['js', 'wasm', 'wasm32'] as const) {
          const obj = objs[path],
            g = grads[path];
          times[path].push(measureCpu(() => (losses[path] = obj.lossGrad(x, g)), n * n * d > 1e8 ? 1 : 3));
        }
        if (!withNumpy) continue;
        for (const threads of [1, 2] as const) {
          const r = runNumpy(dir, threads, [key]);
          if (!r) throw new Error(`${key}: NumPy failed`);
          const q = r.cases[0];
          version = r.numpy;
          times[threads === 1 ? 'numpy1' : 'numpy2'].push(threads === 1 ? q.cpuMs : q.wallMs);
          c.mib.numpy = q.peakMiB;
          if (!(Math.abs(q.loss - losses.wasm!) <= 1e-10 * Math.abs(losses.wasm!)))
            throw new Error(`${key}: NumPy's loss ${q.loss} is not the project's ${losses.wasm}`);
        }
      }
      for (const path of Object.keys(times) as KernelPath[]) {
        if (!times[path].length) continue;
        const ms = (c.ms[path] = median3(times[path]));
        const label = { js: 'JS', wasm: 'WASM f64', wasm32: 'WASM f32', numpy1: 'NumPy 1 thread', numpy2: 'NumPy 2 threads (wall)' }[path];
        record({
          name: `loss+gradient ${kind} normalized, ${label} (CPU)`,
          params: { n, d },
          medianMs: ms,
          loss: losses[path],
          gflops: flop / (ms * 1e6),
        });
      }
      if (!(relGap(grads.wasm, grads.js) <= 1e-10))
        throw new Error(`${key}: the JS and WASM gradients differ by ${relGap(grads.wasm, grads.js)}`);
      if (!(relGap(grads.wasm32, grads.wasm) <= 1e-4))
        throw new Error(`${key}: the float32 gradient differs from the float64 one by ${relGap(grads.wasm32, grads.wasm)}`);
      ratios[`js/wasm loss+gradient ${shape}`] = c.ms.js! / c.ms.wasm!;
      ratios[`wasm/wasm32 loss+gradient ${shape}`] = c.ms.wasm! / c.ms.wasm32!;
      if (withNumpy) {
        ratios[`wasm/numpy1 loss+gradient ${shape}`] = c.ms.wasm! / c.ms.numpy1!;
        ratios[`wasm32/numpy1 loss+gradient ${shape}`] = c.ms.wasm32! / c.ms.numpy1!;
      }
      process.stderr.write(`bench: ${shape}: WASM f64 ${msText(c.ms.wasm)}, f32 ${msText(c.ms.wasm32)}, NumPy ${msText(c.ms.numpy1)}\n`);
      list.push(c);
    }
    const peak = simdPeak();
    process.stderr.write(
      `bench: 128-bit SIMD peak ${peak.f64x2.toFixed(1)} GFLOP/s f64x2 (${peak.f64x2Fma?.toFixed(1) ?? '–'} as FMA), ${peak.f32x4.toFixed(1)} f32x4\n`,
    );
    tables.kernels = { numpy: version, cases: list, simdPeakGflops: peak };
    if (withNumpy) writeKernelsDoc(list, version, peak);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface PeakProbe {
  peak64(iters: number, q: number): number;
  peak32(iters: number, q: number): number;
}

interface SimdPeak {
  f64x2: number;
  f32x4: number;
  /** The f64x2 chains as fused multiply-adds (relaxed SIMD), or null where this Node cannot run them. */
  f64x2Fma: number | null;
}

/** Compiles test/bench/assembly/`name`.ts into `dir` with the AssemblyScript compiler; returns the module's path. */
function compileProbe(dir: string, name: string, features: string[]): string {
  const out = join(dir, `${name}.wasm`);
  const asc = join(REPO_ROOT, 'node_modules', 'assemblyscript', 'bin', 'asc.js');
  const source = join(REPO_ROOT, 'test', 'bench', 'assembly', `${name}.ts`);
  const flags = ['-O3', '--runtime', 'stub', '--noAssert', '--use', 'abort=', ...features.flatMap((f) => ['--enable', f])];
  const r = spawnSync(process.execPath, [asc, source, ...flags, '--outFile', out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the ${name} probe did not compile: ${r.stderr}`);
  return out;
}

/** Rounds of `flopPerRound` flops a probe runs per call. */
const PROBE_ITERS = 1 << 20;

/**
 * The fused multiply-add probe's GFLOP/s, in a Node started with relaxed SIMD enabled (Node 20 has it behind a flag;
 * VS Code's runtime has it on), the median of three; null if that Node refuses the flag or the module.
 */
function fmaPeak(wasm: string): number | null {
  const script = `
    const k = new WebAssembly.Instance(new WebAssembly.Module(require('fs').readFileSync(process.argv[1]))).exports;
    const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
    const rates = [];
    for (let round = 0; round < 3; round++) {
      k.fma64(${PROBE_ITERS}, 1 + 1e-12);
      const t = cpu();
      let calls = 0;
      while (cpu() - t < 200) { k.fma64(${PROBE_ITERS}, 1 + 1e-12); calls++; }
      rates.push((calls * ${PROBE_ITERS} * 112) / ((cpu() - t) * 1e6));
    }
    console.log(rates.sort((a, b) => a - b)[1]);`;
  const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '-e', script, wasm], { encoding: 'utf8' });
  const rate = Number(r.stdout.trim());
  return r.status === 0 && rate > 0 ? rate : null;
}

/**
 * The most 128-bit WebAssembly SIMD reaches on this machine, GFLOP/s on one thread (CPU time, the median of three):
 * test/bench/assembly/peak.ts, register-only chains of multiplies and adds, and peakFma.ts, the same as fused
 * multiply-adds. The float64 products run at about this rate, so it bounds what any kernel can gain over them.
 */
function simdPeak(): SimdPeak {
  const dir = mkdtempSync(join(tmpdir(), 'regress-peak-'));
  try {
    const wasm = (
      globalThis as unknown as { WebAssembly: { Module: new (b: Uint8Array) => object; Instance: new (m: object) => { exports: unknown } } }
    ).WebAssembly;
    const k = new wasm.Instance(new wasm.Module(readFileSync(compileProbe(dir, 'peak', ['simd'])))).exports as PeakProbe;
    const rate = (fn: () => number, flopPerRound: number) => (PROBE_ITERS * flopPerRound) / (measureCpu(fn, 3) * 1e6);
    const f64: number[] = [],
      f32: number[] = [];
    for (let round = 0; round < 3; round++) {
      f64.push(rate(() => k.peak64(PROBE_ITERS, 1 + 1e-12), 56));
      f32.push(rate(() => k.peak32(PROBE_ITERS, 1 + 1e-6), 112));
    }
    const f64x2Fma = fmaPeak(compileProbe(dir, 'peakFma', ['simd', 'relaxed-simd']));
    return { f64x2: median3(f64), f32x4: median3(f32), f64x2Fma };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A duration in ms with the digits that matter. */
function msText(x: number | undefined): string {
  return x === undefined ? '–' : x >= 100 ? `${x.toFixed(0)} ms` : x >= 1 ? `${x.toFixed(2)} ms` : `${x.toFixed(4)} ms`;
}

/** Replaces the generated section `name` of docs/performance.md (between its markers) with `lines`. */
function writeDocSection(name: string, lines: string[]) {
  const file = join(REPO_ROOT, 'docs', 'performance.md');
  if (!existsSync(file)) return;
  const start = `<!-- bench:${name}:start -->`,
    end = `<!-- bench:${name}:end -->`;
  const text = readFileSync(file, 'utf8');
  const a = text.indexOf(start),
    b = text.indexOf(end);
  if (a < 0 || b < a) return;
  writeFileSync(file, text.slice(0, a) + [start, ...lines, end].join('\n') + text.slice(b + end.length));
  console.log(`wrote the ${name} comparison into ${file}`);
}

function measuredOn(numpy: string, what: string): string {
  const m = machine();
  return (
    `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${m.cpu}, ${m.logicalCores} logical cores, ` +
    `${m.memoryGiB} GiB; Node ${m.node}, NumPy ${numpy}. ${what} The machine was shared, so compare the ratios.`
  );
}

function writeKernelsDoc(list: KernelCase[], numpy: string, peak: SimdPeak) {
  const gf = (flop: number, x: number | undefined) => (x === undefined ? '–' : (flop / (x * 1e6)).toFixed(1));
  const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? '–' : `${(a / b).toFixed(2)}×`);
  const mib = (x: number | undefined) => (x === undefined ? '–' : x < 10 ? x.toFixed(2) : x.toFixed(0));
  const rows = list.map((c) =>
    [
      c.shape,
      msText(c.ms.js),
      msText(c.ms.wasm),
      msText(c.ms.wasm32),
      msText(c.ms.numpy1),
      msText(c.ms.numpy2),
      `**${ratio(c.ms.wasm, c.ms.numpy1)}**`,
      `**${ratio(c.ms.wasm32, c.ms.numpy1)}**`,
      gf(c.flop, c.ms.wasm),
      gf(c.flop, c.ms.wasm32),
      gf(c.flop, c.ms.numpy1),
      `${mib(c.mib.wasm)} / ${mib(c.mib.wasm32)} / ${mib(c.mib.numpy)}`,
    ].join(' | '),
  );
  writeDocSection('kernels', [
    measuredOn(
      numpy,
      'CPU time per call (NumPy on two threads: wall time), each the median of three interleaved rounds, each round a median over ≥ 200 ms of calls.',
    ),
    '',
    '| one loss+gradient, attention normalized | JS f64 | WASM f64 | WASM f32 | NumPy f64 1 thread | NumPy f64 2 threads | WASM f64 / NumPy 1 thread | WASM f32 / NumPy 1 thread | GFLOP/s f64 | GFLOP/s f32 | GFLOP/s NumPy | memory MiB (f64 / f32 / NumPy peak) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r} |`),
    '',
    `The ceiling of 128-bit WebAssembly SIMD on this machine, measured in the same run (register-only multiply and add chains, ` +
      `test/bench/assembly/peak.ts): **${peak.f64x2.toFixed(1)} GFLOP/s in f64x2, ${peak.f32x4.toFixed(1)} in f32x4** per thread` +
      (peak.f64x2Fma === null
        ? '.'
        : `; the f64x2 chains as fused multiply-adds (relaxed SIMD, peakFma.ts, in a Node with the flag on): ${peak.f64x2Fma.toFixed(1)} GFLOP/s.`),
  ]);
}

// ---------- 7b. whole solves: the CLI against a NumPy/SciPy script doing the same iterations ----------

/** A float64 matrix as a NumPy .npy file (format 1.0, little-endian, C order). */
function npy(m: Matrix): Uint8Array {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${m.rows}, ${m.cols}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + m.data.byteLength);
  out.set([0x93, ...Buffer.from('NUMPY'), 1, 0, header.length & 255, header.length >> 8]);
  out.set(Buffer.from(header, 'latin1'), 10);
  out.set(new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength), 10 + header.length);
  return out;
}

interface ProcessCost {
  status: number;
  wallMs: number;
  cpuMs: number;
  maxRssMiB: number;
}

/** One whole process, measured by test/bench/rusage.py; its stdout lands in `out`. */
function runProcess(out: string, command: string[], env: NodeJS.ProcessEnv = process.env): ProcessCost {
  const r = spawnSync('python3', [join(REPO_ROOT, 'test', 'bench', 'rusage.py'), out, '--', ...command], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`rusage.py failed: ${r.stderr}`);
  const cost = JSON.parse(r.stdout) as ProcessCost;
  if (cost.status !== 0) throw new Error(`${command.join(' ')} exited with ${cost.status}`);
  return cost;
}

/** The solves compared: each method on its problem, with no stopping rule but its step count. */
const SOLVE_CASES: { method: MethodName; n: number; d: number; steps: number; options: Record<string, number>; label: string }[] = [
  { method: 'gd', n: 256, d: 32, steps: 1000, options: { lr: 1 }, label: 'gd, 1000 steps' },
  { method: 'armijo', n: 256, d: 32, steps: 200, options: {}, label: 'armijo, 200 steps' },
  { method: 'lbfgs', n: 256, d: 32, steps: 200, options: {}, label: 'lbfgs, 200 steps' },
  { method: 'newton', n: 256, d: 32, steps: 20, options: {}, label: 'newton (Newton-CG, d² = 1024), 20 steps' },
  { method: 'newton', n: 64, d: 16, steps: 10, options: {}, label: 'newton (dense Hessian, d² = 256), 10 steps' },
];

interface SolveRow {
  label: string;
  n: number;
  d: number;
  project: ProcessCost[];
  numpy1: ProcessCost[];
  numpy2: ProcessCost[];
  loss: number;
  numpyLoss: number;
  iterations: number;
}

function benchSolvesNumpy() {
  if (!numpyPresent()) {
    process.stderr.write('bench: python3 with NumPy and SciPy not found; the whole-solve comparison is skipped\n');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'regress-solve-'));
  const rows: SolveRow[] = [];
  let numpy = '';
  try {
    for (const c of SOLVE_CASES) {
      const p = attentionProblem('normalized', c.n, c.d);
      const data = join(dir, `${c.n}x${c.d}`);
      mkdirSync(data, { recursive: true });
      for (const [name, m] of Object.entries({ A1: p.A1, A2: p.A2, B: p.B, X0: p.X0 })) writeFileSync(join(data, `${name}.npy`), npy(m));
      const opts = Object.entries(c.options).map(([k, v]) => `${k} = ${v}`);
      const file = join(data, `${c.method}.regress`);
      writeFileSync(
        file,
        [
          'problem attention normalized',
          `n = ${c.n}`,
          `d = ${c.d}`,
          'A1 = load("A1.npy")',
          'A2 = load("A2.npy")',
          'B = load("B.npy")',
          'X0 = load("X0.npy")',
          `solve ${c.method} ${opts.join(' ')} steps = ${c.steps} gradtol = 0`,
          '',
        ].join('\n'),
      );
      const row: SolveRow = {
        label: c.label,
        n: c.n,
        d: c.d,
        project: [],
        numpy1: [],
        numpy2: [],
        loss: NaN,
        numpyLoss: NaN,
        iterations: 0,
      };
      const out = join(dir, 'out.json');
      const py = [
        join(REPO_ROOT, 'test', 'bench', 'numpy_solve.py'),
        data,
        c.method,
        String(c.steps),
        ...Object.entries(c.options).map(([k, v]) => `${k}=${v}`),
      ];
      // Interleaved: project, NumPy 1 thread, NumPy 2 threads, three times over.
      for (let rep = 0; rep < 3; rep++) {
        row.project.push(runProcess(out, [process.execPath, join(DIST, 'cli.js'), 'solve', file, '--json']));
        const run = (JSON.parse(readFileSync(out, 'utf8')) as { runs: { final: { loss: number; iterations: number } }[] }).runs[0];
        row.loss = run.final.loss;
        row.iterations = run.final.iterations;
        for (const threads of [1, 2] as const) {
          row[threads === 1 ? 'numpy1' : 'numpy2'].push(runProcess(out, ['python3', ...py], blasEnv(threads)));
          const r = JSON.parse(readFileSync(out, 'utf8')) as { numpy: string; loss: number; iterations: number };
          numpy = r.numpy;
          row.numpyLoss = r.loss;
          // Where a run reaches the floating-point floor, rounding decides the step its line search stalls at.
          const floor = Math.max(r.loss, row.loss) < 1e-20;
          if (r.iterations !== row.iterations && !floor)
            throw new Error(`${c.label}: NumPy ran ${r.iterations} iterations, the project ${row.iterations}`);
        }
      }
      // The same iterations reach the same loss, to rounding (1e-15 absolute where both are at the floor near 0).
      if (!(Math.abs(row.numpyLoss - row.loss) <= 1e-6 * Math.abs(row.loss) + 1e-15))
        throw new Error(`${c.label}: NumPy's final loss ${row.numpyLoss} is not the project's ${row.loss}`);
      const med = (v: ProcessCost[], f: keyof ProcessCost) => [...v.map((x) => x[f])].sort((a, b) => a - b)[v.length >> 1];
      process.stderr.write(
        `bench: ${c.label}: CPU project ${msText(med(row.project, 'cpuMs'))}, NumPy ${msText(med(row.numpy1, 'cpuMs'))}\n`,
      );
      for (const who of ['project', 'numpy1', 'numpy2'] as const)
        record({
          name: `whole solve ${c.label}, ${who === 'project' ? 'regress-lab solve --json' : `NumPy ${who === 'numpy1' ? 1 : 2} thread`}`,
          params: { n: c.n, d: c.d },
          medianMs: med(row[who], 'wallMs'),
          cpuMs: med(row[who], 'cpuMs'),
          maxRssMiB: med(row[who], 'maxRssMiB'),
        });
      ratios[`whole solve project/numpy1 (CPU) ${c.label}`] = med(row.project, 'cpuMs') / med(row.numpy1, 'cpuMs');
      rows.push(row);
    }
    tables.solves = { numpy, rows };
    writeSolvesDoc(rows, numpy);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function writeSolvesDoc(rows: SolveRow[], numpy: string) {
  const med = (v: ProcessCost[], f: keyof ProcessCost) => [...v.map((x) => x[f])].sort((a, b) => a - b)[v.length >> 1];
  const lines = rows.map((r) => {
    const [pc, c1] = [r.project, r.numpy1].map((v) => med(v, 'cpuMs'));
    const [pw, w1, w2] = [r.project, r.numpy1, r.numpy2].map((v) => med(v, 'wallMs'));
    return [
      `${r.label}, n = ${r.n}, d = ${r.d}`,
      msText(pc),
      msText(c1),
      `**${(pc / c1).toFixed(2)}×**`,
      `${msText(pw)} / ${msText(w1)} / ${msText(w2)}`,
      `${(pw / w1).toFixed(2)}×`,
      `${med(r.project, 'maxRssMiB').toFixed(0)} / ${med(r.numpy1, 'maxRssMiB').toFixed(0)}`,
      String(r.iterations),
      String(r.loss),
    ].join(' | ');
  });
  writeDocSection('solves', [
    measuredOn(numpy, 'Whole processes (start-up, reading the data, the solve, the JSON), medians of three interleaved runs.'),
    '',
    '| whole solve (same data, same iterations) | `regress-lab solve --json`, CPU | NumPy/SciPy 1 thread, CPU | project / NumPy (CPU) | wall: project / NumPy 1 thread / NumPy 2 threads | project / NumPy (wall) | peak memory MiB (project / NumPy) | iterations | final loss |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...lines.map((l) => `| ${l} |`),
  ]);
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
    ['solve-threads', benchSolveThreads],
    ['kernels', benchKernels],
    ['solves-numpy', benchSolvesNumpy],
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
    machine: machine(),
    tables,
    totalSeconds,
    cases,
    ratios,
  };
  const file = join(process.cwd(), 'bench-results.json');
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`\n${cases.length} cases in ${totalSeconds.toFixed(1)} s; wrote ${file}`);
}

void main();
