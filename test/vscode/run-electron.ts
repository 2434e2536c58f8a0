/**
 * `npm run test:vscode`: the extension-host suite under @vscode/test-electron, which downloads a VS Code build
 * (networked machines only; offline, test/e2e/extension-host.test.ts runs the same suite in code-server).
 */
import { runTests } from '@vscode/test-electron';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../paths';

async function main() {
  const workspace = mkdtempSync(join(tmpdir(), 'regress-vscode-'));
  cpSync(join(REPO_ROOT, 'examples'), workspace, { recursive: true });
  await runTests({
    extensionDevelopmentPath: REPO_ROOT,
    extensionTestsPath: join(REPO_ROOT, 'dist-test', 'vscode', 'index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
