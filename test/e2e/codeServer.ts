/**
 * A real VS Code for end-to-end tests on machines without internet: code-server (from the npm registry, installed
 * by scripts/code-server/install.sh) on Node 24, started on loopback in its own process group, with every folder it
 * writes (user data, extensions, XDG dirs, TMPDIR) inside one run folder under test-artifacts/. The built
 * extension is copied into the extensions folder as it would be installed from the .vsix.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ARTIFACTS, REPO_ROOT } from '../paths';

const CODE_SERVER_VERSION = '4.139.1';

export interface CodeServer {
  url: string;
  port: number;
  runDir: string;
  workspace: string;
  stop(): Promise<void>;
}

function installDir(): string {
  const cache = process.env.REGRESS_LAB_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'regress-lab');
  return join(cache, `code-server-${CODE_SERVER_VERSION}`);
}

/** Node 24 and code-server's entry point, or a message saying how to install them. */
export function codeServerInstall(): { node: string; entry: string } {
  const dir = installDir();
  const stamp = join(dir, '.installed');
  const entry = join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!existsSync(stamp) || !existsSync(entry)) throw new Error(`code-server ${CODE_SERVER_VERSION} is not installed in ${dir}: run \`npm run setup:test\``);
  return { node: readFileSync(stamp, 'utf8').trim(), entry };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A fresh run folder, test-artifacts/<name>-<time>, with a workspace holding copies of the examples. */
export function makeRunDir(name: string): { runDir: string; workspace: string } {
  const runDir = join(ARTIFACTS, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const workspace = join(runDir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  cpSync(join(REPO_ROOT, 'examples'), workspace, { recursive: true });
  return { runDir, workspace };
}

/**
 * Copies the built extension into `extensionsDir` as `<publisher>.<name>-<version>`: exactly the files the .vsix
 * holds (the `!path` whitelist of .vscodeignore), so a file missing from the package fails here too.
 */
export function installBuiltExtension(extensionsDir: string): string {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  const target = join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  const whitelist = readFileSync(join(REPO_ROOT, '.vscodeignore'), 'utf8').split('\n').filter((l) => l.startsWith('!') && !l.includes('*')).map((l) => l.slice(1).trim());
  for (const f of whitelist) if (existsSync(join(REPO_ROOT, f))) cpSync(join(REPO_ROOT, f), join(target, f), { recursive: true });
  return target;
}

export async function startCodeServer(opts: { runDir: string; workspace: string; installExtension: boolean; extraArgs?: string[]; env?: Record<string, string> }): Promise<CodeServer> {
  const { node, entry } = codeServerInstall();
  const { runDir, workspace } = opts;
  const userData = join(runDir, 'user-data');
  const extensions = join(runDir, 'extensions');
  const tmp = join(runDir, 'tmp');
  for (const d of [userData, extensions, tmp, join(userData, 'User'), join(runDir, 'xdg-data'), join(runDir, 'xdg-config'), join(runDir, 'xdg-cache')]) mkdirSync(d, { recursive: true });
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoUpdate': false,
        'extensions.autoCheckUpdates': false,
        'security.workspace.trust.enabled': false,
        'chat.disableAIFeatures': true,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'window.restoreWindows': 'none',
        'git.openRepositoryInParentFolders': 'never',
      },
      null,
      2,
    ),
  );
  if (opts.installExtension) installBuiltExtension(extensions);
  writeFileSync(join(runDir, 'config.yaml'), 'auth: none\n');
  const port = await freePort();
  const log = openSync(join(runDir, 'code-server.log'), 'a');
  const child: ChildProcess = spawn(
    node,
    [
      entry, '--config', join(runDir, 'config.yaml'), '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
      '--user-data-dir', userData, '--extensions-dir', extensions, '--disable-telemetry', '--disable-update-check',
      '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened', ...(opts.extraArgs ?? []), workspace,
    ],
    {
      detached: true, // its own process group: the extension host and language server are stopped with it
      stdio: ['ignore', log, log],
      env: {
        ...process.env,
        XDG_DATA_HOME: join(runDir, 'xdg-data'),
        XDG_CONFIG_HOME: join(runDir, 'xdg-config'),
        XDG_CACHE_HOME: join(runDir, 'xdg-cache'),
        TMPDIR: tmp,
        EXTENSIONS_GALLERY: '{}',
        ...opts.env,
      },
    },
  );
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.pid && exited === undefined) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      const deadline = Date.now() + 5000;
      while (exited === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  };
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exited !== undefined) throw new Error(`code-server exited (${exited}) before it was ready; see ${join(runDir, 'code-server.log')}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer /healthz within 120 s; see ${join(runDir, 'code-server.log')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, port, runDir, workspace, stop };
}

/** Ends leftover processes whose command line mentions `marker` (Chromium's crashpad handler re-parents to PID 1). */
export function killByCommandLine(marker: string) {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (Number(pid) === process.pid) continue;
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes(marker)) process.kill(Number(pid), 'SIGKILL');
    } catch {
      /* exited meanwhile, or not ours */
    }
  }
}
