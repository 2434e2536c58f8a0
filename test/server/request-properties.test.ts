/**
 * Every request an editor makes, on random and mutated documents, over stdio: each answers within a bound (generous
 * for a busy machine, far below a hang), every range it returns lies inside the document, and the server is still
 * alive at the end. Seeded: every run tries the same documents.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { EXAMPLES } from '../paths';
import { TestClient } from './lsp-client';

const SOURCES = ['quickstart.regress', 'compare-methods.regress', 'bounds-softmax.regress', 'icl-experiment.regress'].map((f) =>
  readFileSync(join(EXAMPLES, f), 'utf8'),
);
const TOKENS = [
  'problem',
  'attention',
  'softmax',
  'rescaled',
  'solve',
  'gd',
  'newton',
  'A1',
  'A2',
  'B',
  'X0',
  'n',
  'd',
  '=',
  '[',
  ']',
  '(',
  ')',
  ',',
  ';',
  '\n',
  ' ',
  '#',
  '−2',
  '1e999',
  'normal',
  'planted',
  'lr',
  'steps',
  '"x.csv"',
  'load',
  'check',
  'bounds',
  'experiment',
  'icl',
  '\t',
  '\r\n',
  'é',
];
/** Per request; a hang or a stack overflow never answers at all. */
const BOUND_MS = 5000;

type Position = { line: number; character: number };
type Range = { start: Position; end: Position };

let client: TestClient;
before(async () => {
  client = new TestClient();
  await client.initialize({ diagnosticsDelayMs: 0 });
});
after(() => client.close());

/** Every { start, end } range anywhere in a response, with where it was found. */
function rangesIn(value: unknown, path = '$'): { path: string; range: Range }[] {
  if (!value || typeof value !== 'object') return [];
  const v = value as Record<string, unknown>;
  const here = v.start && v.end && typeof (v.start as Position).line === 'number' ? [{ path, range: v as unknown as Range }] : [];
  return [...here, ...Object.entries(v).flatMap(([k, x]) => rangesIn(x, `${path}.${k}`))];
}

function assertInside(text: string, what: string, response: unknown) {
  const lines = text.split(/\r\n|\r|\n/);
  for (const { path, range } of rangesIn(response)) {
    for (const p of [range.start, range.end]) {
      assert.ok(p.line >= 0 && p.line < lines.length, `${what} ${path}: line ${p.line} outside ${lines.length} lines`);
      assert.ok(
        p.character >= 0 && p.character <= lines[p.line].length,
        `${what} ${path}: character ${p.character} outside line ${p.line} (${lines[p.line].length})`,
      );
    }
  }
}

async function timed<T>(what: string, request: Promise<T>): Promise<T> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${BOUND_MS} ms\n${client.stderr}`)), BOUND_MS)),
  );
  try {
    return await Promise.race([request, timeout]);
  } finally {
    clearTimeout(timer);
    assert.ok(Date.now() - started <= BOUND_MS, what);
  }
}

const documents = fc.oneof(
  fc
    .record({
      source: fc.constantFrom(...SOURCES),
      edits: fc.array(
        fc.record({ at: fc.nat(4000), del: fc.nat(10), ins: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom(...TOKENS)) }),
        { maxLength: 5 },
      ),
    })
    .map(({ source, edits }) =>
      edits.reduce((t, e) => t.slice(0, Math.min(e.at, t.length)) + e.ins + t.slice(Math.min(e.at, t.length) + e.del), source),
    ),
  fc.array(fc.constantFrom(...TOKENS), { maxLength: 80 }).map((parts) => parts.join(' ')),
);

test('every request on 150 random and mutated documents answers in time with ranges inside the document', async () => {
  const samples = fc.sample(fc.tuple(documents, fc.nat(), fc.nat()), { numRuns: 150, seed: 20261206 });
  let version = 1;
  const uri = client.open('props.regress', '', version);
  for (const [text, a, b] of samples) {
    version++;
    client.change(uri, text, version);
    const lines = text.split(/\r\n|\r|\n/);
    const line = a % lines.length;
    const position = { line, character: b % (lines[line].length + 1) };
    const doc = { textDocument: { uri } };
    const requests: [string, unknown][] = [
      ['textDocument/hover', { ...doc, position }],
      ['textDocument/completion', { ...doc, position }],
      ['textDocument/documentSymbol', doc],
      ['textDocument/foldingRange', doc],
      ['textDocument/codeLens', doc],
      ['textDocument/formatting', { ...doc, options: { tabSize: 2, insertSpaces: true } }],
    ];
    for (const [method, params] of requests)
      assertInside(
        text,
        `${method} on v${version}`,
        await timed(`${method} on v${version}`, client.connection.sendRequest(method, params)),
      );
    const published = await timed(`diagnostics of v${version}`, client.diagnosticsFor(uri, version));
    assertInside(text, `diagnostics of v${version}`, published.diagnostics);
  }
  // Still alive and answering.
  const final = client.open('alive.regress', SOURCES[0]);
  assert.ok(((await client.diagnosticsFor(final, 1)).diagnostics as unknown[]).length === 0);
});
