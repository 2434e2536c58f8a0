/**
 * An experiment's settings as the cards show them: one line with what a reader compares runs by, the rest in its
 * tooltip. Given several settings (a sweep's points), a setting that differs between them lists its values in order
 * ("d = 5, 10, 20, 40", and k, which follows d, likewise), so what the sweep varied is read from the settings
 * themselves.
 */
import { num } from '../../common/format';
import type { Distribution, IclSettings } from '../../protocol/experiment';

export function settingsText(all: IclSettings[]): string {
  return merge(all, (s) => [
    `n = ${s.n}`,
    `d = ${s.d}`,
    `heads = ${s.heads}`,
    `k = ${s.k}`,
    `batch = ${s.batch}`,
    `steps = ${s.steps}`,
    `lr = ${num(s.lr)}`,
    `repeats = ${s.repeats}`,
    `η grid ${num(s.etamin)}…${num(s.etamax)} × ${s.etacount}`,
    `tasks = ${s.tasks}`,
  ]).join(' · ');
}

export function settingsDetail(all: IclSettings[]): string {
  return merge(all, (s) => [
    `seed = ${s.seed} (repeat r uses seed + r)`,
    `words a_i, a_q ~ ${distributionText(s.words)}`,
    `x* ~ ${distributionText(s.xstar)}`,
    `Adam lr = ${num(s.lr)}, β1 = ${num(s.beta1)}, β2 = ${num(s.beta2)}, ε = ${num(s.eps)}`,
    `labels ${s.labels}, read-out ${s.readout}`,
    // Runs saved before the setting existed trained in float64.
    `float32 = ${s.float32 ? 1 : 0}`,
    `evaluated every ${s.every} steps on ${s.tasks} held-out tasks`,
    `η chosen on ${s.etatasks} other tasks from ${s.etacount} values ${num(s.etamin)}…${num(s.etamax)}, log-spaced`,
  ]).join('\n');
}

/**
 * Each part once when every settings object gives the same text; else the differing values after the part's own
 * "name = " ("d = 5, 10, 20"), or the distinct texts joined by " | " for parts that are not one name and value.
 */
function merge(all: IclSettings[], parts: (s: IclSettings) => string[]): string[] {
  const texts = all.map(parts);
  return (texts[0] ?? []).map((_, i) => {
    const at = texts.map((t) => t[i]);
    if (at.every((t) => t === at[0])) return at[0];
    const named = at.map((t) => /^(\w+) = (\S+)$/.exec(t));
    if (named.every((m) => m && m[1] === named[0]![1])) return `${named[0]![1]} = ${named.map((m) => m![2]).join(', ')}`;
    return [...new Set(at)].join(' | ');
  });
}

function distributionText(d: Distribution): string {
  return d.kind === 'normal' ? `normal(mean = ${num(d.mean)}, scale = ${num(d.scale)})` : `uniform(${num(d.low)}, ${num(d.high)})`;
}
