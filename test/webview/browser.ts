/**
 * Debian's Chromium driven by playwright-core (which downloads nothing), headless, with the flags that keep it
 * off the network on machines without internet. Playwright gives every launch a fresh temporary profile.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { after, before } from 'node:test';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: run \`npm run setup:test\` (installs Debian's chromium) or set CHROMIUM_PATH`);
  // Our cleanup (browser.close in `after`) must run before Playwright's own signal handlers kill the browser.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
}

/** A persistent profile inside `profileDir`, so the run's cleanup can find every process it started by that path. */
export function launchChromiumWithProfile(profileDir: string, viewport = { width: 1400, height: 900 }): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: run \`npm run setup:test\` (installs Debian's chromium) or set CHROMIUM_PATH`);
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
}

/**
 * One browser for the tests of the enclosing suite (or file): launched before them, closed after them, with the
 * artifacts folder `shots` created. Returns a getter, valid inside the tests.
 */
export function chromiumForTests(shots: string): () => Browser {
  let browser: Browser | undefined;
  before(async () => {
    browser = await launchChromium();
    mkdirSync(shots, { recursive: true });
  });
  // Our cleanup (browser.close) must run before Playwright's own signal handlers kill the browser: see launchChromium.
  after(async () => browser?.close());
  return () => browser!;
}
