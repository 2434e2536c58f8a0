/**
 * What a narrow panel shows of its tables (webview/src/priorityColumns.ts): whether anything overflows, which
 * columns stay, and what a row's details disclosure lists once opened from the keyboard.
 */
import type { Page } from 'playwright-core';

/** The panel's width beside the editor, a little under the 500 px it opens at. */
export const NARROW = 480;

/**
 * Every element under `card` wider than its box (scrollWidth > clientWidth) among the card itself and its table
 * wrappers, as "selector: scroll/client"; empty when nothing is cut off or scrolls sideways.
 */
export function overflows(page: Page, card: string): Promise<string[]> {
  return page.$$eval(`${card}, ${card} .table-scroll`, (els) =>
    els.filter((e) => e.scrollWidth > e.clientWidth).map((e) => `${e.className || e.tagName}: ${e.scrollWidth}/${e.clientWidth}`),
  );
}

/** The header texts of `table` the reader can see. */
export function visibleHeaders(page: Page, table: string): Promise<string[]> {
  return page.$$eval(`${table} thead th`, (ths) => ths.filter((th) => th.checkVisibility()).map((th) => th.textContent ?? ''));
}

/** Opens the details row under `row` with the keyboard and returns its [column, value] pairs as shown. */
export async function details(page: Page, row: string): Promise<[string, string][]> {
  const summary = page.locator(`${row} + tr.details summary`);
  await summary.focus();
  await page.keyboard.press('Enter');
  await page.locator(`${row} + tr.details details[open] dd`).first().waitFor({ state: 'visible' });
  return page.$$eval(`${row} + tr.details dt`, (dts) =>
    dts
      .filter((dt) => dt.checkVisibility())
      .map((dt) => [dt.textContent ?? '', dt.nextElementSibling?.textContent ?? ''] as [string, string]),
  );
}
