/**
 * What every method implements: one iteration from the current point. The runner owns the loop, the stopping
 * rules, streaming and failure reporting, so the methods are only their mathematics.
 */
import type { Objective } from '../math/objective';

/** The current iterate, updated in place by `step`. */
export interface Iterate {
  x: Float64Array;
  grad: Float64Array;
  loss: number;
}

export type StepOutcome =
  | { kind: 'moved'; stepNorm: number; stepSize?: number }
  /** No acceptable step exists along a descent direction: the loss is at its floating-point floor. */
  | { kind: 'stalled'; message: string };

export interface Stepper {
  step(it: Iterate): StepOutcome;
}

export type StepperFactory = (obj: Objective, options: Record<string, number>) => Stepper;
