/**
 * Which settings apply while the server runs and which need a restart (no `vscode` import, so it is unit-tested under
 * Node). The client reads the settings when it starts (initializationOptions) and sends every change of the section
 * (workspace/didChangeConfiguration), which the server applies where it can; for the others, the user is offered a
 * restart.
 */
import { SETTINGS_SECTION, Settings } from '../../protocol/names';

/**
 * `live`: applied at once (the server takes maxConcurrentRuns from didChangeConfiguration; the client itself follows
 * the trace setting); `restart`: the server reads it only at initialize. Every setting is listed, so a new one is a
 * compile error until decided.
 */
const APPLIES: Record<keyof typeof Settings, 'live' | 'restart'> = {
  maxConcurrentRuns: 'live',
  diagnosticsDelayMs: 'restart',
  traceServer: 'live',
};

/** The settings a change affects (`affects`: ConfigurationChangeEvent.affectsConfiguration) that need a restart. */
export function changedNeedingRestart(affects: (key: string) => boolean): string[] {
  return (Object.keys(APPLIES) as (keyof typeof Settings)[])
    .filter((k) => APPLIES[k] === 'restart')
    .map((k) => `${SETTINGS_SECTION}.${Settings[k]}`)
    .filter(affects);
}
