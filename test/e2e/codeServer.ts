/**
 * A real VS Code on machines without internet: code-server (from the npm registry, installed by
 * scripts/code-server/install.sh, one folder per version) on the Node its version asks for, started on loopback in its
 * own process group, with every folder it writes (user data, extensions, XDG dirs, TMPDIR) inside one run folder.
 * The end-to-end tests use fresh run folders under test-artifacts/; `npm run try` (scripts/try.ts) one it keeps.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ARTIFACTS, DIST, REPO_ROOT } from '../paths';

export interface CodeServer {
  url: string;
  port: number;
  /** Process id and process group of code-server's main process. */
  pid: number;
  version: string;
  runDir: string;
  workspace: string;
  /** Settles when code-server's main process exits, with its exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** The versions the end-to-end suites run on (scripts/code-server/versions): the newest first, the oldest last. */
export function codeServerVersions(): string[] {
  const text = readFileSync(join(REPO_ROOT, 'scripts', 'code-server', 'versions'), 'utf8');
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

/** CODE_SERVER_VERSION: an exact version, or `newest` / `oldest` of the tested ones; the newest when unset. */
export function codeServerVersion(): string {
  const versions = codeServerVersions();
  const wanted = process.env.CODE_SERVER_VERSION || 'newest';
  if (wanted === 'newest') return versions[0];
  if (wanted === 'oldest') return versions[versions.length - 1];
  return wanted;
}

function cacheDir(): string {
  return process.env.REGRESS_LAB_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'regress-lab');
}

