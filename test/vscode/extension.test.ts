/**
 * The extension inside a real VS Code extension host: activation on the language, the commands, the language
 * client reaching the running state, diagnostics from the server, and a solve of the quickstart through both the
 * command and the exported API. Runs in the folder of examples the runner opens.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RegressLabApi } from '../../extension/src/api';

const EXTENSION_ID = 'regress-lab.attention-regression-lab';

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the runner opens a workspace folder with the examples');
  return vscode.Uri.joinPath(folder.uri, name);
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
    for (const c of ['regressLab.solve', 'regressLab.checkBounds', 'regressLab.runExperiment', 'regressLab.newProblem', 'regressLab.showResults', 'regressLab.showLogs', 'regressLab.restartServer']) assert.ok(all.has(c), c);
  });

  it('the language client reaches the running state', async () => {
    await until('client running', () => (api.clientState() === 'running' ? true : undefined));
  });

  it('a broken document gets an error diagnostic at the right line from the server', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'regress', content: 'problem attention normalized\nn = 4\nd = 2\nA1 = normal()\nA2 = normal()\nB = simplex()\nsolve gd lr = -1\n' });
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
    const result = (await vscode.commands.executeCommand('regressLab.solve', uri)) as Awaited<ReturnType<RegressLabApi['solve']>>;
    assert.equal(result.runs.length, 1);
    const it = result.runs[0].iterations;
    assert.equal(it[0].k, 0);
    // Every point up to k = 1024, then a thinned trajectory to the last (server/src/solver/trajectory.ts).
    assert.equal(it.at(-1)!.k, result.runs[0].final.iterations);
    assert.ok(it.length >= 1024 && it.length <= result.runs[0].final.iterations + 1, `${it.length} points`);
    // The planted target makes 0 the optimum; 2000 fixed steps of lr = 3 take the loss below 1e-4 of its start.
    assert.ok(result.runs[0].final.loss < 1e-4 * it[0].loss, `final ${result.runs[0].final.loss} vs initial ${it[0].loss}`);
    const status = await until('panel status', () => api.panelStatus(result.runId));
    assert.equal(status.status, 'finished');
    // The result may add the best and the last point to what was streamed.
    assert.ok(status.points >= it.length - 2 && status.points <= it.length, `${status.points} of ${it.length} points streamed to the panel`);
  });

  it('Check bounds solves with the bound checks: no sharp bound fails, the identity holds to rounding', async () => {
    const r = (await vscode.commands.executeCommand('regressLab.checkBounds', workspaceFile('bounds-softmax.regress'), 0)) as Awaited<ReturnType<RegressLabApi['solve']>>;
    const b = r.runs[0].bounds;
    assert.ok(b, 'the run carries its bound checks');
    assert.equal(b.steps.length, r.runs[0].final.iterations);
    assert.equal(b.sharpViolations, 0, b.messages.join(' '));
    assert.ok(b.maxExactnessError < 1e-12, `exactness ${b.maxExactnessError}`);
  });

  it('the API solves one block by index and rejects a document with errors', async () => {
    const r = await api.solve(workspaceFile('compare-methods.regress'), 2);
    assert.deepEqual(r.runs.map((x) => x.index), [2]);
    const bad = await vscode.workspace.openTextDocument({ language: 'regress', content: 'problem attention normalized\nsolve gd lr = 1\n' });
    await assert.rejects(api.solve(bad.uri), /n|d|A1/);
  });

  it('runs an experiment file through the API, and through Solve: every repeat comes back with its checkpoints', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'regress-host-')), 'tiny-experiment.regress');
    writeFileSync(file, 'experiment icl\nn = 4\nd = 3\nbatch = 16\nsteps = 20\nevery = 10\ntasks = 20\netatasks = 20\netacount = 10\nrepeats = 2\n');
    const uri = vscode.Uri.file(file);
    // Open, as a user would: the server runs open documents wherever they are, but reads closed files only inside
    // the workspace folders.
    await vscode.workspace.openTextDocument(uri);
    const r = await api.runExperiment(uri);
    assert.equal(r.stopReason, 'done');
    assert.equal(r.repeats.length, 2);
    assert.deepEqual(r.repeats.map((x) => x.checkpoints.map((c) => c.step)), [[0, 10, 20], [0, 10, 20]]);
    const status = await until('panel status', () => api.panelStatus(r.runId));
    assert.equal(status.status, 'finished');
    assert.equal(status.points, 6, 'every checkpoint streamed to the panel');
    // Solve (and its key binding) on an experiment file runs the experiment: the same seeds give the same repeats.
    const viaSolve = (await vscode.commands.executeCommand('regressLab.solve', uri)) as Awaited<ReturnType<RegressLabApi['runExperiment']>>;
    assert.deepEqual(viaSolve.repeats, r.repeats);
  });
});
