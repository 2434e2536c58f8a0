/**
 * End to end in a real VS Code (code-server) driven by Chromium: the packaged .vsix installed by code-server's own
 * `--install-extension`, the quickstart opened, a diagnostic appearing while typing a mistake, Attention Regression:
 * Solve from the command palette, and the results panel showing the finished trajectory. Screenshots and logs stay
 * in the run folder under test-artifacts/. CODE_SERVER_VERSION picks the VS Code (test/e2e/codeServer.ts).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromiumWithProfile } from '../webview/browser';
import { packagedVsix } from '../vsix';
import { installVsix, killByCommandLine, makeRunDir, startCodeServer, type CodeServer } from './codeServer';
import { findPanelFrame, openFile, runCommand, waitForWorkbench } from './workbench';

let server: CodeServer | undefined;
let context: BrowserContext | undefined;
let page: Page;
const { runDir, workspace } = makeRunDir('e2e-ui');

before(async () => {
  // The quickstart with a run far too long to finish (10⁹ steps, no tolerance stop: minutes even at this size, where
  // 10⁷ took seconds), written before the workbench starts so Quick Open's file index has it.
  const long = readFileSync(join(workspace, 'quickstart.regress'), 'utf8').replace(/solve gd .*/, 'solve gd lr = 0.01 steps = 1000000000 gradtol = 0');
  writeFileSync(join(workspace, 'long.regress'), long);
  installVsix(packagedVsix(), runDir);
  server = await startCodeServer({ runDir, workspace });
  context = await launchChromiumWithProfile(join(runDir, 'chromium-profile'));
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(60_000);
});

after(async () => {
  await page?.screenshot({ path: join(runDir, 'last.png') }).catch(() => undefined);
  await context?.close().catch(() => undefined);
  killByCommandLine(join(runDir, 'chromium-profile'));
  await server?.stop();
});

test('open the quickstart, see a diagnostic, solve, and watch the panel finish', { timeout: 300_000 }, async () => {
  await page.goto(`${server!.url}/?folder=${encodeURIComponent(workspace)}`);
  await waitForWorkbench(page);
  await openFile(page, 'quickstart.regress');
  // The grammar is active: the language mode in the status bar is ours.
  await page.waitForSelector('.statusbar-item[id="status.editor.mode"] >> text=Regress');

  // A mistake typed at the end of the file becomes an error squiggle from the language server; deleting it clears it.
  await page.click('.monaco-editor .view-lines');
  await page.keyboard.press('Control+End');
  await page.keyboard.insertText('\nsolve gd lr = -1');
  await page.waitForSelector('.monaco-editor .squiggly-error', { timeout: 60_000 });
  await page.screenshot({ path: join(runDir, 'diagnostic.png') });
  await page.keyboard.press('Shift+Home');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.waitForFunction(() => document.querySelectorAll('.monaco-editor .squiggly-error').length === 0);

  await runCommand(page, 'Attention Regression: Solve');
  const panel = await findPanelFrame(page);
  await panel.waitForSelector('body[data-panel-state="finished"]', { timeout: 120_000 });
  const row = panel.locator('tr[data-run-index="0"]');
  const points = Number(await row.getAttribute('data-points'));
  const k = Number((await row.locator('td').nth(3).textContent())?.split('/')[0]);
  // Every iteration up to k = 1024 is drawn, then a thinned trajectory up to the last one (solver/trajectory.ts).
  assert.equal(k, 2000);
  assert.ok(points >= 1024 && points < k + 1, `the trajectory is drawn, thinned after k = 1024 (${points} points for k = 0…${k})`);
  assert.equal(await row.getAttribute('data-stop-reason'), 'steps');
  const finalLoss = Number(await row.locator('td').nth(5).textContent());
  const initialLoss = Number(await row.locator('td').nth(4).textContent());
  assert.ok(finalLoss < 1e-4 * initialLoss, `the loss fell from ${initialLoss} to ${finalLoss}`);
  await page.screenshot({ path: join(runDir, 'solved.png') });
  await (await panel.frameElement()).screenshot({ path: join(runDir, 'panel.png') });
});

