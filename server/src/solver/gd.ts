/** Gradient descent with a fixed learning rate: the step the in-context-learning theorems analyse. */
import type { StepperFactory } from './stepper';

export const gd: StepperFactory = (obj, o) => {
  const lr = o.lr;
  return {
    step(it) {
      const { x, grad } = it;
      let s = 0;
      for (let i = 0; i < x.length; i++) {
        const dx = lr * grad[i];
        x[i] -= dx;
        s += dx * dx;
      }
      it.loss = obj.lossGrad(x, it.grad);
      return { kind: 'moved', stepNorm: Math.sqrt(s), stepSize: lr };
    },
  };
};
