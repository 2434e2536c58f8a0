/**
 * The .vsix that `npm run package` makes (test/vsix.ts packages a copy of the working tree) holds exactly what the
 * extension needs at run time: the manifest, README and LICENSE, every bundle the build puts in dist/ except the CLI,
 * the panel's stylesheet, the grammar, the language configuration and the examples with their data; nothing else (no
 * sources, tests, source maps, node_modules). Its bundles are the production build (`vscode:prepublish`).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DIST, EXAMPLES, REPO_ROOT } from '../paths';
import { packagedVsix, VSIX_NAME, zipEntries, zipRead } from '../vsix';

test('the .vsix holds exactly the bundles, the manifest and the language assets, from the production build', { timeout: 300_000 }, (t) => {
  const vsix = packagedVsix();
  const zip = readFileSync(vsix);
  const entries = zipEntries(zip);
  // The build's bundles, found rather than listed, so a new worker missing from .vscodeignore fails here.
  const bundles = readdirSync(DIST).filter((f) => f.endsWith('.js') && f !== 'cli.js');
  const examples = readdirSync(EXAMPLES, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(EXAMPLES.length + 1));
  const expected = [
    '[Content_Types].xml',
    'extension.vsixmanifest',
    'extension/package.json',
    'extension/readme.md',
    'extension/LICENSE.txt',
    ...bundles.map((b) => `extension/dist/${b}`),
    'extension/dist/webview.css',
    'extension/syntaxes/regress.tmLanguage.json',
    'extension/language-configuration.json',
    ...examples.map((e) => `extension/examples/${e}`),
  ];
  assert.ok(bundles.includes('server.js') && bundles.includes('solverWorker.js'), `bundles found: ${bundles.join(', ')}`);
  assert.deepEqual(entries.map((e) => e.name).sort(), expected.sort());

  const file = (name: string) =>
    zipRead(
      zip,
      entries.find((e) => e.name === name)!,
    ).toString('utf8');
  const manifest = JSON.parse(file('extension/package.json')) as { main: string; engines: { vscode: string } };
  const repo = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { engines: { vscode: string } };
  assert.equal(manifest.main, './dist/extension.js');
  assert.equal(manifest.engines.vscode, repo.engines.vscode);
  for (const b of bundles) {
    const text = file(`extension/dist/${b}`);
    // Development builds end every bundle with a source-map link (the panel's with the whole map inline).
    assert.doesNotMatch(text, /sourceMappingURL/, `${b} is the production build, without source maps`);
  }

  const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  const unpacked = entries.reduce((s, e) => s + e.size, 0);
  const largest = [...entries]
    .sort((a, b) => b.size - a.size)
    .slice(0, 4)
    .map((e) => `${e.name.replace('extension/', '')} ${kib(e.size)}`);
  t.diagnostic(
    `${VSIX_NAME}: ${kib(statSync(vsix).size)}, ${entries.length} entries, ${kib(unpacked)} unpacked; largest: ${largest.join(', ')}`,
  );
});
