import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { EXAMPLES } from '../paths';
import { TestClient } from './lsp-client';

const QUICKSTART = readFileSync(join(EXAMPLES, 'quickstart.regress'), 'utf8');
const lines = QUICKSTART.split('\n');
const lineOf = (prefix: string) => lines.findIndex((l) => l.startsWith(prefix));

let client: TestClient;
let uri: string;
before(async () => {
  client = new TestClient();
  await client.initialize();
  uri = client.open('editor.regress', QUICKSTART);
});
after(() => client.close());

type Item = { label: string; insertText?: string };
const complete = async (text: string, line: number, character: number) => {
  const u = client.open(`c${line}-${character}-${text.length}.regress`, text);
  return (
    (await client.connection.sendRequest('textDocument/completion', { textDocument: { uri: u }, position: { line, character } })) as Item[]
  ).map((i) => i.label);
};

test('hover on a matrix shows its shape, norms and whether rows are distributions', async () => {
  const h = (await client.connection.sendRequest('textDocument/hover', {
    textDocument: { uri },
    position: { line: lineOf('B ='), character: 0 },
  })) as { contents: { value: string } };
  assert.match(h.contents.value, /\*\*B\*\*/);
  assert.match(h.contents.value, /\| shape \| 8×8 \|/);
  assert.match(h.contents.value, /\| rows are distributions \| yes \|/);
  assert.match(h.contents.value, /‖·‖ \(spectral\) \| \d/);
  const g = (await client.connection.sendRequest('textDocument/hover', {
    textDocument: { uri },
    position: { line: lineOf('A1 ='), character: 6 },
  })) as { contents: { value: string } };
  assert.match(g.contents.value, /\*\*normal\*\*/);
  const m = (await client.connection.sendRequest('textDocument/hover', {
    textDocument: { uri },
    position: { line: lineOf('solve'), character: 7 },
  })) as { contents: { value: string } };
  assert.match(m.contents.value, /Gradient descent \(fixed step\)/);
});

test('completion: statements, kinds, variants, methods, unused options, generators and parameters', async () => {
  assert.deepEqual(await complete('problem ', 0, 8), ['attention', 'softmax']);
  assert.deepEqual(await complete('problem softmax ', 0, 16), ['normalized', 'rescaled']);
  assert.deepEqual(await complete(`${QUICKSTART}solve `, lines.length - 1, 6), ['gd', 'armijo', 'newton', 'lbfgs']);
  assert.deepEqual(await complete(`${QUICKSTART}solve gd lr = 1 `, lines.length - 1, 16), ['steps', 'gradtol', 'losstol', 'float32']);
  const gens = await complete('problem attention normalized\nA1 = ', 1, 5);
  for (const g of ['normal', 'uniform', 'simplex', 'planted', 'load', 'zeros']) assert.ok(gens.includes(g), g);
  assert.deepEqual(await complete('problem attention normalized\nA1 = normal(scale = 1, ', 1, 24), ['mean']);
  // At a line start: names not yet assigned, for the declared kind only.
  const start = await complete('problem softmax normalized\nA = normal()\n', 2, 0);
  assert.ok(start.includes('b') && start.includes('x0') && start.includes('solve'));
  assert.ok(!start.includes('A') && !start.includes('A1') && !start.includes('problem'));
});

test('document symbols outline the problem, settings, data and solve blocks', async () => {
  const syms = (await client.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as {
    name: string;
    detail?: string;
  }[];
  assert.deepEqual(
    syms.map((s) => s.name),
    ['problem attention normalized', 'n', 'd', 'seed', 'A1', 'A2', 'Xstar', 'B', 'X0', 'solve gd lr=3.0 steps=2000'],
  );
  assert.equal(syms.find((s) => s.name === 'B')?.detail, '8×8');
});

test('folding covers multi-line matrices and comment blocks; formatting aligns matrix columns', async () => {
  const text = '# one\n# two\nproblem attention normalized\nA1 = [\n1 2.5\n-10 3\n]\n';
  const u = client.open('fold.regress', text);
  const folds = (await client.connection.sendRequest('textDocument/foldingRange', { textDocument: { uri: u } })) as {
    startLine: number;
    endLine: number;
  }[];
  assert.deepEqual(folds.map((f) => [f.startLine, f.endLine]).sort(), [
    [0, 1],
    [3, 5],
  ]);
  const edits = (await client.connection.sendRequest('textDocument/formatting', {
    textDocument: { uri: u },
    options: { tabSize: 2, insertSpaces: true },
  })) as { newText: string }[];
  assert.equal(edits.length, 1);
  assert.equal(edits[0].newText, '# one\n# two\nproblem attention normalized\nA1 = [\n    1  2.5\n  -10  3\n]\n');
});

test('a data file edited outside the editor re-checks the documents that load it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'regress-watch-'));
  try {
    const csv = join(dir, 'A.csv');
    writeFileSync(csv, '1,0\n0,1\n1,1\n');
    const doc = pathToFileURL(join(dir, 'watch.regress')).toString();
    // n and d come from the loaded file's shape.
    const text = 'problem softmax normalized\nA = load("A.csv")\nxstar = [0.5 -0.5]\nb = planted(xstar)\nsolve gd lr = 1\n';
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: doc, languageId: 'regress', version: 1, text },
    });
    const first = await client.diagnosticsFor(doc, 1);
    assert.deepEqual(
      first.diagnostics.filter((d) => d.severity === 1),
      [],
    );

    writeFileSync(csv, '1,0\n0,x\n1,1\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: pathToFileURL(csv).toString(), type: 2 }],
    });
    await client.waitFor(() => client.published(doc).length > 1, 'diagnostics after the data file changed');
    const again = client.published(doc)[1].diagnostics;
    assert.equal(again.length, 1);
    assert.match(again[0].message, /line 2, column 3: 'x' is not a number/);
    assert.equal(again[0].range.start.line, 1, 'the error sits on the load() line');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
