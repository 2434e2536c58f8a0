/** A small experiment's settings, every field written out, with a test's own values over them (unit and panel tests). */
import type { IclSettings } from '../protocol/experiment';

export function iclSettings(own: Partial<IclSettings> = {}): IclSettings {
  return {
    n: 4,
    d: 3,
    seed: 1,
    words: { kind: 'normal', scale: 0.5, mean: 0 },
    xstar: { kind: 'normal', scale: 1, mean: 0 },
    heads: 1,
    k: 4,
    lr: 1e-3,
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
    labels: 'centered',
    readout: 'offset',
    batch: 16,
    steps: 100,
    every: 25,
    tasks: 20,
    etatasks: 20,
    etamin: 0.01,
    etamax: 100,
    etacount: 10,
    repeats: 2,
    float32: 0,
    ...own,
  };
}
