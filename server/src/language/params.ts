/** Arguments of a generator call, shared by problem data and experiment distributions. */
import { readSetting, type NumericSetting } from './settings';
import type { Call, Span } from './syntax';
import { hint } from './vocabulary';

/** Named or positional numeric arguments, each read as a setting of the generator (defaults filled in). */
export function callParams(
  e: Call,
  spec: readonly NumericSetting[],
  report: (span: Span, message: string) => void,
): Record<string, number> | undefined {
  const out: Record<string, number> = {};
  for (const p of spec) if (p.default !== undefined) out[p.name] = p.default;
  let ok = true;
  e.args.forEach((a, i) => {
    const p = a.name ? spec.find((s) => s.name === a.name!.name) : spec[i];
    if (!p) {
      if (a.name)
        report(
          a.name.span,
          `${e.callee.name}() has no parameter '${a.name.name}'${hint(
            a.name.name,
            spec.map((s) => s.name),
            spec.length ? `parameters: ${spec.map((s) => s.name).join(', ')}` : 'it takes none',
          )}`,
        );
      else
        report(
          a.span,
          `${e.callee.name}() takes ${spec.length ? `at most ${spec.length} argument${spec.length > 1 ? 's' : ''}` : 'no arguments'}`,
        );
      ok = false;
      return;
    }
    const v = readSetting(p, a.value, report);
    if (v === undefined) ok = false;
    else out[p.name] = v;
  });
  return ok ? out : undefined;
}
