/**
 * `npm run try`: the extension in a real VS Code in the browser, straight from a checkout. Installs code-server (the
 * newest tested version) when it is missing, as `npm run setup:test` does but without the test browser, then serves
 * the examples with the extension installed as from its package, on 127.0.0.1 at a free port, until Ctrl+C.
 *
 * Everything it keeps is in .cache/try/ (gitignored; REGRESS_LAB_TRY_DIR moves it): the VS Code profile and a copy of
 * examples/. The copy is what you edit, so the repository's examples, which the tests read, stay as they are; files
 * already there are kept, so a second run continues where the first stopped. Delete the folder to start afresh.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { bundledVsCode, codeServerInstall, codeServerVersions, startCodeServer } from '../test/e2e/codeServer';
import { EXAMPLES, REPO_ROOT } from '../test/paths';

const version = codeServerVersions()[0];
const dir = process.env.REGRESS_LAB_TRY_DIR ?? join(REPO_ROOT, '.cache', 'try');
const workspace = join(dir, 'examples');
const pidFile = join(dir, 'code-server.pid');
const abort = new AbortController();

function ensureInstalled() {
  try {
    codeServerInstall(version);
  } catch {
    console.log(`Installing code-server ${version} (once, about two minutes)…`);
    const r = spawnSync('bash', [join(REPO_ROOT, 'scripts', 'code-server', 'install.sh'), '--code-server-only', version], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (r.status !== 0) {
      console.error(`try: installing code-server failed (exit ${r.status ?? r.signal})`);
      process.exit(1);
    }
  }
}

/** A code-server left by a run that could not clean up (killed with SIGKILL) would hold the profile: end it. */
function stopLeftover() {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  try {
    if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(join(dir, 'user-data'))) process.kill(-pid, 'SIGKILL');
  } catch {
    /* long gone, or the id now belongs to another process */
  }
  rmSync(pidFile, { force: true });
}

async function main() {
  ensureInstalled();
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, () => abort.abort(s));
  const stopped = new Promise<string>((resolve) => abort.signal.addEventListener('abort', () => resolve(String(abort.signal.reason))));
  stopLeftover();
  cpSync(EXAMPLES, workspace, { recursive: true, force: false });
  const server = await startCodeServer({ runDir: dir, workspace, version, installExtension: true, signal: abort.signal });
  writeFileSync(pidFile, String(server.pid));
  const quickstart = `vscode-remote://127.0.0.1:${server.port}${join(workspace, 'quickstart.regress')}`;
  const url = `${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify([['openFile', quickstart]]))}`;
  console.log(`Attention Regression Lab in VS Code ${bundledVsCode(version)} (code-server ${version}). Open:\n\n  ${url}\n`);
  const shown = relative(process.cwd(), workspace);
  console.log(
    `No password: it listens on 127.0.0.1 only. Your copy of the examples: ${shown.startsWith('..') ? workspace : shown}. Ctrl+C stops it.`,
  );
  const end = await Promise.race([stopped, server.exited.then((code) => `code-server exited (${code})`)]);
  await server.stop();
  rmSync(pidFile, { force: true });
  const crashed = end.startsWith('code-server');
  console.log(crashed ? `${end}; see ${join(dir, 'code-server.log')}` : `Stopped (${end}).`);
  process.exit(crashed ? 1 : 0);
}

main().catch((e: unknown) => {
  console.error(`try: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(abort.signal.aborted ? 0 : 1); // Ctrl+C while code-server was starting is a clean stop too
});
