/**
 * Formulas as DOM: powers of ten and sub/superscripts as <sup>/<sub> elements, built with the element helper from
 * text (never parsed as HTML). The CLI prints the same strings as plain text (common/format.ts), so the panel renders
 * them here instead of changing them. Two glyphs get a form every font has: b̃ (its combining tilde collides with a
 * neighbouring ‖ in bold) is spaced apart, and 𝖠 (a mathematical sans-serif letter many fonts lack) is a bold A.
 */
import { num } from '../../common/format';
import { el } from './dom';

/** 10^72.5 as "10" with a superscript "72.5"; a non-finite exponent as the plain number ("∞", "0"). */
export function powerOfTenNode(log10: number): Node {
  if (!Number.isFinite(log10)) return document.createTextNode(num(10 ** log10));
  const e = (Math.round(log10 * 10) / 10).toFixed(1).replace('-', '−');
  return el('span', { className: 'pow10' }, ['10', el('sup', { text: e })]);
}

/** "x_{k+1}", "n^1.5·e^{10R²}", "b̃_GD" with scripts as <sub>/<sup>; a script is {…} or a run of letters, digits and dots. */
export function formula(text: string): (Node | string)[] {
  const out: (Node | string)[] = [];
  const script = /([_^])(?:\{([^}]*)\}|([\p{L}\p{N}.]+))/gu;
  let at = 0;
  for (const m of text.matchAll(script)) {
    out.push(...glyphs(text.slice(at, m.index)));
    out.push(el(m[1] === '^' ? 'sup' : 'sub', {}, glyphs(m[2] ?? m[3])));
    at = m.index + m[0].length;
  }
  out.push(...glyphs(text.slice(at)));
  return out;
}

/** b̃ spaced from its neighbours; 𝖠 as a bold A. */
function glyphs(text: string): (Node | string)[] {
  return text
    .split(/(b\u0303|\u{1D5A0})/u)
    .filter(Boolean)
    .map((part) =>
      part === 'b\u0303'
        ? el('span', { className: 'tilde', text: part })
        : part === '\u{1D5A0}'
          ? el('b', { className: 'tensor-a', text: 'A', title: 'the tensor A1⊗A2' })
          : part,
    );
}
