/**
 * Speed and time left on a running card's header ("1,250 steps/s · 2 min 5 s left", "estimating…"), from the same
 * estimate as the editor's notification (common/eta.ts): sampled at each event the card receives, over the steps done
 * and planned of all its parts (solve blocks, repeats). Hidden once the run ended.
 *
 * DOM hook: header .eta.
 */
import { estimateEta, etaText, stepsOverParts, updateEta, type EtaState } from '../../common/eta';
import { el } from './dom';

export class CardEta {
  readonly root = el('span', { className: 'eta', title: 'Speed and estimated time left' });
  private state?: EtaState;

  /** Samples the parts' progress now (while running); hides the estimate otherwise. */
  update(running: boolean, parts: { done: number; total: number }[]) {
    this.root.hidden = !running;
    if (!running) return;
    const now = Date.now();
    this.state = updateEta(this.state, { atMs: now, ...stepsOverParts(parts) });
    this.root.textContent = etaText(estimateEta(this.state, now));
  }
}
