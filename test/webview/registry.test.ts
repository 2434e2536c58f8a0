/**
 * What the panel does with its messages whatever the kind of run, in headless Chromium: messages it cannot read are
 * ignored and logged (an unknown kind or event, a missing field), a snapshot request is answered from the panel's
 * own model (points held, not messages posted), and a card that leaves the page releases its charts (observers
 * disconnected, uPlot destroyed).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IclCheckpoint, IclRepeatStart } from '../../protocol/experiment';
import type { IterationPoint, BlockSpec } from '../../protocol/results';
import { ARTIFACTS } from '../paths';
import { chromiumForTests } from './browser';
import { failed, iclSettings, progress, started, START, uriOf } from './events';
import { openPanel, type PanelPage } from './panel-page';

const problem = { kind: 'softmax', variant: 'normalized', n: 8, d: 3, reg: 0 } as const;
const specs: BlockSpec[] = [
  { index: 0, method: 'gd', options: { lr: 0.1, steps: 100 }, line: 7, label: 'gd lr=0.1' },
  { index: 1, method: 'newton', options: { steps: 100 }, line: 8, label: 'newton' },
];
const pts = (from: number, to: number): IterationPoint[] =>
  Array.from({ length: to - from }, (_, i) => ({ k: from + i, loss: 1 / (1 + from + i), gradNorm: 1, stepNorm: 0.1 }));
const settings = iclSettings();
const checkpoints = (steps: number[]): IclCheckpoint[] =>
  steps.map((step) => ({ step, tfLoss: 0.01, tfRatio: 0.8, predsDiff: 0.01, modelDiff: 0.1, modelCos: 0.5 }));
const sweep = { setting: 'd', values: [3, 6] };
const start = (repeat: number): IclRepeatStart => ({
  repeat,
  seed: 1 + repeat,
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
});

/** The info logs the panel posted. */
async function infoLogs(p: PanelPage): Promise<string[]> {
  return (await p.posted()).flatMap((m) => (m.type === 'log' && m.level === 'info' ? [m.message] : []));
}

