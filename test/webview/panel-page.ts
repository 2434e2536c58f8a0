/**
 * Loads the built results panel into a Chromium page the way VS Code does: the real HTML shell and CSP from
 * common/panelPage.ts, the real bundle, and a stubbed acquireVsCodeApi that records what the panel posts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { FromPanel, PanelRunSnapshot, ReportPayload, ToPanel } from '../../protocol/webview';
import { makeNonce, renderPanelHtml } from '../../common/panelPage';
import { DIST } from '../paths';

declare global {
  interface Window {
    __posted: FromPanel[];
    __state: unknown;
    __csp: string[];
    /** With `trackResizeObservers`: every element a ResizeObserver of the page reported, in order. */
    __resized: Element[];
    /** The browser's own ResizeObserver, for a test's observer that must not count. */
    __NativeResizeObserver: typeof ResizeObserver;
  }
}

export interface PanelPage {
  page: Page;
  send(m: ToPanel): Promise<void>;
  posted(): Promise<FromPanel[]>;
  /** Asks the panel what its model holds, as the host does, and waits for the answer. */
  snapshot(): Promise<PanelRunSnapshot[]>;
  cspViolations(): Promise<string[]>;
}

let requests = 0;

export async function openPanel(
  browser: Browser,
  opts: { state?: unknown; width?: number; trackResizeObservers?: boolean } = {},
): Promise<PanelPage> {
  const page = await browser.newPage({ viewport: { width: opts.width ?? 900, height: 900 } });
  if (opts.trackResizeObservers) {
    await page.addInitScript(() => {
      window.__resized = [];
      window.__NativeResizeObserver = ResizeObserver;
      window.ResizeObserver = class extends window.__NativeResizeObserver {
        constructor(callback: ResizeObserverCallback) {
          super((entries, observer) => {
            window.__resized.push(...entries.map((e) => e.target));
            callback(entries, observer);
          });
        }
      };
    });
  }
  await page.addInitScript((state) => {
    window.__posted = [];
    window.__state = state;
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective}: ${e.blockedURI}`));
    let acquired = false;
    (window as unknown as { acquireVsCodeApi(): unknown }).acquireVsCodeApi = () => {
      if (acquired) throw new Error('acquireVsCodeApi called twice'); // VS Code enforces this too
      acquired = true;
      return {
        postMessage: (m: FromPanel) => window.__posted.push(m),
        getState: () => window.__state,
        setState: (s: unknown) => (window.__state = s),
      };
    };
  }, opts.state);
  await serve(page, panelHtml());
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'));
  return {
    page,
    // VS Code delivers host messages to the webview as window 'message' events.
    send: (m) => page.evaluate((msg) => window.postMessage(msg, '*'), m),
    posted: () => page.evaluate(() => window.__posted),
    snapshot: async () => {
      const requestId = ++requests;
      await page.evaluate((id) => window.postMessage({ event: 'snapshot', requestId: id }, '*'), requestId);
      const answer = await page.waitForFunction(
        (id) => window.__posted.find((m) => m.type === 'snapshot' && m.requestId === id),
        requestId,
      );
      return ((await answer.jsonValue()) as Extract<FromPanel, { type: 'snapshot' }>).runs;
    },
    cspViolations: () => page.evaluate(() => window.__csp),
  };
}

/**
 * The standalone report's page for `messages`, as the CLI writes it (no VS Code API: the panel replays the embedded
 * messages instead of listening). CSP violations are collected as in openPanel.
 */
export async function openReport(browser: Browser, messages: ToPanel[], opts: { width?: number } = {}): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: opts.width ?? 900, height: 900 } });
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective}: ${e.blockedURI}`));
  });
  await serve(page, panelHtml({ version: 2, generatedAt: new Date().toISOString(), messages }));
  return page;
}

function panelHtml(report?: ReportPayload): string {
  return renderPanelHtml({
    title: 'Regression Results',
    cspSource: '',
    nonce: makeNonce(),
    script: { inline: readFileSync(join(DIST, 'webview.js'), 'utf8') },
    style: { inline: readFileSync(join(DIST, 'webview.css'), 'utf8') },
    report,
  });
}

/**
 * Served from a routed URL (nothing reaches the network) so the init script runs in the panel's document,
 * as it would not with setContent on the already-created blank page.
 */
async function serve(page: Page, html: string): Promise<void> {
  const url = 'http://regress-panel.test/index.html';
  await page.route(url, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }));
  await page.goto(url);
}

/** Counts canvas pixels close to an RGB colour inside `selector` (antialiased lines: a tolerance per channel). */
export function countColoredPixels(page: Page, selector: string, rgb: [number, number, number], tolerance = 40): Promise<number> {
  return page.evaluate(
    ({ selector, rgb, tolerance }) => {
      const canvas = document.querySelector(`${selector} canvas`) as HTMLCanvasElement | null;
      if (!canvas) return -1;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (
          data[i + 3] > 128 &&
          Math.abs(data[i] - rgb[0]) <= tolerance &&
          Math.abs(data[i + 1] - rgb[1]) <= tolerance &&
          Math.abs(data[i + 2] - rgb[2]) <= tolerance
        )
          n++;
      }
      return n;
    },
    { selector, rgb, tolerance },
  );
}

/**
 * What VS Code does for a dark theme: the vscode-dark body class, and the theme's colours as CSS variables on <html>
 * (those webview/src/panel.css and theme.ts read; values of VS Code's Dark Modern theme).
 */
export function useDarkTheme(page: Page): Promise<void> {
  return page.evaluate(() => {
    const vars: Record<string, string> = {
      '--vscode-foreground': '#cccccc',
      '--vscode-editor-background': '#1f1f1f',
      '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-panel-border': '#2b2b2b',
      '--vscode-errorForeground': '#f85149',
      '--vscode-testing-iconPassed': '#73c991',
      '--vscode-editorWarning-foreground': '#cca700',
      '--vscode-button-background': '#0078d4',
      '--vscode-button-foreground': '#ffffff',
    };
    for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
    document.body.className = 'vscode-dark';
  });
}
