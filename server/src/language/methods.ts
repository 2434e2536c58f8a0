/**
 * The methods a `solve` block can name and their options: the single source for the language (validation,
 * completion, hover, docs) and the solver (defaults). Every option is a numeric setting with a default.
 */
import type { MethodName } from '../../../protocol/results';
import type { NumericSetting } from './settings';

export type OptionInfo = NumericSetting & { default: number };

export interface MethodInfo {
  name: MethodName;
  title: string;
  doc: string;
  options: OptionInfo[];
}

/** The largest step limit: 10⁹ gd steps take hours even on a tiny problem, and k stays exact as a double. */
export const MAX_STEPS = 1e9;

/** Stopping rules shared by every method. */
const STOPPING: OptionInfo[] = [
  {
    name: 'steps',
    default: 1000,
    min: 0,
    max: MAX_STEPS,
    integer: true,
    doc: 'Maximum number of iterations. Long runs keep a thinned trajectory (every point up to k = 1024, then 512 per doubling of k, plus the best and the last).',
  },
  { name: 'gradtol', default: 1e-10, min: 0, doc: 'Stop when the gradient norm ‖∇L‖₂ falls to this value or below.' },
  { name: 'losstol', default: 0, min: 0, doc: 'Stop when the loss falls to this value or below (0 disables).' },
];

/** Every method's arithmetic: float64, or the float32 kernels for fast trajectories. */
const PRECISION: OptionInfo[] = [
  {
    name: 'float32',
    default: 0,
    min: 0,
    max: 1,
    integer: true,
    doc: '1 evaluates the loss, gradient and Hessian-vector products in float32 (WebAssembly f32x4 kernels, about twice as fast), 0 in float64. For trajectories: float32 losses are exact to about 1e-7 relative, so losses below ~1e-7 of the initial loss are rounding (line searches stall there), and the rescaled variant refuses scores above ~44 less terms in ln n instead of ~355. Bound checks, exactness checks and `eval` stay float64; without WebAssembly SIMD (or with REGRESS_LAB_KERNELS=js) the block runs in float64.',
  },
];

export const METHODS: Record<MethodName, MethodInfo> = {
  gd: {
    name: 'gd',
    title: 'Gradient descent (fixed step)',
    doc: "x ← x − lr·∇L(x) with a fixed learning rate: the step the papers' in-context-learning theorems analyse.",
    options: [{ name: 'lr', default: 0.1, min: 0, exclusiveMin: true, doc: 'Learning rate η (> 0).' }, ...STOPPING, ...PRECISION],
  },
  armijo: {
    name: 'armijo',
    title: 'Gradient descent with Armijo backtracking',
    doc: 'Starts each step at lr and halves it (×shrink) until L(x − t∇L) ≤ L(x) − c1·t·‖∇L‖².',
    options: [
      { name: 'lr', default: 1, min: 0, exclusiveMin: true, doc: 'Initial trial step t₀ (> 0).' },
      { name: 'shrink', default: 0.5, min: 0, exclusiveMin: true, max: 1, exclusiveMax: true, doc: 'Backtracking factor in (0, 1).' },
      { name: 'c1', default: 1e-4, min: 0, exclusiveMin: true, max: 1, doc: 'Sufficient-decrease constant in (0, 1).' },
      ...STOPPING,
      ...PRECISION,
    ],
  },
  newton: {
    name: 'newton',
    title: "Newton's method (regularized Hessian, or Newton-CG)",
    doc: 'Solves (∇²L + damping·I)p = −∇L by Cholesky when the parameter count is at most `dense`, otherwise by conjugate gradients on Hessian-vector products; the step is safeguarded by backtracking.',
    options: [
      { name: 'damping', default: 1e-6, min: 0, doc: 'λ added to the Hessian diagonal (keeps the system positive definite).' },
      { name: 'dense', default: 400, min: 0, integer: true, doc: 'Largest parameter count (d or d²) that forms the full Hessian.' },
      { name: 'cgiters', default: 100, min: 1, integer: true, doc: 'Conjugate-gradient iterations per Newton-CG step.' },
      ...STOPPING,
      ...PRECISION,
    ],
  },
  lbfgs: {
    name: 'lbfgs',
    title: 'L-BFGS',
    doc: 'Limited-memory BFGS with a backtracking (Armijo) line search.',
    options: [
      {
        name: 'memory',
        default: 10,
        min: 1,
        max: 1000,
        integer: true,
        doc: 'Number of curvature pairs kept (at most 1000: each pair is two vectors of the parameter count).',
      },
      ...STOPPING,
      ...PRECISION,
    ],
  },
};

export const METHOD_NAMES = Object.keys(METHODS) as MethodName[];

/** Options of `method` with every missing one filled by its default. */
export function withDefaults(method: MethodName, given: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of METHODS[method].options) out[o.name] = given[o.name] ?? o.default;
  return out;
}
