import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { RunErrorCodes } from '../../protocol/lsp';
import { EXAMPLES } from '../paths';
import { TestClient } from './lsp-client';
import { failure, initializeIn, openPath, within } from './workspace';
import { TINY_EXPERIMENT } from '../tinyExperiment';

const QUICK = readFileSync(join(EXAMPLES, 'quickstart.regress'), 'utf8').replace('steps = 2000', 'steps = 20');
/** A problem whose A1 comes from a data file, with a misspelt generator on the line after. */
const LOADING = 'problem attention normalized\nn = 3\nd = 2\nA1 = load("data.csv")\nA2 = nromal()\nB = simplex()\nsolve gd steps = 5\n';

let ws: string;
before(() => {
  ws = mkdtempSync(join(tmpdir(), 'regress-trust-'));
  writeFileSync(join(ws, 'data.csv'), '1,0\n0,1\n1,1\n');
});
after(() => rmSync(ws, { recursive: true, force: true }));

const warnings = (client: TestClient) => client.logged(2);
const solve = (client: TestClient, uri: string, runId: string) => within(client.solve({ textDocument: { uri }, runId }), `solve ${runId}`);

test('settings: invalid maxConcurrentRuns and diagnosticsDelayMs fall back to their defaults with a warning; solves and diagnostics still come', async () => {
  const client = new TestClient();
  try {
    await client.initialize({ maxConcurrentRuns: 0, diagnosticsDelayMs: 2e9 });
    await client.waitFor(() => warnings(client).length >= 2, 'two warnings');
    assert.deepEqual(warnings(client), [
      'regressLab.diagnostics.delayMs: 2000000000 is not a whole number from 0 to 5000; using 200',
      'regressLab.solver.maxConcurrentRuns: 0 is not a whole number from 1 to 16; using 1',
    ]);
    const uri = client.open('settings.regress', QUICK);
    assert.equal((await solve(client, uri, 'after-zero')).runs[0].final.iterations, 20);
    client.change(uri, `${QUICK}# edited\n`, 2);
    await client.diagnosticsFor(uri, 2);

    for (const bad of [-1, 2.5, 'two', 1e9, null]) {
      await client.connection.sendNotification('workspace/didChangeConfiguration', {
        settings: { regressLab: { solver: { maxConcurrentRuns: bad } } },
      });
      const shown = typeof bad === 'string' ? JSON.stringify(bad) : String(bad);
      await client.waitFor(
        () => warnings(client).includes(`regressLab.solver.maxConcurrentRuns: ${shown} is not a whole number from 1 to 16; using 1`),
        `the warning for ${shown}`,
      );
      assert.equal((await solve(client, uri, `after-${shown}`)).runs[0].final.iterations, 20);
    }
    // A valid value is taken silently.
    const before = warnings(client).length;
    await client.connection.sendNotification('workspace/didChangeConfiguration', {
      settings: { regressLab: { solver: { maxConcurrentRuns: 4 } } },
    });
    assert.equal((await solve(client, uri, 'after-4')).runs[0].final.iterations, 20);
    assert.equal(warnings(client).length, before);
  } finally {
    await client.close();
  }
});

test('trust: in an untrusted workspace diagnostics work but load() reads nothing, and runs are refused', async () => {
  const client = new TestClient();
  try {
    await initializeIn(client, ws, { trusted: false, diagnosticsDelayMs: 20 });
    const uri = openPath(client, join(ws, 'loading.regress'), LOADING);
    const errors = (await client.diagnosticsFor(uri, 1)).diagnostics.filter((d) => d.severity === 1);
    assert.deepEqual(
      errors.map((d) => [d.range.start.line, d.range.start.character, d.message]),
      [
        [3, 10, 'Loading data files needs a trusted workspace (Workspace Trust)'],
        [4, 5, "Unknown generator or name 'nromal' (did you mean 'normal'?)"],
      ],
    );
    const problem = openPath(client, join(ws, 'quick.regress'), QUICK);
    const experiment = openPath(client, join(ws, 'tiny.regress'), TINY_EXPERIMENT);
    const runs = [
      client.solve({ textDocument: { uri: problem }, runId: 'untrusted-1' }),
      client.experiment({ textDocument: { uri: experiment }, runId: 'untrusted-2' }),
      client.solve({ textDocument: { uri: `${problem}.closed` }, runId: 'untrusted-3' }),
    ];
    for (const [i, run] of runs.entries()) {
      const e = await failure(run, `run ${i + 1} when untrusted`);
      assert.equal(e.code, RunErrorCodes.untrusted);
      assert.equal(e.code, -32005);
      assert.match(e.message, /^This folder is not trusted: .*trust the folder/);
    }
    assert.equal(client.started().length, 0);
  } finally {
    await client.close();
  }
});

test('trust: trusted: true, and no trusted option at all (other editors), load data files and run', async () => {
  for (const options of [{ trusted: true }, {}]) {
    const client = new TestClient();
    try {
      await initializeIn(client, ws, { ...options, diagnosticsDelayMs: 20 });
      const uri = openPath(client, join(ws, 'loading.regress'), LOADING.replace('nromal()', 'A1'));
      assert.deepEqual(
        (await client.diagnosticsFor(uri, 1)).diagnostics.filter((d) => d.severity === 1),
        [],
        JSON.stringify(options),
      );
      assert.equal((await solve(client, uri, 'trusted')).runs[0].final.iterations, 5);
    } finally {
      await client.close();
    }
  }
});
