/** Driving the VS Code workbench in the browser: Quick Open, the command palette, the editor and webview frames. */
import type { Frame, Page } from 'playwright-core';

export async function waitForWorkbench(page: Page) {
  await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
  await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60_000 });
}

/** Quick Open (Ctrl+P): types the file name and opens the first match. */
export async function openFile(page: Page, name: string) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-box input');
  await input.waitFor();
  await page.keyboard.insertText(name);
  // The focused row, not merely a row: results arrive in steps (recent files first), and Enter opens the focused one.
  await page.waitForSelector(`.quick-input-list .monaco-list-row.focused[aria-label*="${name}"]`);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`.tabs-container .tab[aria-label*="${name}"]`);
  await page.waitForSelector('.monaco-editor .view-lines');
}

/** Command palette (F1): runs the command with exactly this title. */
export async function runCommand(page: Page, title: string) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-box input');
  await input.waitFor();
  // From a webview (the results panel), F1 opens the palette before focus leaves the webview's frame: typing then
  // would go to the page. Focus the input first.
  await input.focus();
  await page.keyboard.insertText(title);
  await page.waitForSelector(`.quick-input-list .monaco-list-row.focused[aria-label*="${title}"]`);
  await page.keyboard.press('Enter');
}

/** The extension's status bar item. */
export const STATUS_ITEM = '[id="regress-lab.attention-regression-lab.regressLab.status"]';

/**
 * Developer: Reload Window, and the workbench back (the page reloads: what was found in it before is gone).
 */
export async function reloadWindow(page: Page) {
  const loaded = page.waitForEvent('load', { timeout: 90_000 });
  await runCommand(page, 'Developer: Reload Window');
  await loaded;
  await waitForWorkbench(page);
}

/**
 * The frame that holds our panel page (with `state`: once its <body data-panel-state> is that). A webview is an iframe
 * (URL with /webview/browser/pre/) around a nested frame whose name Playwright keeps as 'pending-frame', so frames
 * are found by their content.
 */
export async function findPanelFrame(page: Page, timeoutMs = 60_000, state?: string): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const f of page.frames()) {
      if (!f.url().includes('/webview/') && !f.parentFrame()?.url().includes('/webview/')) continue;
      const ok = await f
        .evaluate((want) => (want ? document.body?.dataset.panelState === want : !!document.body?.dataset.panelState), state)
        .catch(() => false);
      if (ok) return f;
    }
    if (Date.now() > deadline) throw new Error(`the results panel did not appear${state ? ` in state ${state}` : ''}`);
    await page.waitForTimeout(250);
  }
}

/**
 * Back to an empty workbench before a test, whatever the last one left: no quick input or menu, no notification, no
 * editor (the results panel is one too; a run reopens it and replays the recent runs).
 */
export async function resetWorkbench(page: Page) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  await runCommand(page, 'Notifications: Clear All Notifications');
  await page.locator('.notification-toast').first().waitFor({ state: 'detached' });
  await runCommand(page, 'View: Close All Editors');
  await page.waitForFunction(() => document.querySelectorAll('.tabs-container .tab').length === 0);
}
