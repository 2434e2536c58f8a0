/**
 * The extension inside a real VS Code extension host: activation on the language, the commands, the language
 * client reaching the running state, diagnostics from the server, and solves and experiments through both the
 * commands and the exported API. What reached the results panel is read from the panel's own model (the API's
 * panelSnapshot), not counted on the way in. Runs in the folder of examples the runner opens.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RegressLabApi } from '../../extension/src/api';
import { Commands } from '../../protocol/names';
import type { PanelRunSnapshot } from '../../protocol/webview';

const EXTENSION_ID = 'regress-lab.attention-regression-lab';

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the runner opens a workspace folder with the examples');
  return vscode.Uri.joinPath(folder.uri, name);
}

/** A file outside the workspace, opened as a user would: the server runs open documents wherever they are. */
async function openTempFile(name: string, text: string): Promise<vscode.Uri> {
  const file = join(mkdtempSync(join(tmpdir(), 'regress-host-')), name);
  writeFileSync(file, text);
  const uri = vscode.Uri.file(file);
  await vscode.workspace.openTextDocument(uri);
  return uri;
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Attention Regression Lab in the extension host', () => {
  let api: RegressLabApi;

  /** The run as the panel's model holds it, once it reached `status` (the panel applies events as they arrive). */
  const panelRun = (runId: string, status: PanelRunSnapshot['status']) =>
    until(`${runId} ${status} in the panel`, async () => (await api.panelSnapshot()).find((r) => r.runId === runId && r.status === status));

  before(async () => {
    const doc = await vscode.workspace.openTextDocument(workspaceFile('quickstart.regress'));
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'regress', 'the .regress extension maps to our language');
    const ext = vscode.extensions.getExtension<RegressLabApi>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    api = await until('activation', () => (ext.isActive ? ext.exports : undefined));
  });

  it('registers its commands', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    for (const c of Object.values(Commands)) assert.ok(all.has(c), c);
  });

  it('the language client reaches the running state', async () => {
    await until('client running', () => (api.clientState() === 'running' ? true : undefined));
  });

  it('a broken document gets an error diagnostic at the right line from the server', async () => {
    const doc = await vscode.workspace.openTextDocument({
      language: 'regress',
      content: 'problem attention normalized\nn = 4\nd = 2\nA1 = normal()\nA2 = normal()\nB = simplex()\nsolve gd lr = -1\n',
    });
    const diags = await until('diagnostics', () => {
      const d = vscode.languages.getDiagnostics(doc.uri).filter((x) => x.severity === vscode.DiagnosticSeverity.Error);
      return d.length ? d : undefined;
    });
    assert.equal(diags[0].range.start.line, 6, 'on the solve line');
    assert.match(diags[0].message, /lr/);
  });

  it('the Solve command solves the quickstart: the loss falls by four orders of magnitude', async () => {
    const uri = workspaceFile('quickstart.regress');
    await vscode.window.showTextDocument(uri);
    const result = (await vscode.commands.executeCommand(Commands.solve, uri)) as Awaited<ReturnType<RegressLabApi['solve']>>;
    assert.equal(result.runs.length, 1);
    const it = result.runs[0].iterations;
    assert.equal(it[0].k, 0);
    // Every point up to k = 1024, then a thinned trajectory to the last (server/src/solver/trajectory.ts).
    assert.equal(it.at(-1)!.k, result.runs[0].final.iterations);
    assert.ok(it.length >= 1024 && it.length <= result.runs[0].final.iterations + 1, `${it.length} points`);
    // The planted target makes 0 the optimum; 2000 fixed steps of lr = 3 take the loss below 1e-4 of its start.
    assert.ok(result.runs[0].final.loss < 1e-4 * it[0].loss, `final ${result.runs[0].final.loss} vs initial ${it[0].loss}`);
    const status = await until('relay status', () => api.panelStatus(result.runId));
    assert.equal(status.status, 'finished');
    // The result may add the best and the last point to what was streamed.
    assert.ok(status.points >= it.length - 2 && status.points <= it.length, `${status.points} of ${it.length} points relayed`);
    const held = await panelRun(result.runId, 'finished');
    assert.equal(held.kind, 'solve');
    assert.equal(held.points, it.length, 'the panel holds every point of the result');
  });

  it('exports with a target Uri: a part as the panel renders it, exactly the result’s numbers; the whole panel as HTML', async () => {
    const result = await api.solve(workspaceFile('quickstart.regress'));
    await panelRun(result.runId, 'finished');
    const dir = vscode.Uri.file(mkdtempSync(join(tmpdir(), 'regress-export-')));
    // What a chart's context menu passes (its data-vscode-context); the target's extension picks the format.
    const context = {
      webviewSection: 'chart',
      runId: result.runId,
      runTitle: 'quickstart.regress',
      part: 'trajectory',
      formats: 'csv json',
    };
    const json = vscode.Uri.joinPath(dir, 'trajectory.json');
    assert.equal(
      ((await vscode.commands.executeCommand(Commands.exportPart, context, json)) as vscode.Uri | undefined)?.toString(),
      json.toString(),
    );
    const blocks = JSON.parse(readFileSync(json.fsPath, 'utf8')) as { iterations: unknown[] }[];
    assert.deepEqual(blocks[0].iterations, result.runs[0].iterations, 'the panel’s numbers are the result’s');
    const csv = vscode.Uri.joinPath(dir, 'trajectory.csv');
    await vscode.commands.executeCommand(Commands.exportPart, context, csv);
    assert.equal(readFileSync(csv.fsPath, 'utf8').split('\r\n').length, result.runs[0].iterations.length + 2, 'a header, a row per point');
    // A part the card does not have: nothing written, no rejection (the error is shown once).
    const missing = vscode.Uri.joinPath(dir, 'missing.csv');
    assert.equal(await vscode.commands.executeCommand(Commands.exportPart, { ...context, part: 'no such part' }, missing), undefined);
    assert.throws(() => readFileSync(missing.fsPath));

    const html = vscode.Uri.joinPath(dir, 'results.html');
    await vscode.commands.executeCommand(Commands.exportResults, html);
    const text = readFileSync(html.fsPath, 'utf8');
    const payload = JSON.parse(text.match(/<script type="application\/json" id="regress-report"[^>]*>([\s\S]*?)<\/script>/)![1]) as {
      version: number;
      messages: { event: string; runId: string }[];
    };
    assert.equal(payload.version, 2);
    assert.ok(
      payload.messages.some((m) => m.event === 'finished' && m.runId === result.runId),
      'the run is in the report',
    );
    assert.match(text, /<script nonce="[^"]+">/, 'the panel’s bundle is inlined');
  });

  it('a long solve streams its points into the panel while it runs; cancelling through the API keeps them', async () => {
    const text = readFileSync(workspaceFile('quickstart.regress').fsPath, 'utf8').replace(
      /solve gd .*/,
      'solve gd lr = 0.01 steps = 1000000000 gradtol = 0',
    );
    const uri = await openTempFile('long.regress', text);
    const earlier = new Set((await api.panelSnapshot()).map((r) => r.runId));
    const cts = new vscode.CancellationTokenSource();
    const solving = api.solve(uri, undefined, { token: cts.token });
    let first: PanelRunSnapshot, later: PanelRunSnapshot;
    try {
      // No answer yet: whatever the panel holds came from the relayed progress events.
      first = await until('points in the panel while the run goes', async () =>
        (await api.panelSnapshot()).find((r) => !earlier.has(r.runId) && r.status === 'running' && r.points > 10),
      );
      later = await until('more points', async () =>
        (await api.panelSnapshot()).find((r) => r.runId === first.runId && r.points > first.points),
      );
      assert.equal(later.status, 'running');
    } finally {
      // Also when a check failed: the run would hold the server's one run slot and stall the tests after this one.
      cts.cancel();
    }
    const result = await solving;
    assert.equal(result.runId, first.runId);
    assert.equal(result.runs[0].final.stopReason, 'cancelled');
    const held = await panelRun(result.runId, 'cancelled');
    assert.ok(held.points >= later.points, `${held.points} after ${later.points}`);
    assert.equal(held.points, result.runs[0].iterations.length, 'the panel holds every point of the partial result');
  });

  it('Check bounds solves with the bound checks: no sharp bound fails, the identity holds to rounding', async () => {
    const r = (await vscode.commands.executeCommand(Commands.checkBounds, workspaceFile('bounds-softmax.regress'), 0)) as Awaited<
      ReturnType<RegressLabApi['solve']>
    >;
    const b = r.runs[0].bounds;
    assert.ok(b, 'the run carries its bound checks');
    assert.equal(b.steps.length, r.runs[0].final.iterations);
    assert.equal(b.sharpViolations, 0, b.messages.join(' '));
    assert.ok(b.maxExactnessError < 1e-12, `exactness ${b.maxExactnessError}`);
  });

  it('the API solves one block by index and rejects a document with errors', async () => {
    const r = await api.solve(workspaceFile('compare-methods.regress'), 2);
    assert.deepEqual(
      r.runs.map((x) => x.index),
      [2],
    );
    const bad = await vscode.workspace.openTextDocument({
      language: 'regress',
      content: 'problem attention normalized\nsolve gd lr = 1\n',
    });
    await assert.rejects(api.solve(bad.uri), /n|d|A1/);
  });

  it('runs an experiment file through the API, and through Solve: every repeat comes back with its checkpoints', async () => {
    // Open, as a user would: the server reads closed files only inside the workspace folders.
    const uri = await openTempFile(
      'tiny-experiment.regress',
      'experiment icl\nn = 4\nd = 3\nbatch = 16\nsteps = 20\nevery = 10\ntasks = 20\netatasks = 20\netacount = 10\nrepeats = 2\n',
    );
    const r = await api.runExperiment(uri);
    assert.equal(r.stopReason, 'done');
    assert.equal(r.repeats.length, 2);
    assert.deepEqual(
      r.repeats.map((x) => x.checkpoints.map((c) => c.step)),
      [
        [0, 10, 20],
        [0, 10, 20],
      ],
    );
    const status = await until('relay status', () => api.panelStatus(r.runId));
    assert.equal(status.status, 'finished');
    assert.equal(status.points, 6, 'every checkpoint relayed');
    const held = await panelRun(r.runId, 'finished');
    assert.equal(held.kind, 'experiment');
    assert.equal(held.points, 6, 'the panel holds every checkpoint');
    // Solve (and its key binding) on an experiment file runs the experiment: the same seeds give the same repeats.
    const viaSolve = (await vscode.commands.executeCommand(Commands.solve, uri)) as Awaited<ReturnType<RegressLabApi['runExperiment']>>;
    assert.deepEqual(viaSolve.repeats, r.repeats);
  });

  it('Clear Results History empties the panel of ended runs; a run going keeps its card and streams on', async () => {
    const text = readFileSync(workspaceFile('quickstart.regress').fsPath, 'utf8').replace(
      /solve gd .*/,
      'solve gd lr = 0.01 steps = 1000000000 gradtol = 0',
    );
    const uri = await openTempFile('long-clear.regress', text);
    const ended = (await api.panelSnapshot()).filter((r) => r.status !== 'running');
    assert.ok(ended.length >= 3, `the earlier tests' runs are in the panel (${ended.length})`);
    const cts = new vscode.CancellationTokenSource();
    const solving = api.solve(uri, undefined, { token: cts.token });
    try {
      const going = await until('the run in the panel', async () =>
        (await api.panelSnapshot()).find((r) => r.status === 'running' && r.points > 10),
      );
      await vscode.commands.executeCommand(Commands.clearHistory);
      // The panel reloads: a snapshot asked meanwhile is refused, so the probe asks again.
      const after = await until('only the run going, with more points', async () => {
        const runs = await api.panelSnapshot().catch(() => undefined);
        return runs?.length === 1 && runs[0].runId === going.runId && runs[0].points > going.points ? runs : undefined;
      });
      assert.equal(after[0].status, 'running');
    } finally {
      cts.cancel();
    }
    const result = await solving;
    assert.equal((await panelRun(result.runId, 'cancelled')).points, result.runs[0].iterations.length);
    assert.deepEqual(
      (await api.panelSnapshot()).map((r) => r.runId),
      [result.runId],
    );
  });
});
