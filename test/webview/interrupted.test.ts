/**
 * A run interrupted by the language server stopping (crash or kill), in headless Chromium: the card says so in the
 * warning colour, not as a failure, and keeps what it received — a solve's points, an experiment's checkpoints.
 * Screenshots go to test-artifacts/webview/.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { IterationPoint, BlockSpec } from '../../protocol/results';
import { ARTIFACTS } from '../paths';
import { chromiumForTests } from './browser';
import { failed, iclSettings, progress, started } from './events';
import { openPanel, useDarkTheme } from './panel-page';

const SHOTS = join(ARTIFACTS, 'webview');
const HEADER = 'interrupted: the language server stopped; the points received are kept';
const problem = { kind: 'attention', variant: 'normalized', n: 8, d: 4, reg: 0 } as const;
const spec: BlockSpec = {
  index: 0,
  method: 'gd',
  options: { lr: 0.01, steps: 10_000_000, gradtol: 0, losstol: 0 },
  line: 15,
  label: 'gd lr=0.01',
};
const points: IterationPoint[] = Array.from({ length: 120 }, (_, k) => ({
  k,
  loss: 0.5 * Math.exp(-k / 50),
  gradNorm: Math.exp(-k / 50),
  stepNorm: k === 0 ? 0 : 0.01,
}));

describe('interrupted runs in the results panel (Chromium)', () => {
  const browser = chromiumForTests(SHOTS);

  test('a solve interrupted mid-run: warning-coloured header, its points kept, no Cancel, not failed', async () => {
    const p = await openPanel(browser());
    await useDarkTheme(p.page);
    await p.send(started('solve', 'i1', 'long.regress', { problem, blocks: [spec] }));
    await p.send(progress('solve', 'i1', { block: 0, points, maxSteps: 10_000_000 }));
    await p.page.waitForSelector('section[data-run-id="i1"] tr[data-run-index="0"][data-points="120"]');
    await p.send(failed('solve', 'i1', 'long.regress', 'Pending response rejected since connection got disposed', true));

    const card = 'section.run[data-run-id="i1"]';
    await p.page.waitForSelector(`${card}[data-status="interrupted"]`);
    assert.equal(await p.page.getAttribute('body', 'data-panel-state'), 'interrupted');
    assert.equal(await p.page.textContent(`${card} .status`), HEADER);
    // The theme's warning colour (--vscode-editorWarning-foreground of useDarkTheme), as the running status uses.
    assert.equal(await p.page.$eval(`${card} .status`, (e) => getComputedStyle(e).color), 'rgb(204, 167, 0)');
    assert.equal(
      await p.page.getAttribute(`${card} tr[data-run-index="0"]`, 'data-points'),
      '120',
      'every point received stays on the chart',
    );
    assert.equal(await p.page.getAttribute(card, 'data-points'), '120');
    assert.equal(await p.page.textContent(`${card} tr[data-run-index="0"] td:nth-child(3)`), 'interrupted');
    assert.equal(await p.page.textContent(`${card} tr[data-run-index="0"] td:nth-child(4)`), '119 / 10000000');
    assert.equal(await p.page.isVisible(`${card} button.cancel`), false, 'nothing left to cancel');
    assert.equal(await p.page.isVisible(`${card} .error`), false, 'the client error is no failure message');
    await p.page.screenshot({ path: join(SHOTS, 'interrupted-solve.png'), fullPage: true });
    await p.page.close();
  });

  test('an experiment interrupted mid-run keeps its checkpoints', async () => {
    const settings = iclSettings({ every: 50 });
    const p = await openPanel(browser());
    await p.send(started('experiment', 'i2', 'icl.regress', { settings }));
    await p.send(
      progress('experiment', 'i2', {
        repeat: 0,
        start: {
          repeat: 0,
          seed: 1,
          eta: 1,
          etaAtEdge: false,
          gdLoss: 2e-3,
          zeroLoss: 8e-3,
          linEta: 1,
          linGdLoss: 2.4e-3,
          gdRatio: 0.25,
          linGdRatio: 0.3,
          zeroPredsDiff: 0.05,
          zeroModelDiff: 0.3,
        },
        checkpoints: [0, 50].map((step) => ({
          step,
          tfLoss: 8e-3 - step * 1e-5,
          tfRatio: 1 - step * 1.25e-3,
          predsDiff: 0.01,
          modelDiff: 0.1,
          modelCos: 0.5,
        })),
        summary: [],
      }),
    );
    await p.send(failed('experiment', 'i2', 'icl.regress', 'Pending response rejected since connection got disposed', true));
    const card = 'section.run.experiment[data-run-id="i2"]';
    await p.page.waitForSelector(`${card}[data-status="interrupted"]`);
    assert.equal(
      await p.page.textContent(`${card} .status`),
      'interrupted: the language server stopped; the checkpoints received are kept',
    );
    assert.equal(
      await p.page.$eval(`${card} .status`, (e) => getComputedStyle(e).color),
      'rgb(154, 103, 0)',
      'the light theme’s warning colour',
    );
    assert.equal(
      await p.page.getAttribute(`${card} table.icl-repeats tr[data-repeat="1"]`, 'data-step'),
      '50',
      'the checkpoints stay in the table',
    );
    assert.equal(await p.page.isVisible(`${card} .error`), false);
    await p.page.close();
  });
});
