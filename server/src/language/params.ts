/** Arguments of a generator call, shared by problem data and experiment distributions. */
import type { Call, Span } from './syntax';
import { hint } from './vocabulary';

/** Named or positional numeric arguments, checked against the generator's parameters (defaults filled in). */
export function callParams(e: Call, spec: { name: string; default?: number }[], report: (span: Span, message: string) => void): Record<string, number> | undefined {
  const out: Record<string, number> = {};
  for (const p of spec) if (p.default !== undefined) out[p.name] = p.default;
  let ok = true;
  e.args.forEach((a, i) => {
    const p = a.name ? spec.find((s) => s.name === a.name!.name) : spec[i];
    if (!p) {
      if (a.name) report(a.name.span, `${e.callee.name}() has no parameter '${a.name.name}'${hint(a.name.name, spec.map((s) => s.name), spec.length ? `parameters: ${spec.map((s) => s.name).join(', ')}` : 'it takes none')}`);
      else report(a.span, `${e.callee.name}() takes ${spec.length ? `at most ${spec.length} argument${spec.length > 1 ? 's' : ''}` : 'no arguments'}`);
      ok = false;
      return;
    }
    if (a.value.type !== 'number') {
      report(a.value.span, `${p.name} must be a number`);
      ok = false;
    } else if (!Number.isFinite(a.value.value)) {
      report(a.value.span, `${a.value.text} is not a finite number`);
      ok = false;
    } else out[p.name] = a.value.value;
  });
  return ok ? out : undefined;
}
