/** Gradient descent with Armijo backtracking: every step starts at `lr` and shrinks until sufficient decrease. */
import { backtrack } from './lineSearch';
import type { StepperFactory } from './stepper';

export const armijo: StepperFactory = (obj, o) => {
  const p = new Float64Array(obj.dim);
  const trial = new Float64Array(obj.dim);
  return {
    step(it) {
      for (let i = 0; i < p.length; i++) p[i] = -it.grad[i];
      return backtrack(obj, it, p, { t0: o.lr, shrink: o.shrink, c1: o.c1 }, trial);
    },
  };
};