describe('the panel’s messages and cards, for every kind (Chromium)', () => {
  const browser = chromiumForTests(ARTIFACTS);

  test('messages it cannot read are ignored and logged at info; the panel goes on', async () => {
    const p = await openPanel(browser());
    const send = (m: unknown) => p.page.evaluate((msg) => window.postMessage(msg, '*'), m);
    await send({
      event: 'started',
      kind: 'optimize',
      runId: 'u1',
      uri: uriOf('a.regress'),
      title: 'a.regress',
      startedAt: START,
      data: {},
    });
    await send({ event: 'paused', kind: 'solve', runId: 'u2' });
    await send({
      event: 'started',
      kind: 'solve',
      runId: 'u3',
      uri: uriOf('a.regress'),
      startedAt: START,
      data: { problem, blocks: specs },
    });
    await send({ type: 'runStarted', runId: 'u4' });
    await send('hello');
    await p.page.waitForFunction(() => window.__posted.filter((m) => m.type === 'log').length >= 5);
    assert.deepEqual(await infoLogs(p), [
      'The panel ignored a message: started event of unknown kind "optimize"',
      'The panel ignored a message: unknown event "paused"',
      'The panel ignored a message: started event without title',
      'The panel ignored a message: unknown event undefined',
      'The panel ignored a message: not an object',
    ]);
    // Progress for a run the panel does not hold changes nothing either.
    await p.send(progress('solve', 'nobody', { block: 0, points: pts(0, 5), maxSteps: 100 }));
    assert.deepEqual(await p.snapshot(), []);
    assert.equal(await p.page.$('section.run'), null);
    assert.equal(await p.page.getAttribute('body', 'data-panel-state'), 'empty');

    // A progress event of the wrong kind for a run it holds is not applied to it.
    await p.send(started('solve', 's', 'a.regress', { problem, blocks: specs }));
    await p.send(progress('experiment', 's', { repeat: 0, start: start(0), checkpoints: checkpoints([0]), summary: [] }));
    await p.send(progress('solve', 's', { block: 0, points: pts(0, 3), maxSteps: 100 }));
    await p.page.waitForSelector('section.run[data-run-id="s"][data-points="3"]');
    assert.deepEqual(await p.snapshot(), [{ runId: 's', kind: 'solve', status: 'running', points: 3 }]);
    assert.deepEqual(
      (await p.posted()).filter((m) => m.type === 'log' && m.level === 'error'),
      [],
    );
    await p.page.close();
  });

  test('a snapshot is what the model holds: points over all blocks, checkpoints over all repeats', async () => {
    const p = await openPanel(browser());
    await p.send(started('solve', 's', 'a.regress', { problem, blocks: specs }));
    await p.send(progress('solve', 's', { block: 0, points: pts(0, 30), maxSteps: 100 }));
    await p.send(progress('solve', 's', { block: 1, points: pts(0, 20), maxSteps: 100 }));
    // A batch sent twice (a replay) is held once.
    await p.send(progress('solve', 's', { block: 1, points: pts(0, 20), maxSteps: 100 }));
    await p.send(started('experiment', 'e', 'icl.regress', { settings }));
    await p.send(progress('experiment', 'e', { repeat: 0, start: start(0), checkpoints: checkpoints([0, 25, 50, 75, 100]), summary: [] }));
    await p.send(progress('experiment', 'e', { repeat: 1, start: start(1), checkpoints: checkpoints([0, 25]), summary: [] }));
    // A sweep: checkpoints over all its points and repeats; a point the sweep does not have is not applied.
    await p.send(started('sweep', 'w', 'sweep.regress', { sweep, points: [settings, { ...settings, d: 6, k: 7 }] }));
    await p.send(
      progress('sweep', 'w', { point: 0, repeat: 0, start: start(0), checkpoints: checkpoints([0, 25, 50, 75, 100]), summary: [] }),
    );
    await p.send(
      progress('sweep', 'w', { point: 0, repeat: 1, start: start(1), checkpoints: checkpoints([0, 25, 50, 75, 100]), summary: [] }),
    );
    await p.send(progress('sweep', 'w', { point: 1, repeat: 0, start: start(0), checkpoints: checkpoints([0, 25, 50]), summary: [] }));
    await p.send(progress('sweep', 'w', { point: 2, repeat: 0, start: start(0), checkpoints: checkpoints([0]), summary: [] }));
    await p.send(failed('solve', 'f', 'broken.regress', '2:1: unknown statement'));
    await p.send(failed('experiment', 'e', 'icl.regress', 'connection lost', true));
    const want = [
      { runId: 's', kind: 'solve', status: 'running', points: 50 },
      { runId: 'e', kind: 'experiment', status: 'interrupted', points: 7 },
      { runId: 'w', kind: 'sweep', status: 'running', points: 13 },
      { runId: 'f', kind: 'solve', status: 'failed', points: 0 },
    ];
    assert.deepEqual(await p.snapshot(), want);
    // The cards say the same.
    await p.page.waitForSelector('section.run[data-run-id="f"]');
    const cards = await p.page.$$eval('section.run', (s) =>
      s.map((e) => ({
        runId: (e as HTMLElement).dataset.runId,
        status: (e as HTMLElement).dataset.status,
        points: Number((e as HTMLElement).dataset.points),
      })),
    );
    assert.deepEqual(
      cards.reverse(),
      want.map(({ runId, status, points }) => ({ runId, status, points })),
    );
    await p.page.close();
  });

  test('a card that leaves the page releases its charts: observers disconnected, uPlot destroyed', async () => {
    const p = await openPanel(browser(), { trackResizeObservers: true });
    await p.send(started('solve', 'd', 'a.regress', { problem, blocks: specs }));
    await p.send(progress('solve', 'd', { block: 0, points: pts(0, 30), maxSteps: 100 }));
    await p.send(started('experiment', 'x', 'icl.regress', { settings }));
    await p.send(progress('experiment', 'x', { repeat: 0, start: start(0), checkpoints: checkpoints([0, 25]), summary: [] }));
    await p.send(started('sweep', 'w', 'sweep.regress', { sweep, points: [settings, { ...settings, d: 6, k: 7 }] }));
    await p.page.waitForSelector('section.run[data-run-id="d"] .chart[data-points="30"]');
    await p.page.waitForSelector('section.run[data-run-id="x"] .icl-chart[data-chart="loss"]');
    await p.page.waitForSelector('section.run[data-run-id="w"] .sweep-chart');
    const hosts = await p.page.evaluate(() => {
      const old = [...document.querySelectorAll('section.run .chart')] as HTMLElement[];
      (window as unknown as { __old: HTMLElement[] }).__old = old;
      return old.map((h) => h.querySelectorAll('.uplot').length);
    });
    assert.deepEqual(
      hosts,
      [1, 1, 1, 1, 1, 1, 1],
      'a sweep card (one chart), an experiment card (three) and a solve card (three: loss, ‖∇L‖, ‖step‖)',
    );

    // The runs start again under the same ids: their cards are replaced.
    await p.send(started('solve', 'd', 'a.regress', { problem, blocks: specs }));
    await p.send(started('experiment', 'x', 'icl.regress', { settings }));
    await p.send(started('sweep', 'w', 'sweep.regress', { sweep, points: [settings, { ...settings, d: 6, k: 7 }] }));
    await p.page.waitForFunction(() => (window as unknown as { __old: HTMLElement[] }).__old.every((h) => !h.isConnected));
    assert.deepEqual(
      await p.page.evaluate(() =>
        (window as unknown as { __old: HTMLElement[] }).__old.map((h) => h.querySelectorAll('.uplot, canvas').length),
      ),
      [0, 0, 0, 0, 0, 0, 0],
      'uPlot removed its DOM',
    );

    // Put the old hosts back and resize them: a ResizeObserver still connected would report them in the same frame
    // as this test's own observer does.
    await p.page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const old = (window as unknown as { __old: HTMLElement[] }).__old;
          window.__resized = [];
          for (const h of old) {
            h.style.width = '333px';
            document.body.append(h);
          }
          let seen = 0;
          const probe = new window.__NativeResizeObserver((entries) => {
            seen += entries.length;
            if (seen >= old.length) {
              probe.disconnect();
              resolve();
            }
          });
          for (const h of old) probe.observe(h);
        }),
    );
    assert.equal(
      await p.page.evaluate(
        () => window.__resized.filter((e) => (window as unknown as { __old: HTMLElement[] }).__old.includes(e as HTMLElement)).length,
      ),
      0,
      'no observer of the panel saw the old hosts',
    );
    assert.deepEqual(
      await p.page.evaluate(() => (window as unknown as { __old: HTMLElement[] }).__old.map((h) => h.querySelectorAll('canvas').length)),
      [0, 0, 0, 0, 0, 0, 0],
      'nothing redrawn into them',
    );
    assert.deepEqual(
      (await p.posted()).filter((m) => m.type === 'log' && m.level === 'error'),
      [],
    );
    // The new cards' charts are live: resizing the page reaches them.
    await p.page.setViewportSize({ width: 600, height: 900 });
    await p.page.waitForFunction(() => window.__resized.some((e) => e.closest('section.run[data-run-id="d"]')));
    await p.page.close();
  });
});
