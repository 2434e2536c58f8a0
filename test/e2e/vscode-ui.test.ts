/**
 * End to end in a real VS Code (code-server) driven by Chromium: the packaged .vsix installed by code-server's own
 * `--install-extension`, the quickstart opened, a diagnostic appearing while typing a mistake, Attention Regression:
 * Solve from the command palette, the results panel drawing a trajectory while it runs and showing the finished one,
 * the notification's speed and time left, Cancel, Check bounds and an experiment, then every run back after a window
 * reload, Clear Results History, an unreadable history file, and exports (a card's trajectory CSV against the CLI's
 * --json, a chart from its context menu, the panel as HTML, through the save dialog). Each test starts from an empty workbench
 * (resetWorkbench). Screenshots and logs stay in the run folder under test-artifacts/. CODE_SERVER_VERSION picks the
 * VS Code (test/e2e/codeServer.ts).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import type { BrowserContext, Frame, Page } from 'playwright-core';
import type { SolveResult } from '../../protocol/results';
import { DIST } from '../paths';
import { launchChromiumWithProfile } from '../webview/browser';
import { packagedVsix } from '../vsix';
import { installVsix, killByCommandLine, makeRunDir, startCodeServer, type CodeServer } from './codeServer';
import { findPanelFrame, openFile, reloadWindow, resetWorkbench, runCommand, STATUS_ITEM, waitForWorkbench } from './workbench';

let server: CodeServer | undefined;
let context: BrowserContext | undefined;
let page: Page;
const { runDir, workspace } = makeRunDir('e2e-ui');

before(async () => {
  // The quickstart with a run far too long to finish (10⁹ steps, no tolerance stop: minutes even at this size, where
  // 10⁷ took seconds), written before the workbench starts so Quick Open's file index has it.
  const quickstart = readFileSync(join(workspace, 'quickstart.regress'), 'utf8');
  writeFileSync(join(workspace, 'long.regress'), quickstart.replace(/solve gd .*/, 'solve gd lr = 0.01 steps = 1000000000 gradtol = 0'));
  // A run of some seconds that ends by itself (10⁷ steps of about a microsecond): many progress events before the answer.
  writeFileSync(join(workspace, 'medium.regress'), quickstart.replace(/solve gd .*/, 'solve gd lr = 0.01 steps = 10000000 gradtol = 0'));
  installVsix(packagedVsix(), runDir);
  server = await startCodeServer({ runDir, workspace });
  context = await launchChromiumWithProfile(join(runDir, 'chromium-profile'));
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(60_000);
  await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
  await waitForWorkbench(page);
});

beforeEach(() => resetWorkbench(page));

after(async () => {
  await page?.screenshot({ path: join(runDir, 'last.png') }).catch(() => undefined);
  await context?.close().catch(() => undefined);
  killByCommandLine(join(runDir, 'chromium-profile'));
  await server?.stop();
});

