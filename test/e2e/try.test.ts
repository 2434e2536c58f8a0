/**
 * `npm run try`, twice in a row on one folder: the script the npm script runs after building (dist-test/try.js)
 * prints an address that serves the VS Code workbench with the extension installed and the examples copied; Ctrl+C
 * (SIGINT) stops it cleanly: exit 0, the port free again, and no process of the run left, found by the run folder
 * in any process's environment or command line (code-server's children inherit its XDG_* and TMPDIR).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { ARTIFACTS, DIST } from '../paths';

const TRY = join(DIST, '..', 'dist-test', 'try.js');
const dir = join(ARTIFACTS, `try-${new Date().toISOString().replace(/[:.]/g, '-')}`);

/** Live processes (not zombies) whose environment or command line mentions `marker`, other than this one. */
function processesMentioning(marker: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)) {
    try {
      if (/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) continue;
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes(marker) || readFileSync(`/proc/${pid}/environ`, 'utf8').includes(marker))
        found.push(`${pid}: ${cmd.replace(/\0/g, ' ')}`);
    } catch {
      /* exited meanwhile, or not ours to read */
    }
  }
  return found;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** One `try`: start, fetch the printed address, Ctrl+C, and check what is left. */
async function tryOnce(): Promise<{ url: string; output: string }> {
  const child = spawn(process.execPath, [TRY], { env: { ...process.env, REGRESS_LAB_TRY_DIR: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += String(d)));
  child.stderr.on('data', (d) => (output += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let ended = false;
  void exited.then(() => (ended = true));
  const deadline = Date.now() + 150_000;
  let url: string | undefined;
  while (!(url = /http:\/\/127\.0\.0\.1:\d+\/\S*/.exec(output)?.[0])) {
    assert.ok(!ended && Date.now() < deadline, `try printed no address:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const response = await fetch(url, { redirect: 'manual' });
  assert.equal(response.status, 200, `GET ${url}`);
  assert.match(await response.text(), /workbench/, 'the page is the VS Code workbench');
  assert.ok(
    existsSync(join(dir, 'extensions', 'regress-lab.attention-regression-lab-0.1.0', 'dist', 'extension.js')),
    'the extension is installed',
  );
  assert.ok(existsSync(join(dir, 'examples', 'quickstart.regress')), 'the examples are copied');
  assert.ok(processesMentioning(dir).length > 1, 'code-server and its children are found by the run folder');

  child.kill('SIGINT');
  assert.equal(await exited, 0, output);
  assert.ok(await portIsFree(Number(new URL(url).port)), `port ${new URL(url).port} is free again`);
  assert.deepEqual(processesMentioning(dir), [], 'no process of the run is left');
  return { url, output };
}

test(
  'npm run try serves the workbench and stops cleanly on Ctrl+C, twice in a row, keeping edits to the examples',
  { timeout: 400_000 },
  async (t) => {
    const first = await tryOnce();
    const edit = '\n# an edit made in the first session\n';
    appendFileSync(join(dir, 'examples', 'quickstart.regress'), edit);
    const second = await tryOnce();
    assert.ok(readFileSync(join(dir, 'examples', 'quickstart.regress'), 'utf8').endsWith(edit), 'the second run kept the edited copy');
    assert.match(second.output, /Stopped \(SIGINT\)/);
    t.diagnostic(`first ${first.url.split('/?')[0]}, second ${second.url.split('/?')[0]}`);
  },
);
