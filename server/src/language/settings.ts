/**
 * Numeric settings: one schema for a problem's settings (n, d, seed, reg, …), an experiment's (heads, lr, steps, …),
 * a solve block's options (lr, steps, …) and a generator's arguments (scale, low, …), and one reader, so every value
 * is checked, documented and reported the same way.
 */
import type { Expr, Span } from './syntax';

export interface NumericSetting<Name extends string = string> {
  name: Name;
  /** Smallest allowed value; `exclusiveMin` makes it strict (a learning rate must be > 0). */
  min?: number;
  exclusiveMin?: boolean;
  max?: number;
  /** `max` itself is not allowed (a backtracking factor of 1 never shrinks the step). */
  exclusiveMax?: boolean;
  integer?: boolean;
  /** The value when the setting is left out; none where it is required or derived (its `doc` says how). */
  default?: number;
  doc: string;
}

/**
 * The value of setting `s` written as `value`, or undefined after reporting at the value what is wrong with it,
 * always as "NAME must be …, not TEXT". A value the parser already refused is skipped silently.
 */
export function readSetting(s: NumericSetting, value: Expr, report: (span: Span, message: string) => void): number | undefined {
  if (value.type !== 'number') {
    if (value.type !== 'invalid') report(value.span, `${s.name} must be a number`);
    return undefined;
  }
  const { value: v, text } = value;
  let wrong: string | undefined;
  if (!Number.isFinite(v)) wrong = `${text} is not a finite number`;
  else if (s.integer && !Number.isInteger(v)) wrong = `${s.name} must be a whole number, not ${text}`;
  else if (s.min !== undefined && (s.exclusiveMin ? v <= s.min : v < s.min))
    wrong = `${s.name} must be ${s.exclusiveMin ? 'greater than' : 'at least'} ${s.min}, not ${text}`;
  else if (s.max !== undefined && (s.exclusiveMax ? v >= s.max : v > s.max))
    wrong = `${s.name} must be ${s.exclusiveMax ? 'less than' : 'at most'} ${s.max}, not ${text}`;
  if (wrong === undefined) return v;
  report(value.span, wrong);
  return undefined;
}

/** A setting's documentation with its default, as hover shows it. */
export function settingDoc(s: NumericSetting): string {
  return s.default === undefined ? s.doc : `${s.doc} Default ${s.default}.`;
}