test('open the quickstart, see a diagnostic, solve, and watch the panel finish', { timeout: 300_000 }, async () => {
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
  // The text is as it was: saved, so closing the editor later asks nothing.
  await page.keyboard.press('Control+S');
  await page.waitForSelector('.tabs-container .tab.active:not(.dirty)');

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

test('the panel draws a solve while it runs: its point count grows before the run is marked finished', { timeout: 180_000 }, async () => {
  await openFile(page, 'medium.regress');
  await runCommand(page, 'Attention Regression: Show Results Panel');
  const panel = await findPanelFrame(page);
  // Every change of the new card's status or drawn point count, recorded in the page as it happens, so no reading
  // depends on when the test looks.
  await panel.evaluate(() => {
    const readings: { status: string; points: number }[] = [];
    Object.assign(window, { readings });
    new MutationObserver(() => {
      const card = [...document.querySelectorAll<HTMLElement>('section.run.solve')].find(
        (c) => c.querySelector('h2')?.textContent === 'medium.regress',
      );
      const chart = card?.querySelector<HTMLElement>('.chart[data-points]');
      if (!card || !chart) return;
      const r = { status: card.dataset.status ?? '', points: Number(chart.dataset.points) };
      const last = readings.at(-1);
      if (last?.status !== r.status || last.points !== r.points) readings.push(r);
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status', 'data-points'] });
  });
  await runCommand(page, 'Attention Regression: Solve');
  const card = panel.locator('section.run.solve[data-status="finished"]', { has: panel.locator('h2', { hasText: 'medium.regress' }) });
  await card.waitFor({ timeout: 120_000 });
  const readings = await panel.evaluate(() => (window as unknown as { readings: { status: string; points: number }[] }).readings);
  const whileRunning = readings.filter((r) => r.status === 'running' && r.points > 0).map((r) => r.points);
  assert.ok(
    whileRunning.length >= 2 && whileRunning.at(-1)! > whileRunning[0],
    `the chart grew while the run went: ${JSON.stringify(readings)}`,
  );
  const final = Number(await card.locator('.chart[data-metric="loss"]').getAttribute('data-points'));
  assert.ok(final >= whileRunning.at(-1)!, `finished with ${final} points drawn`);
  assert.equal(await card.locator('tr[data-run-index="0"]').getAttribute('data-stop-reason'), 'steps');
});

test('the progress notification cancels a long solve; the panel keeps its partial trajectory', { timeout: 180_000 }, async () => {
  await openFile(page, 'long.regress');
  await runCommand(page, 'Attention Regression: Solve');
  const toast = page.locator('.notification-toast', { hasText: 'Solving long.regress' });
  await toast.waitFor();
  const panel = await findPanelFrame(page);
  // Let the chart receive some points first, so the cancel is mid-run.
  await panel.waitForFunction(() => Number(document.querySelector('tr[data-run-index="0"]')?.getAttribute('data-points')) > 10);
  try {
    // The notification gives the speed and the time left once a second of progress came; the status bar the run.
    await toast
      .filter({ hasText: /block 1: k = \d+\/1000000000, loss = \S+ · [\d,.]+ steps\/s · \d[\d hmins]* left/ })
      .waitFor({ timeout: 30_000 });
    await page.locator(`${STATUS_ITEM}:has(.codicon-pulse)`, { hasText: /^\s*1 run · \d+%\s*$/ }).waitFor();
  } finally {
    // Also when a check failed: the run would hold the server's one run slot and stall the tests after this one.
    await toast.locator('.monaco-button', { hasText: 'Cancel' }).click();
  }
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
  const bounds = await rows.evaluateAll((trs) =>
    trs.map((tr) => ({ name: tr.getAttribute('data-bound'), kind: tr.getAttribute('data-kind'), holds: tr.getAttribute('data-holds') })),
  );
  assert.ok(bounds.some((b) => b.name === 'S1') && bounds.some((b) => b.name === 'paper'), JSON.stringify(bounds));
  for (const b of bounds.filter((x) => x.kind !== 'paper')) assert.equal(b.holds, 'true', `${b.name} holds`);
  await page.screenshot({ path: join(runDir, 'bounds.png') });
});

test(
  '▶ Run experiment above the experiment line streams the experiment card to its end; the summary matches the repeats',
  { timeout: 180_000 },
  async () => {
    await openFile(page, 'icl-experiment.regress');
    await page.locator('.codelens-decoration a', { hasText: 'Run experiment' }).first().click();
    const toast = page.locator('.notification-toast', { hasText: 'Running experiment icl-experiment.regress' });
    await toast.waitFor();
    const panel = await findPanelFrame(page);
    // Live: the progress line names a repeat and a step while training runs.
    await panel.waitForFunction(() =>
      /repeat \d\/3 · step \d+\/1000/.test(document.querySelector('section.run.experiment .progress')?.textContent ?? ''),
    );
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
  },
);

/** Every card of the panel, newest first, as the page shows it. */
function cardsOf(panel: Frame) {
  return panel.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('section.run')].map((c) => ({
      runId: c.dataset.runId,
      kind: c.dataset.kind,
      status: c.dataset.status,
      title: c.querySelector('h2')?.textContent,
      points: Number(c.dataset.points),
    })),
  );
}

/** Waits until the panel shows `count` cards, none running (a replay is applied event by event). */
async function allEnded(panel: Frame, count: number) {
  await panel.waitForFunction(
    (n) => document.querySelectorAll('section.run').length === n && !document.querySelector('section.run[data-status="running"]'),
    count,
    { timeout: 60_000 },
  );
}

/** The results history file of this window's workspace (the only workspace here), once written. */
function historyFile(): string | undefined {
  const storage = join(runDir, 'user-data', 'User', 'globalStorage', 'regress-lab.attention-regression-lab');
  const found = existsSync(storage) ? readdirSync(storage).find((f) => /^results-history-[0-9a-f]{16}\.json$/.test(f)) : undefined;
  return found && join(storage, found);
}

test(
  'after Developer: Reload Window the panel is back with every run as it was; Clear Results History empties it; an unreadable history is set aside',
  { timeout: 420_000 },
  async (t) => {
    await openFile(page, 'quickstart.regress');
    await runCommand(page, 'Attention Regression: Solve');
    // This run and those of the tests before, replayed into the new panel: the quickstart, the medium and the cancelled
    // long solve, the bounds, the experiment. The page applies the replay in steps: wait for all of it.
    let panel = await findPanelFrame(page);
    await allEnded(panel, 6);
    const before = await cardsOf(panel);
    assert.deepEqual(
      before.map((c) => c.status).sort(),
      ['cancelled', 'finished', 'finished', 'finished', 'finished', 'finished'],
      JSON.stringify(before),
    );
    assert.equal(before[0].title, 'quickstart.regress');
    const chart = () => panel.locator('section.run').first().locator('.chart[data-metric="loss"]').getAttribute('data-points');
    const quickstartDrawn = await chart();

    // The panel alone (no .regress editor visible), focused: the status item stays, and reads as ours, not a language.
    await runCommand(page, 'View: Close All Editors');
    await page.waitForFunction(() => document.querySelectorAll('.tabs-container .tab').length === 0);
    await runCommand(page, 'Attention Regression: Show Results Panel');
    panel = await findPanelFrame(page);
    await allEnded(panel, before.length);
    await (await panel.frameElement()).click();
    const idle = page.locator(`${STATUS_ITEM}:has(.codicon-graph-line)`, { hasText: /^\s*Regress Lab\s*$/ });
    await idle.waitFor();

    await reloadWindow(page);
    panel = await findPanelFrame(page);
    await allEnded(panel, before.length);
    const after = await cardsOf(panel);
    // Each card as it was; the medium run's 10⁷ steps (some 5,700 points) thinned to the history's 2,000 per block.
    for (const [i, card] of before.entries()) {
      const thinned = card.points > 2001;
      assert.deepEqual(
        { ...after[i], points: thinned ? 0 : after[i].points },
        { ...card, points: thinned ? 0 : card.points },
        `card ${i + 1}`,
      );
      if (!thinned) continue;
      assert.ok(after[i].points > 1000 && after[i].points <= 2001, `${card.title}: ${after[i].points} of ${card.points} points`);
      t.diagnostic(`${card.title}: ${card.points} points, ${after[i].points} after the reload`);
    }
    assert.ok(
      before.some((c) => c.points > 2001),
      'one run was thinned',
    );
    assert.equal(await chart(), quickstartDrawn, 'the quickstart’s chart draws the same points');
    await idle.waitFor();
    await page.screenshot({ path: join(runDir, 'reloaded.png') });

    // The panel's title bar button clears the history: the panel empties, and stays empty after a reload.
    await page.locator('.editor-actions [aria-label*="Clear Results History"]').click();
    await findPanelFrame(page, 30_000, 'empty');
    await reloadWindow(page);
    panel = await findPanelFrame(page, 60_000, 'empty');
    assert.equal(await panel.locator('section.run').count(), 0);

    // An unreadable history file: one message says where it went, and the extension works on.
    await openFile(page, 'quickstart.regress');
    await runCommand(page, 'Attention Regression: Solve');
    await findPanelFrame(page, 60_000, 'finished');
    for (const deadline = Date.now() + 30_000; !historyFile(); await page.waitForTimeout(100))
      if (Date.now() > deadline) throw new Error('no history file was written');
    const file = historyFile()!;
    writeFileSync(file, '{"version": 1, "runs": [');
    await reloadWindow(page);
    const toast = page.locator('.notification-toast', { hasText: 'The saved results history could not be read (not JSON' });
    await toast.waitFor({ timeout: 60_000 });
    const aside = readdirSync(join(file, '..')).find((f) => f.includes('.unreadable-'));
    assert.ok(aside && (await toast.textContent())?.includes(aside), `the message names ${aside}: ${await toast.textContent()}`);
    assert.equal(readFileSync(join(file, '..', aside), 'utf8'), '{"version": 1, "runs": [');
    panel = await findPanelFrame(page, 60_000, 'empty');
    await openFile(page, 'quickstart.regress');
    await runCommand(page, 'Attention Regression: Solve');
    await findPanelFrame(page, 120_000, 'finished');
  },
);

/**
 * A theme of each kind: what to type in the theme picker, the row to pick (VS Code 1.93 says "Default Dark Modern" and
 * "Default High Contrast", 1.139 "Dark Modern" and "Dark High Contrast"), and the class its webviews' <body> gets.
 */
const THEMES = [
  { filter: 'Light Modern', row: /^(Default )?Light Modern$/, kind: 'vscode-light' },
  { filter: 'Dark Modern', row: /^(Default )?Dark Modern$/, kind: 'vscode-dark' },
  { filter: 'High Contrast', row: /^(Default High Contrast|Dark High Contrast)$/, kind: 'vscode-high-contrast' },
];

test(
  'the panel in a light, a dark and a high-contrast theme: its text reads at WCAG AA on the theme’s own background (screenshots kept)',
  { timeout: 240_000 },
  async (t) => {
    await openFile(page, 'bounds-softmax.regress');
    await page.locator('.codelens-decoration a', { hasText: 'Check bounds' }).first().click();
    let panel = await findPanelFrame(page);
    await panel.waitForSelector('section.run[data-status="finished"] table.bounds', { timeout: 120_000 });
    try {
      for (const theme of THEMES) {
        // As a user does: Ctrl+K Ctrl+T (Preferences: Color Theme), part of the theme's name, its row; the webview
        // switches without a reload.
        // The gutter, not the text: a click there focuses the editor without scrolling it sideways.
        await page.click('.monaco-editor .margin');
        await page.keyboard.press('Control+K');
        await page.keyboard.press('Control+T');
        await page.locator('.quick-input-box input').waitFor();
        await page.keyboard.insertText(theme.filter);
        await page
          .locator('.quick-input-list .monaco-list-row')
          .filter({ has: page.locator('.label-name', { hasText: theme.row }) })
          .first()
          .click();
        panel = await findPanelFrame(page);
        // (A high-contrast light body has vscode-high-contrast too.)
        await panel.waitForFunction(
          (kind) => document.body.classList.contains(kind) && !document.body.classList.contains('vscode-high-contrast-light'),
          theme.kind,
          { timeout: 60_000 },
        );
        // The lowest contrast of the card's title, status and table text against the page's background, as rendered.
        const lowest = await panel.evaluate(() => {
          const rgb = (css: string) => (css.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
          const luminance = (c: number[]) =>
            c
              .map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4))
              .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
          const ratio = (a: number[], b: number[]) => {
            const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
            return (hi + 0.05) / (lo + 0.05);
          };
          const background = rgb(getComputedStyle(document.body).backgroundColor);
          const card = document.querySelector('section.run[data-status="finished"]')!;
          const texts = [...card.querySelectorAll<HTMLElement>('h2, .status, table.bounds td, table.bounds th')].filter((e) =>
            e.textContent?.trim(),
          );
          return Math.min(...texts.map((e) => ratio(rgb(getComputedStyle(e).color), background)));
        });
        t.diagnostic(`${theme.kind}: lowest text contrast ${lowest.toFixed(2)}:1`);
        assert.ok(lowest >= 4.5, `${theme.kind}: text contrast ${lowest.toFixed(2)}:1`);
        await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
        await page.screenshot({ path: join(runDir, `panel-${theme.kind}.png`) });
      }
    } finally {
      await page.keyboard.press('Escape');
    }
  },
);

/**
 * The save dialog (code-server's simple file dialog: a quick input holding the path): shows `suggested`, gets `path`
 * typed over it, and the file is written once the notification says so.
 */
async function saveAs(suggested: RegExp, path: string) {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor();
  await page.waitForFunction(
    (re) =>
      new RegExp(re).test((document.querySelector('.quick-input-widget .quick-input-box input') as HTMLInputElement | null)?.value ?? ''),
    suggested.source,
  );
  await input.fill(path);
  await page.keyboard.press('Enter');
  await page.locator('.notification-toast', { hasText: `Exported ${path.slice(path.lastIndexOf('/') + 1)}.` }).waitFor();
}

test(
  'Export: the trajectory CSV from a card’s menu holds the CLI’s --json numbers exactly; a chart saves as SVG from its context menu and as PNG; the panel saves as HTML',
  { timeout: 180_000 },
  async () => {
    await openFile(page, 'quickstart.regress');
    const since = Date.now();
    await runCommand(page, 'Attention Regression: Solve');
    const panel = await findPanelFrame(page);
    // This run's card, not an earlier quickstart run's that the panel replays from the history: started since.
    const runId = await panel
      .waitForFunction(
        (t) =>
          [...document.querySelectorAll<HTMLElement>('section.run.solve[data-status="finished"]')].find(
            (c) => Date.parse(c.querySelector('time')?.getAttribute('datetime') ?? '') >= t,
          )?.dataset.runId,
        since,
        { timeout: 120_000 },
      )
      .then((h) => h.jsonValue());
    const card = panel.locator(`section.run[data-run-id="${runId}"]`);
    await card.locator('button.export').click();
    await card.locator('[role=menuitem][data-part="trajectory"][data-format="csv"]').click();
    const file = join(workspace, 'exported-trajectory.csv');
    // The suggestion: the workspace folder, the run's name, the part and the time.
    await saveAs(/\/quickstart-trajectory-\d{8}-\d{6}\.csv$/, file);
    const [head, ...lines] = readFileSync(file, 'utf8').trimEnd().split('\r\n');
    const columns = head.split(',');
    const rows = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [columns[i], v])));

    const cli = spawnSync(process.execPath, [join(DIST, 'cli.js'), 'solve', join(workspace, 'quickstart.regress'), '--json'], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    assert.equal(cli.status, 0, cli.stderr);
    const iterations = (JSON.parse(cli.stdout) as SolveResult).runs[0].iterations;
    assert.equal(rows.length, iterations.length, 'every point the CLI keeps');
    // The wall time (t) differs between two runs; every other number is the same computation's, to the last bit.
    for (const key of ['k', 'loss', 'gradNorm', 'stepNorm', 'stepSize'] as const)
      iterations.forEach((p, i) => assert.equal(rows[i][key] === '' ? undefined : Number(rows[i][key]), p[key], `${key} at row ${i}`));

    // A chart's context menu: VS Code's own, with the command the manifest contributes to webviews.
    await card.locator('.chart[data-metric="loss"]').click({ button: 'right' });
    // Chosen from the keyboard: the workbench's menu ignores a click that comes right after the one that opened it.
    await page.locator('.monaco-menu .action-item', { hasText: 'Export…' }).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const svgFile = join(workspace, 'exported-loss.svg');
    await saveAs(/\/quickstart-loss-chart-\d{8}-\d{6}\.png$/, svgFile);
    const svg = readFileSync(svgFile, 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/, 'the .svg name chose the SVG format');
    assert.doesNotMatch(svg, /var\(/);

    // The same chart as PNG from the card's menu: drawn inside the webview (its Content-Security-Policy allows it).
    await card.locator('button.export').click();
    await card.locator('[role=menuitem][data-part="loss chart"][data-format="png"]').click();
    const pngFile = join(workspace, 'exported-loss.png');
    await saveAs(/\/quickstart-loss-chart-\d{8}-\d{6}\.png$/, pngFile);
    const png = readFileSync(pngFile);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
    // IHDR: the width, twice the chart's CSS width at least.
    assert.ok(png.readUInt32BE(16) >= 400, `PNG width ${png.readUInt32BE(16)}`);

    // The whole panel as the standalone report, from the palette. From the editor: after a save dialog closes, VS Code
    // gives focus back to the webview a moment later, which would close a palette opened in between.
    await page.click('.monaco-editor .margin');
    await runCommand(page, 'Attention Regression: Export Results…');
    const report = join(workspace, 'exported-results.html');
    await saveAs(/\/regress-results-\d{8}-\d{6}\.html$/, report);
    const html = readFileSync(report, 'utf8');
    assert.match(html, /<script type="application\/json" id="regress-report"/);
    assert.ok(html.includes(JSON.stringify(iterations[1].loss)), 'the report embeds the run’s numbers');
  },
);