/** The VS Code version an installed code-server bundles. */
export function bundledVsCode(version = codeServerVersion()): string {
  const pkg = join(cacheDir(), `code-server-${version}`, 'node_modules', 'code-server', 'lib', 'vscode', 'package.json');
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

/** The Node and code-server's entry point of an installed version, or a message saying how to install it. */
export function codeServerInstall(version = codeServerVersion()): { node: string; entry: string } {
  const dir = join(cacheDir(), `code-server-${version}`);
  const stamp = join(dir, '.installed');
  const entry = join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!existsSync(stamp) || !existsSync(entry))
    throw new Error(
      `code-server ${version} is not installed in ${dir}: run \`npm run setup:test\` (or \`bash scripts/code-server/install.sh ${version}\`)`,
    );
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

/** A fresh run folder, test-artifacts/<name>-<version>-<time>, with a workspace holding copies of the examples. */
export function makeRunDir(name: string): { runDir: string; workspace: string } {
  const runDir = join(ARTIFACTS, `${name}-${codeServerVersion()}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const workspace = join(runDir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  cpSync(join(REPO_ROOT, 'examples'), workspace, { recursive: true });
  return { runDir, workspace };
}

/**
 * Copies the built extension into `extensionsDir` as `<publisher>.<name>-<version>`, replacing an older copy: exactly
 * the files the .vsix holds (the `!path` whitelist of .vscodeignore), the bundles from this build's dist/ (BUILD_ROOT),
 * so a file missing from the package fails here too.
 */
export function installBuiltExtension(extensionsDir: string): string {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  const target = join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  rmSync(target, { recursive: true, force: true });
  const whitelist = readFileSync(join(REPO_ROOT, '.vscodeignore'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('!') && !l.includes('*'))
    .map((l) => l.slice(1).trim());
  for (const f of whitelist) {
    const from = f.startsWith('dist/') ? join(DIST, f.slice('dist/'.length)) : join(REPO_ROOT, f);
    if (existsSync(from)) cpSync(from, join(target, f), { recursive: true });
  }
  return target;
}

/** The folders of a run, and the environment that keeps code-server's writes inside it. */
function runLayout(runDir: string) {
  const dirs = {
    userData: join(runDir, 'user-data'),
    extensions: join(runDir, 'extensions'),
    tmp: join(runDir, 'tmp'),
    config: join(runDir, 'config.yaml'),
  };
  const env = {
    XDG_DATA_HOME: join(runDir, 'xdg-data'),
    XDG_CONFIG_HOME: join(runDir, 'xdg-config'),
    XDG_CACHE_HOME: join(runDir, 'xdg-cache'),
    TMPDIR: dirs.tmp,
    EXTENSIONS_GALLERY: '{}',
  };
  for (const d of [
    dirs.userData,
    dirs.extensions,
    dirs.tmp,
    join(dirs.userData, 'User'),
    ...Object.values(env).filter((v) => v.startsWith(runDir)),
  ])
    mkdirSync(d, { recursive: true });
  writeFileSync(dirs.config, 'auth: none\n');
  return { ...dirs, env: { ...process.env, ...env } };
}

/** Installs a packaged .vsix with code-server's own installer, as a user would (`--install-extension`). */
export function installVsix(vsix: string, runDir: string, version = codeServerVersion()): void {
  const { node, entry } = codeServerInstall(version);
  const { userData, extensions, config, env } = runLayout(runDir);
  execFileSync(
    node,
    [entry, '--config', config, '--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', vsix],
    { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 },
  );
}

/** Settings that silence first-run UI and keep the workbench off the network. */
const SETTINGS = {
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
};

export interface StartOptions {
  runDir: string;
  workspace: string;
  /** Default: CODE_SERVER_VERSION, else the newest tested version. */
  version?: string;
  /** Copy the built extension in (installBuiltExtension); installVsix installs the real package instead. */
  installExtension?: boolean;
  /** Lets the page's payload load an extension under development and its tests (the extension-host suite). */
  smokeTestDriver?: boolean;
  env?: Record<string, string>;
  /** Stops code-server and rejects if aborted while it starts. */
  signal?: AbortSignal;
}

export async function startCodeServer(opts: StartOptions): Promise<CodeServer> {
  const version = opts.version ?? codeServerVersion();
  const { node, entry } = codeServerInstall(version);
  const { runDir, workspace } = opts;
  const { userData, extensions, config, env } = runLayout(runDir);
  // Kept when present: a kept run folder (`npm run try`) keeps the user's own changes.
  const settings = join(userData, 'User', 'settings.json');
  if (!existsSync(settings)) writeFileSync(settings, JSON.stringify(SETTINGS, null, 2));
  if (opts.installExtension) installBuiltExtension(extensions);
  // VS Code 1.139's built workbench honours the payload's extensionDevelopmentPath only with the smoke-test driver,
  // which code-server passes on since 4.134 (--vscode-option); 1.93's honours it always, and 4.93 has no such option.
  const smoke = opts.smokeTestDriver && Number(version.split('.')[1]) >= 134 ? ['--vscode-option', 'enable-smoke-test-driver'] : [];
  const port = await freePort();
  const log = openSync(join(runDir, 'code-server.log'), 'a');
  const child: ChildProcess = spawn(
    node,
    [
      entry,
      '--config',
      config,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--user-data-dir',
      userData,
      '--extensions-dir',
      extensions,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      ...smoke,
      workspace,
    ],
    {
      detached: true, // its own process group: the extension host and language server are stopped with it
      stdio: ['ignore', log, log],
      env: { ...env, ...opts.env },
    },
  );
  let exited: number | null | undefined;
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve((exited = code))));
  const pid = child.pid!;
  const url = `http://127.0.0.1:${port}`;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
      return true;
    } catch {
      return false; // the group is gone
    }
  };
  const stop = async () => {
    if (exited === undefined && signalGroup('SIGTERM')) {
      const deadline = Date.now() + 5000;
      while (exited === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    }
    // What outlived the main process (extension host, language server) goes too; wait until the group is empty.
    const deadline = Date.now() + 5000;
    while (signalGroup('SIGKILL') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  };
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exited !== undefined) throw new Error(`code-server exited (${exited}) before it was ready; see ${join(runDir, 'code-server.log')}`);
    if (opts.signal?.aborted) {
      await stop();
      throw new Error('stopped while code-server was starting');
    }
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
  return { url, port, pid, version, runDir, workspace, exited: exit, stop };
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
