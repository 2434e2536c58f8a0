/**
 * Run-time checks of what clients send. A malformed request is answered InvalidParams (-32602) saying what is wrong,
 * not an internal error from deep inside a handler; a setting out of range falls back to its default with a warning
 * (a maxConcurrentRuns of 0 would otherwise queue every run forever).
 */
import { ErrorCodes, ResponseError, type Connection, type Disposable } from 'vscode-languageserver/node';
import { Settings, SETTINGS_SECTION } from '../../../protocol/names';
import { RUN_KINDS, type RunKind, type RunParams } from '../../../protocol/runs';

type Fields = Record<string, unknown>;

const invalid = (message: string) => new ResponseError(ErrorCodes.InvalidParams, message);
const isFields = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
/** LSP's uinteger. */
const isUinteger = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) < 2 ** 31;
const isPosition = (v: unknown) => isFields(v) && isUinteger(v.line) && isUinteger(v.character);

/** Requests about a document (codeLens, documentSymbol, foldingRange, formatting). */
export function checkDocument(p: unknown): asserts p is { textDocument: { uri: string } } {
  if (!isFields(p) || !isFields(p.textDocument) || typeof p.textDocument.uri !== 'string')
    throw invalid('textDocument.uri must be a string');
}

/** Requests at a place in a document (hover, completion). */
export function checkPosition(p: unknown): asserts p is { textDocument: { uri: string }; position: { line: number; character: number } } {
  checkDocument(p);
  if (!isPosition((p as Fields).position)) {
    throw invalid('position must be { line, character } with whole numbers ≥ 0');
  }
}

/** Long enough for any UUID or counter; short enough that notifications never carry a megabyte of id. */
const MAX_RUN_ID = 256;

/** Per kind of run, the checks of the options its request adds. */
const RUN_OPTIONS: { [K in RunKind]: (p: Fields) => void } = {
  solve(p) {
    if (p.solveIndex !== undefined && !isUinteger(p.solveIndex)) throw invalid('solveIndex must be a whole number ≥ 0 when given');
    if (p.bounds !== undefined && typeof p.bounds !== 'boolean') throw invalid('bounds must be true or false when given');
  },
  experiment() {},
  sweep() {},
};

/** `regress/run`: the document, the kind of run, the runId, and the kind's options. */
export function runParams(p: unknown): RunParams {
  checkDocument(p);
  const fields = p as Fields;
  const kind = RUN_KINDS.find((k) => k === fields.kind);
  if (!kind) throw invalid(`kind must be one of ${RUN_KINDS.join(', ')}`);
  const { runId } = fields;
  if (typeof runId !== 'string' || runId === '' || runId.length > MAX_RUN_ID)
    throw invalid(`runId must be a non-empty string of at most ${MAX_RUN_ID} characters`);
  RUN_OPTIONS[kind](fields);
  return p as RunParams;
}

export interface IntegerSetting {
  /** As the user writes it in settings.json. */
  name: string;
  min: number;
  max: number;
  fallback: number;
}

export const MAX_CONCURRENT_RUNS: IntegerSetting = {
  name: `${SETTINGS_SECTION}.${Settings.maxConcurrentRuns}`,
  min: 1,
  max: 16,
  fallback: 1,
};
export const DIAGNOSTICS_DELAY_MS: IntegerSetting = {
  name: `${SETTINGS_SECTION}.${Settings.diagnosticsDelayMs}`,
  min: 0,
  max: 5000,
  fallback: 200,
};

/** `value` when it is a whole number in range; the default when absent, and otherwise the default with a warning. */
export function integerSetting(setting: IntegerSetting, value: unknown, warn: (message: string) => void): number {
  if (value === undefined) return setting.fallback;
  if (Number.isInteger(value) && (value as number) >= setting.min && (value as number) <= setting.max) return value as number;
  const shown = (typeof value === 'number' ? String(value) : JSON.stringify(value)).slice(0, 60);
  warn(`${setting.name}: ${shown} is not a whole number from ${setting.min} to ${setting.max}; using ${setting.fallback}`);
  return setting.fallback;
}

/**
 * The connection as TextDocuments sees it, with every document-sync notification checked first: a didOpen without a
 * version or with a non-string uri would otherwise throw inside the document store, where nothing catches it, and
 * end the server. A malformed notification is dropped with a warning (notifications have no answer to carry an error).
 */
export function checkedSync(connection: Connection, warn: (message: string) => void): Connection {
  const doc = (p: unknown): p is { textDocument: Fields } & Fields =>
    isFields(p) && isFields(p.textDocument) && typeof p.textDocument.uri === 'string';
  const opened = (p: unknown) => doc(p) && typeof p.textDocument.text === 'string' && Number.isInteger(p.textDocument.version);
  const change = (c: unknown) =>
    isFields(c) &&
    typeof c.text === 'string' &&
    (c.range === undefined || (isFields(c.range) && isPosition(c.range.start) && isPosition(c.range.end)));
  const changed = (p: unknown) =>
    doc(p) && Number.isInteger(p.textDocument.version) && Array.isArray(p.contentChanges) && p.contentChanges.every(change);
  const checks: Record<string, (p: unknown) => boolean> = {
    onDidOpenTextDocument: opened,
    onDidChangeTextDocument: changed,
    onDidCloseTextDocument: doc,
    onDidSaveTextDocument: doc,
    onWillSaveTextDocument: doc,
  };
  return new Proxy(connection, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      const ok = typeof key === 'string' ? checks[key] : undefined;
      if (!ok) return value;
      const what = String(key).replace(/^on|TextDocument$/g, '');
      return (handler: (p: unknown) => void): Disposable =>
        value.call(target, (p: unknown) => (ok(p) ? handler(p) : warn(`Ignored a malformed ${what} notification`)));
    },
  });
}
