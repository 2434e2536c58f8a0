/**
 * The VS Code versions the extension claims are the ones the end-to-end suites run: engines.vscode's minimum is the
 * VS Code bundled by the oldest code-server in scripts/code-server/versions (which `npm test` runs the UI and
 * extension-host suites on, besides the newest), and @types/vscode is that minimum in package.json and the lockfile
 * (vsce refuses types newer than the engine; older ones would hide API the minimum lacks).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../paths';
import { bundledVsCode, codeServerInstall, codeServerVersions } from './codeServer';

test('engines.vscode and @types/vscode name the VS Code of the oldest code-server the suites run', (t) => {
  const versions = codeServerVersions();
  assert.ok(versions.length >= 2, `a newest and an oldest version: ${versions.join(', ')}`);
  for (const v of versions) codeServerInstall(v); // each one is installed (npm run setup:test), or this throws
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    engines: { vscode: string };
    devDependencies: Record<string, string>;
  };
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
  const minimum = /^\^(\d+\.\d+)\.0$/.exec(pkg.engines.vscode)?.[1];
  assert.ok(minimum, `engines.vscode is ^MAJOR.MINOR.0: ${pkg.engines.vscode}`);
  const oldest = bundledVsCode(versions[versions.length - 1]);
  assert.equal(oldest.split('.').slice(0, 2).join('.'), minimum, `the oldest code-server bundles VS Code ${oldest}`);
  assert.equal(pkg.devDependencies['@types/vscode'], `${minimum}.0`);
  assert.equal(lock.packages['node_modules/@types/vscode'].version, `${minimum}.0`);
  t.diagnostic(versions.map((v) => `code-server ${v} = VS Code ${bundledVsCode(v)}`).join('; '));
});
