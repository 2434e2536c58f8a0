/**
 * The tensor-trick check (`check tensor`, math spec §4.2–§4.5): predictions, loss and gradient through 𝖠 = A1⊗A2
 * against the matrix form, at X0 and at a seeded probe point (X0 is often 0, where 𝖠x = 0 whatever 𝖠 is).
 * DOM hooks: section.tensor[data-pass]; table.tensor rows tr[data-quantity][data-point="X0"|"probe"][data-pass].
 */
import { bytes, num } from '../../common/format';
import { tensorComparisonPasses } from '../../common/verdicts';
import type { SolveResult, TensorPoint } from '../../protocol/results';
import { el } from './dom';
import { formula } from './formula';
import { PriorityColumns } from './priorityColumns';

const QUANTITIES = ['predictions', 'loss', 'gradient'] as const;

export function tensorSection(t: NonNullable<SolveResult['tensor']>): HTMLElement {
  const section = el('section', { className: 'tensor' }, [el('h3', {}, formula('Tensor trick: 𝖠 = A1⊗A2 against the matrix form'))]);
  if ('error' in t) {
    section.append(el('p', { className: 'note warn' }, formula(`Not checked: ${t.error}`)));
    return section;
  }
  section.dataset.pass = String(t.pass);
  const body = el('tbody');
  for (const [point, values] of [
    ['X0', t],
    ['probe', t.probe],
  ] as [string, TensorPoint][]) {
    for (const q of QUANTITIES) {
      const c = values[q];
      const ok = tensorComparisonPasses(c, t.tolerance);
      body.append(
        el('tr', { data: { quantity: q, point, pass: String(ok) } }, [
          el('td', { className: 'text', text: q }),
          el('td', { className: 'text', text: point }),
          el('td', { text: num(c.matrixMax) }),
          el('td', { text: num(c.maxAbsDiff, 3) }),
          el('td', { text: num(c.relDiff, 3) }),
          el('td', { text: num(c.scaledDiff, 3) }),
          el('td', { className: `text ${ok ? 'ok' : 'bad'}`, text: ok ? '✓' : '✗' }),
        ]),
      );
    }
  }
  const head = ['quantity', 'at', 'max |value|', 'max abs diff', 'rel diff', 'scaled diff', 'pass'];
  const s = t.sizes;
  const table = el('table', { className: 'numbers tensor' }, [
    el('thead', {}, [
      el(
        'tr',
        {},
        head.map((h, i) => el('th', { text: h, className: i < 2 || i === 6 ? 'text' : '' })),
      ),
    ]),
    body,
  ]);
  section.append(
    el('p', { className: 'meta' }, [
      el('span', { className: t.pass ? 'ok' : 'bad', text: t.pass ? '✓ pass' : '✗ fail' }),
      ...formula(
        ` · tolerance ${num(t.tolerance)} · 𝖠 is ${s.rows}×${s.cols} (${bytes(s.bytes)}) · gradient in ${num(t.timing.matrixGradMs, 3)} ms (matrix form) against ${num(t.timing.kroneckerGradMs, 3)} ms (through 𝖠)`,
      ),
    ]),
    el('div', { className: 'table-scroll' }, [table]),
  );
  // Narrow: what, where, the deciding difference and the verdict stay.
  new PriorityColumns(table, [2, 3, 4]);
  return section;
}