test('the progress notification cancels a long solve; the panel keeps its partial trajectory', { timeout: 180_000 }, async () => {
  await openFile(page, 'long.regress');
  await runCommand(page, 'Attention Regression: Solve');
  const toast = page.locator('.notification-toast', { hasText: 'Solving long.regress' });
  await toast.waitFor();
  const panel = await findPanelFrame(page);
  // Let the chart receive some points first, so the cancel is mid-run.
  await panel.waitForFunction(() => Number(document.querySelector('tr[data-run-index="0"]')?.getAttribute('data-points')) > 10);
  await toast.locator('.monaco-button', { hasText: 'Cancel' }).click();
  await panel.waitForSelector('body[data-panel-state="cancelled"]', { timeout: 30_000 });
  await toast.waitFor({ state: 'detached' });
  const row = panel.locator('section.run[data-status="cancelled"] tr[data-run-index="0"]');
  assert.equal(await row.getAttribute('data-stop-reason'), 'cancelled');
  const points = Number(await row.getAttribute('data-points'));
  assert.ok(points > 10 && points < 15_000, `partial, thinned trajectory kept (${points} points)`);
  assert.match((await row.locator('td').nth(2).textContent()) ?? '', /^cancelled at k = \d+$/);
  await page.screenshot({ path: join(runDir, 'cancelled.png') });
});

test('▶ Check bounds above a solve block shows the bound table: every sharp bound holds', { timeout: 180_000 }, async () => {
  await openFile(page, 'bounds-softmax.regress');
  await page.locator('.codelens-decoration a', { hasText: 'Check bounds' }).first().click();
  const panel = await findPanelFrame(page);
  await panel.waitForSelector('section.run[data-status="finished"] table.bounds[data-run-index="0"]', { timeout: 120_000 });
  const rows = panel.locator('section.run[data-status="finished"] table.bounds[data-run-index="0"] tr[data-bound]');
  const bounds = await rows.evaluateAll((trs) => trs.map((tr) => ({ name: tr.getAttribute('data-bound'), kind: tr.getAttribute('data-kind'), holds: tr.getAttribute('data-holds') })));
  assert.ok(bounds.some((b) => b.name === 'S1') && bounds.some((b) => b.name === 'paper'), JSON.stringify(bounds));
  for (const b of bounds.filter((x) => x.kind !== 'paper')) assert.equal(b.holds, 'true', `${b.name} holds`);
  await page.screenshot({ path: join(runDir, 'bounds.png') });
});

test('▶ Run experiment above the experiment line streams the experiment card to its end; the summary matches the repeats', { timeout: 180_000 }, async () => {
  await openFile(page, 'icl-experiment.regress');
  await page.locator('.codelens-decoration a', { hasText: 'Run experiment' }).first().click();
  const toast = page.locator('.notification-toast', { hasText: 'Running experiment icl-experiment.regress' });
  await toast.waitFor();
  const panel = await findPanelFrame(page);
  // Live: the progress line names a repeat and a step while training runs.
  await panel.waitForFunction(() => /repeat \d\/3 · step \d+\/1000/.test(document.querySelector('section.run.experiment .progress')?.textContent ?? ''));
  const card = panel.locator('section.run.experiment[data-status="finished"]');
  await card.waitFor({ timeout: 120_000 });
  assert.equal(await card.getAttribute('data-stop-reason'), 'done');
  const rows = card.locator('table.icl-repeats tr[data-repeat]');
  assert.equal(await rows.count(), 3);
  for (let i = 0; i < 3; i++) assert.equal(await rows.nth(i).getAttribute('data-step'), '1000');
  const summary = card.locator('tr.icl-summary');
  assert.equal(await summary.getAttribute('data-step'), '1000');
  assert.equal(await summary.getAttribute('data-count'), '3');
  // The trained layer turned towards the GD step (docs/experiment.md): Model Cos well above 0 on average.
  const cos = Number(await summary.locator('td[data-quantity="modelCos"]').getAttribute('data-mean'));
  assert.ok(cos > 0.5, `Model Cos ${cos}`);
  await toast.waitFor({ state: 'detached' });
  await (await panel.frameElement()).screenshot({ path: join(runDir, 'experiment.png') });
});
