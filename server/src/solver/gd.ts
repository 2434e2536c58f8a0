/** Gradient descent with a fixed learning rate: the step the in-context-learning theorems analyse. */
import { norm2 } from '../math/dense';
import type { StepperFactory } from './stepper';

export const gd: StepperFactory = (obj, o) => {
  const lr = o.lr;
  const dx = new Float64Array(obj.dim);
  return {
    step(it) {
      const { x, grad } = it;
      for (let i = 0; i < x.length; i++) {
        dx[i] = lr * grad[i];
        x[i] -= dx[i];
      }
      it.loss = obj.lossGrad(x, it.grad);
      return { kind: 'moved', stepNorm: norm2(dx), stepSize: lr };
    },
  };
};
