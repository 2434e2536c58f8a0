/**
 * The matrices the panel draws for a point of a run (protocol/results.ts PointMatrices): X, the prediction
 * rowsoftmax(A1·X·A2ᵀ) (softmax(A·x) for the vector form) and its difference from the target, and the target once per
 * run. Computed with the solver's JavaScript kernels (the dense products, RowKernel's normalized softmax and residual),
 * a block of rows of S at a time straight into the summaries (common/matrixSummary.ts): beyond A1·X (n×d), a point
 * needs O(n) memory however large n is, and the n×n prediction is never held whole.
 */
import { MatrixSummarizer } from '../../../common/matrixSummary';
import type { BlockFinal, BlockResult, MatrixData, PointMatrices, SolveResult } from '../../../protocol/results';
import { matmul, matmulBT, mulVec } from '../math/dense';
import { RowKernel, view } from '../math/rows';
import type { Matrix, Problem } from '../problem';

/**
 * Rows of S computed together (32 rows of a 4096-wide S are 1 MiB). matmulBT sums each entry in the same order
 * whatever the rows it is given, so the entries are bit for bit those of the solver's full product.
 */
const ROW_BLOCK = 32;

/**
 * Polled between blocks of rows: a point of a 4096×4096 problem takes seconds, as long as an iteration, and a cancelled
 * run must stop within the scheduler's grace period.
 */
export type Cancelled = () => boolean;

/** The target and the initial point's matrices; undefined when an entry is not finite or the run was cancelled. */
export function runMatrices(p: Problem, cancelled: Cancelled = () => false): SolveResult['matrices'] {
  const target = p.kind === 'attention' ? summarize(p.B) : column(p.b);
  const initial = pointMatrices(p, p.kind === 'attention' ? p.X0.data : p.x0, cancelled);
  return target && initial ? { target, initial } : undefined;
}

/** Sets the block's matrices at its final iterate (when the result holds one, its matrices are finite, and not cancelled). */
export function addFinalMatrices(p: Problem, block: BlockResult, cancelled: Cancelled = () => false) {
  const x = finalPoint(block.final);
  const m = x && pointMatrices(p, x, cancelled);
  if (m) block.matrices = m;
}

function finalPoint(f: BlockFinal): Float64Array | undefined {
  if (f.X) return Float64Array.from(f.X.flat());
  return f.x && Float64Array.from(f.x);
}

/**
 * X, the prediction and prediction − target at x (row-major vec(X) or x); undefined when an entry is not finite or
 * the run was cancelled.
 */
export function pointMatrices(p: Problem, x: Float64Array, cancelled: Cancelled = () => false): PointMatrices | undefined {
  if (p.kind === 'softmax') {
    const kernel = new RowKernel('normalized', 1, p.n, p.b);
    kernel.value(mulVec(p.A, x));
    return complete(column(x), column(kernel.P), column(kernel.R));
  }
  const { n, d } = p;
  const T = matmul(p.A1, view(d, d, x));
  const prediction = new MatrixSummarizer(n, n);
  const difference = new MatrixSummarizer(n, n);
  const S = new Float64Array(ROW_BLOCK * n);
  const B = new Float64Array(ROW_BLOCK * n);
  // RowKernel reads its target at each evaluation: one kernel per block height, over a buffer refilled per block.
  const kernels = new Map<number, RowKernel>();
  for (let i0 = 0; i0 < n; i0 += ROW_BLOCK) {
    if (cancelled()) return undefined;
    const rows = Math.min(ROW_BLOCK, n - i0);
    const Sb = S.subarray(0, rows * n);
    matmulBT(view(rows, d, T.data.subarray(i0 * d, (i0 + rows) * d)), p.A2, view(rows, n, Sb));
    B.set(p.B.data.subarray(i0 * n, (i0 + rows) * n));
    let kernel = kernels.get(rows);
    if (!kernel) kernels.set(rows, (kernel = new RowKernel('normalized', rows, n, B.subarray(0, rows * n))));
    kernel.value(Sb);
    for (let r = 0; r < rows; r++) {
      prediction.add(kernel.P.subarray(r * n, (r + 1) * n));
      difference.add(kernel.R.subarray(r * n, (r + 1) * n));
    }
  }
  return complete(summarize(view(d, d, x)), prediction.finish(), difference.finish());
}

function complete(X?: MatrixData, prediction?: MatrixData, difference?: MatrixData): PointMatrices | undefined {
  return X && prediction && difference ? { X, prediction, difference } : undefined;
}

function summarize(m: Matrix): MatrixData | undefined {
  const s = new MatrixSummarizer(m.rows, m.cols);
  for (let i = 0; i < m.rows; i++) s.add(m.data.subarray(i * m.cols, (i + 1) * m.cols));
  return s.finish();
}

/** A vector as an n×1 column: row i is entry i. */
function column(v: Float64Array): MatrixData | undefined {
  return summarize(view(v.length, 1, v));
}
