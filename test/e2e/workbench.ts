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
  await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${name}"]`);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`.tabs-container .tab[aria-label*="${name}"]`);
  await page.waitForSelector('.monaco-editor .view-lines');
}

/** Command palette (F1): runs the command with exactly this title. */
export async function runCommand(page: Page, title: string) {
  await page.keyboard.press('F1');
  await page.locator('.quick-input-box input').waitFor();
  await page.keyboard.insertText(title);
  await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${title}"]`);
  await page.keyboard.press('Enter');
}

/**
 * The frame that holds our panel page. A webview is an iframe (URL with /webview/browser/pre/) around a nested
 * frame whose name Playwright keeps as 'pending-frame', so frames are found by their content.
 */
export async function findPanelFrame(page: Page, timeoutMs = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const f of page.frames()) {
      if (!f.url().includes('/webview/') && !f.parentFrame()?.url().includes('/webview/')) continue;
      const ok = await f.evaluate(() => !!document.body?.dataset.panelState).catch(() => false);
      if (ok) return f;
    }
    if (Date.now() > deadline) throw new Error('the results panel did not appear');
    await page.waitForTimeout(250);
  }
}
