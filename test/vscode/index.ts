/**
 * The in-host test entry (`extensionTestsPath`): VS Code calls run() inside the extension host with the real
 * `vscode` API. The same bundle runs under @vscode/test-electron (run-electron.ts, networked machines) and under
 * code-server's smoke-test driver (test/e2e/extension-host.test.ts, offline). Results also go to the JSON file
 * named by REGRESS_LAB_TEST_RESULTS, so a runner that only sees an exit code can report each test.
 */
import { writeFileSync } from 'node:fs';
import Mocha from 'mocha';

interface Outcome {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 120_000, color: false, reporter: 'spec' });
  // The suite is bundled into this file: define mocha's globals, then evaluate it.
  mocha.suite.emit('pre-require', globalThis, 'extension.test', mocha);
  await import('./extension.test');
  const outcomes: Outcome[] = [];
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run(resolve);
    runner.on('pass', (t) => outcomes.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration }));
    runner.on('fail', (t, err: Error) =>
      outcomes.push({ title: t.fullTitle(), state: 'failed', error: `${err.message}\n${err.stack ?? ''}` }),
    );
    runner.on('pending', (t) => outcomes.push({ title: t.fullTitle(), state: 'pending' }));
  });
  const file = process.env.REGRESS_LAB_TEST_RESULTS;
  if (file) writeFileSync(file, JSON.stringify({ failures, outcomes }, null, 2));
  if (failures > 0) throw new Error(`${failures} extension-host test(s) failed`);
}
