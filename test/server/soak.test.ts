/**
 * A soak over stdio: 200 solves, half of them cancelled mid-run, and 200 edits. Every worker thread is gone when the
 * server is idle again (a leaked worker costs ~10 MB and a thread each), and the server's memory stays flat.
 * Reads /proc (Linux, like CI).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { EXAMPLES } from '../paths';
import { TestClient } from './lsp-client';

const QUICKSTART = readFileSync(join(EXAMPLES, 'quickstart.regress'), 'utf8');
const SHORT = QUICKSTART.replace('steps = 2000', 'steps = 50');
const LONG = QUICKSTART.replace(/solve gd .*/, 'solve gd lr = 0.01 steps = 1000000000 gradtol = 0');

let client: TestClient;
before(async () => {
  client = new TestClient();
  await client.initialize({ diagnosticsDelayMs: 0 });
});
after(() => client.close());

/** Resident memory (MiB) and thread count of the server process. */
function usage(): { rssMiB: number; threads: number } {
  const status = readFileSync(`/proc/${client.pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)![1]);
  return { rssMiB: field('VmRSS') / 1024, threads: field('Threads') };
}

async function round(i: number, short: string, long: string) {
  const done = await client.solve({ textDocument: { uri: short }, runId: `soak-${i}` });
  assert.equal(done.runs[0].final.stopReason, 'steps');
  const cts = client.newToken();
  const pending = client.solve({ textDocument: { uri: long }, runId: `soak-long-${i}` }, cts.token);
  await client.waitFor(() => client.solveProgress(`soak-long-${i}`).length > 0, `run ${i} streaming`);
  cts.cancel();
  assert.equal((await pending).runs[0].final.stopReason, 'cancelled');
  client.change(short, `${SHORT}# edit ${i}\n`, i + 2);
}

test('200 solves (100 cancelled) and 100 edits leave no worker behind and the memory flat', { timeout: 600_000 }, async () => {
  const short = client.open('soak-short.regress', SHORT);
  const long = client.open('soak-long.regress', LONG);
  for (let i = 0; i < 10; i++) await round(i, short, long);
  await client.idle();
  const warm = usage();
  for (let i = 10; i < 110; i++) await round(i, short, long);
  await client.idle();
  // A worker's thread ends a moment after its 'exit' event; poll briefly rather than assume.
  const deadline = Date.now() + 10_000;
  while (usage().threads > warm.threads && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const end = usage();
  console.log(
    `server after 20 warm-up solves: ${warm.rssMiB.toFixed(0)} MiB, ${warm.threads} threads; after 200 more: ${end.rssMiB.toFixed(0)} MiB, ${end.threads} threads`,
  );
  assert.ok(end.threads <= warm.threads, `threads ${warm.threads} → ${end.threads}: a worker was left running`);
  // 100 leaked workers would add about a gigabyte; the collector's timing moves the figure by tens of MiB.
  assert.ok(end.rssMiB < warm.rssMiB + 150, `memory ${warm.rssMiB.toFixed(0)} → ${end.rssMiB.toFixed(0)} MiB`);
});
