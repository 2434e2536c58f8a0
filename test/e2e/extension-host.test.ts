/**
 * The extension-host suite (test/vscode/) inside a real VS Code offline (CODE_SERVER_VERSION picks which): the page's
 * payload, honoured with code-server's smoke-test driver, loads this build's extension (extensionDevelopmentPath, not
 * installed) and runs its dist-test/vscode/index.js with the real `vscode` API, as @vscode/test-electron would. The
 * exit code arrives through codeAutomationExit; each test's outcome through the JSON file the suite writes.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { DIST, REPO_ROOT } from '../paths';
import { launchChromiumWithProfile } from '../webview/browser';
import { installBuiltExtension, killByCommandLine, makeRunDir, startCodeServer, type CodeServer } from './codeServer';

let server: CodeServer | undefined;
let context: BrowserContext | undefined;
const { runDir, workspace } = makeRunDir('e2e-host');
const results = join(runDir, 'mocha-results.json');

after(async () => {
  await context?.close().catch(() => undefined);
  killByCommandLine(join(runDir, 'chromium-profile'));
  await server?.stop();
});

test('the extension-host mocha suite passes inside code-server', { timeout: 300_000 }, async () => {
  server = await startCodeServer({ runDir, workspace, smokeTestDriver: true, env: { REGRESS_LAB_TEST_RESULTS: results } });
  context = await launchChromiumWithProfile(join(runDir, 'chromium-profile'));
  const page = context.pages()[0] ?? (await context.newPage());
  const exitCode = new Promise<number>((resolve) => void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code)));
  const remote = (p: string) => `vscode-remote://127.0.0.1:${server!.port}${p}`;
  // The bundles of this build (BUILD_ROOT), which need not be the repository's dist/.
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(installBuiltExtension(join(runDir, 'development')))],
    ['extensionTestsPath', remote(join(DIST, '..', 'dist-test', 'vscode', 'index.js'))],
  ]);
  await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`);
  const code = await exitCode;
  await page.screenshot({ path: join(runDir, 'host-suite.png') }).catch(() => undefined);
  assert.ok(existsSync(results), `the suite wrote its results (${results}); see ${join(runDir, 'code-server.log')}`);
  const r = JSON.parse(readFileSync(results, 'utf8')) as { failures: number; outcomes: { title: string; state: string; error?: string }[] };
  const failed = r.outcomes.filter((o) => o.state !== 'passed');
  assert.deepEqual(failed, [], 'every extension-host test passed');
  // Every test of the suite ran, by title, read from the suite's source (a test that silently did not run is missed
  // by any count).
  const source = readFileSync(join(REPO_ROOT, 'test', 'vscode', 'extension.test.ts'), 'utf8');
  const titles = [...source.matchAll(/^\s*it\('((?:[^'\\]|\\.)*)'/gm)].map((m) => m[1].replace(/\\'/g, "'"));
  assert.ok(titles.length >= 7, `titles found in the suite's source: ${titles.length}`);
  assert.equal(r.outcomes.length, titles.length, r.outcomes.map((o) => o.title).join('\n'));
  for (const t of titles)
    assert.ok(
      r.outcomes.some((o) => o.title.endsWith(t)),
      `"${t}" ran`,
    );
  assert.equal(code, 0, 'exit code from the test run');
});
