/**
 * Workspace Trust before runs (extension/src/trust.ts) against a fake host: a trusted folder runs at once; an
 * untrusted one asks and runs nothing unless trust comes; a grant restarts the client trusted exactly once, however
 * many runs and grant events meet, and runs wait for that restart. (In the real host, VS Code's modal and trust
 * editor are checked by hand: see the report of the reliability issue.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TrustGate, type TrustHost } from '../../extension/src/trust';

class FakeHost implements TrustHost {
  asked: string[] = [];
  restarts = 0;
  client = false;
  /** What the user does when asked: grant trust, or not. */
  grantsWhenAsked = false;
  failRestart = false;
  private releaseRestart?: () => void;

  constructor(public trusted: boolean) {
    this.client = trusted;
  }

  isTrusted = () => this.trusted;
  clientTrusted = () => this.client;
  async askForTrust(what: string) {
    this.asked.push(what);
    if (this.grantsWhenAsked) this.trusted = true;
  }
  restartClient(): Promise<void> {
    this.restarts++;
    return new Promise<void>((resolve, reject) => {
      this.releaseRestart = () => {
        if (this.failRestart) reject(new Error('server did not start'));
        else {
          this.client = this.trusted;
          resolve();
        }
      };
    });
  }
  /** Lets the pending restart finish. */
  finishRestart() {
    this.releaseRestart!();
  }
}

const tick = () => new Promise((r) => setImmediate(r));

test('a trusted folder runs at once: no question, no restart', async () => {
  const host = new FakeHost(true);
  assert.equal(await new TrustGate(host).allow('Solving'), true);
  assert.deepEqual(host.asked, []);
  assert.equal(host.restarts, 0);
});

test('an untrusted folder asks, and without trust runs nothing and restarts nothing', async () => {
  const host = new FakeHost(false);
  const gate = new TrustGate(host);
  assert.equal(await gate.allow('Solving'), false);
  assert.equal(await gate.allow('Running the experiment'), false);
  assert.deepEqual(host.asked, ['Solving', 'Running the experiment']);
  assert.equal(host.restarts, 0);
  assert.equal(host.client, false);
});

test('trust granted when asked: the run waits for the client to restart trusted, then goes ahead', async () => {
  const host = new FakeHost(false);
  host.grantsWhenAsked = true;
  let allowed: boolean | undefined;
  const run = new TrustGate(host).allow('Checking bounds').then((a) => (allowed = a));
  await tick();
  assert.equal(host.restarts, 1);
  assert.equal(allowed, undefined, 'not before the restart finished');
  host.finishRestart();
  await run;
  assert.equal(allowed, true);
  assert.equal(host.client, true);
});

test('a grant event and runs meeting restart the client once; all of them wait for it', async () => {
  const host = new FakeHost(false);
  const gate = new TrustGate(host);
  host.trusted = true; // onDidGrantWorkspaceTrust fires…
  const event = gate.granted();
  let settled = 0;
  const runs = [gate.allow('Solving'), gate.allow('Solving')].map((r) => r.finally(() => settled++)); // …while two runs start
  await tick();
  assert.equal(host.restarts, 1);
  assert.equal(settled, 0, 'the runs wait for the restart');
  host.finishRestart();
  await event;
  assert.deepEqual(await Promise.all(runs), [true, true]);
  assert.equal(await gate.allow('Solving'), true);
  assert.equal(host.restarts, 1, 'a trusted client is not restarted again');
  assert.deepEqual(host.asked, []);
});

test('a failed restart fails the run, and the next run tries again', async () => {
  const host = new FakeHost(false);
  host.trusted = true;
  host.failRestart = true;
  const gate = new TrustGate(host);
  const first = gate.allow('Solving');
  await tick();
  host.finishRestart();
  await assert.rejects(first, /did not start/);
  host.failRestart = false;
  const second = gate.allow('Solving');
  await tick();
  assert.equal(host.restarts, 2);
  host.finishRestart();
  assert.equal(await second, true);
});
