/**
 * The panel for people who read it without a mouse or with low vision, in each VS Code theme kind: the contrast of
 * every series colour (≥ 3:1) and every status and legend text (≥ 4.5:1) against the panel's background, computed here
 * with the WCAG formula from the colours the page resolves; keyboard-only use (Tab to Cancel, the legend toggles and
 * the chart; Enter on a legend entry; zoom keys and reset); the "Show data" table of the plotted numbers; and one live
 * region per card, its status line. Screenshots of a solve card in each theme kind go to test-artifacts/webview/.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { BlockResult, BlockSpec, IterationPoint, SolveResult, StopReason } from '../../protocol/results';
import type { RunEvent } from '../../protocol/runs';
import { ARTIFACTS } from '../paths';
import { chromiumForTests } from './browser';
import { failed, finished, progress, started, uriOf } from './events';
import { countColoredPixels, openPanel, type PanelPage } from './panel-page';

const SHOTS = join(ARTIFACTS, 'webview');
const FILE = 'a11y.regress';
const problem = { kind: 'attention', variant: 'normalized', n: 8, d: 4, reg: 0 } as const;

/**
 * VS Code's default colours (Light Modern, Dark Modern, and the two high-contrast themes) for the variables the panel
 * reads; the body class is what VS Code sets for the theme kind.
 */
const THEMES: Record<string, { bodyClass: string; vars: Record<string, string> }> = {
  light: {
    bodyClass: 'vscode-light',
    vars: {
      '--vscode-foreground': '#3b3b3b',
      '--vscode-editor-background': '#ffffff',
      '--vscode-descriptionForeground': '#3b3b3b',
      '--vscode-errorForeground': '#f85149',
      '--vscode-testing-iconPassed': '#73c991',
      '--vscode-editorWarning-foreground': '#bf8803',
      '--vscode-button-background': '#005fb8',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-focusBorder': '#005fb8',
    },
  },
  dark: {
    bodyClass: 'vscode-dark',
    vars: {
      '--vscode-foreground': '#cccccc',
      '--vscode-editor-background': '#1f1f1f',
      '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-errorForeground': '#f85149',
      '--vscode-testing-iconPassed': '#73c991',
      '--vscode-editorWarning-foreground': '#cca700',
      '--vscode-button-background': '#0078d4',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-focusBorder': '#0078d4',
    },
  },
  'high-contrast': {
    bodyClass: 'vscode-high-contrast',
    vars: {
      '--vscode-foreground': '#ffffff',
      '--vscode-editor-background': '#000000',
      '--vscode-descriptionForeground': 'rgba(255, 255, 255, 0.7)',
      '--vscode-errorForeground': '#f48771',
      '--vscode-testing-iconPassed': '#73c991',
      '--vscode-editorWarning-foreground': '#ffd370',
      '--vscode-button-background': '#000000',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-focusBorder': '#f38518',
      '--vscode-contrastActiveBorder': '#f38518',
    },
  },
  'high-contrast-light': {
    bodyClass: 'vscode-high-contrast-light vscode-high-contrast',
    vars: {
      '--vscode-foreground': '#292929',
      '--vscode-editor-background': '#ffffff',
      '--vscode-descriptionForeground': '#292929',
      '--vscode-errorForeground': '#b5200d',
      '--vscode-testing-iconPassed': '#73c991',
      '--vscode-editorWarning-foreground': '#895503',
      '--vscode-button-background': '#0f4a85',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-focusBorder': '#006bbd',
      '--vscode-contrastActiveBorder': '#006bbd',
    },
  },
};

function useTheme(page: Page, kind: string): Promise<void> {
  return page.evaluate(({ bodyClass, vars }) => {
    for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
    document.body.className = bodyClass;
  }, THEMES[kind]);
}

type Rgb = [number, number, number];

/** WCAG 2.1 contrast ratio, written out here so the test does not trust the panel's own function. */
function contrast(a: Rgb, b: Rgb): number {
  const lum = (rgb: Rgb) =>
    rgb
      .map((c) => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4))
      .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * The colours the page shows, as opaque sRGB: each element's computed `property`, painted by the browser on a 1×1
 * canvas over the body's background (which resolves color-mix() and translucency), and that background.
 */
async function shownColors(page: Page, selector: string, property: 'color' | 'borderTopColor'): Promise<{ bg: Rgb; colors: Rgb[] }> {
  return page.$$eval(
    selector,
    (els, property) => {
      const ctx = Object.assign(document.createElement('canvas'), { width: 1, height: 1 }).getContext('2d')!;
      const paint = (css: string, under: string) => {
        ctx.fillStyle = under;
        ctx.fillRect(0, 0, 1, 1);
        ctx.fillStyle = css;
        ctx.fillRect(0, 0, 1, 1);
        return [...ctx.getImageData(0, 0, 1, 1).data.slice(0, 3)] as [number, number, number];
      };
      const bg = paint(getComputedStyle(document.body).backgroundColor, '#fff');
      const under = `rgb(${bg.join(',')})`;
      return { bg, colors: els.map((e) => paint(getComputedStyle(e)[property], under)) };
    },
    property,
  );
}

const specs: BlockSpec[] = [0, 1, 2, 3, 4, 5, 6, 7].map((index) => ({
  index,
  method: 'gd',
  options: { lr: 1, steps: 3, gradtol: 0, losstol: 0 },
  line: 10 + index,
  label: `gd ${index}`,
}));

/** Block b's losses at k = 0…3: written out, so the data table is checked against literal numbers. */
const LOSSES = [
  [0.5, 0.25, 0.125, 0.0625],
  [0.5, 0.4, 0.3, 0.2],
];

function pts(losses: number[]): IterationPoint[] {
  return losses.map((loss, k) => ({ k, loss, gradNorm: 2 * loss, stepNorm: k === 0 ? 0 : loss / 10 }));
}

function blockResult(s: BlockSpec, points: IterationPoint[], stopReason: StopReason): BlockResult {
  const final = { loss: points[points.length - 1].loss, X: [[0]], stopReason, iterations: points.length - 1, elapsedMs: 10 };
  return { index: s.index, method: s.method, options: s.options, label: s.label, iterations: points, final };
}

const card = (runId: string) => `section.run[data-run-id="${runId}"]`;
const start = (runId: string, blocks: BlockSpec[]): RunEvent => started('solve', runId, FILE, { problem, blocks });
const points = (runId: string, b: number, losses: number[], stop?: StopReason): RunEvent =>
  progress('solve', runId, { block: b, points: pts(losses), maxSteps: 3, ...(stop ? { stop: { reason: stop } } : {}) });
const answer = (runId: string, blocks: BlockResult[], cancelled?: boolean): RunEvent =>
  finished('solve', runId, {
    runId,
    source: uriOf(FILE),
    problem,
    runs: blocks,
    ...(cancelled ? { cancelled } : {}),
  } satisfies SolveResult);

/** One card per status: running, finished, stopped, cancelled, interrupted, failed; the running one draws 8 series. */
async function everyStatus(p: PanelPage) {
  const two = specs.slice(0, 2);
  await p.send(start('done', two));
  await p.send(answer('done', [blockResult(two[0], pts(LOSSES[0]), 'steps'), blockResult(two[1], pts(LOSSES[1]), 'steps')]));
  await p.send(start('stop', two.slice(0, 1)));
  await p.send(answer('stop', [blockResult(two[0], pts([0.5, 2, Infinity]), 'overflow')]));
  await p.send(start('cancel', two.slice(0, 1)));
  await p.send(answer('cancel', [blockResult(two[0], pts([0.5, 0.25]), 'cancelled')], true));
  await p.send(start('lost', two.slice(0, 1)));
  await p.send(failed('solve', 'lost', FILE, 'the server stopped', true));
  await p.send(failed('solve', 'fail', FILE, 'no such file'));
  await p.send(start('live', specs));
  for (const s of specs)
    await p.send(
      points(
        'live',
        s.index,
        LOSSES[0].map((l) => l * (s.index + 1)),
      ),
    );
  for (const [id, status] of [
    ['done', 'finished'],
    ['stop', 'finished'],
    ['cancel', 'cancelled'],
    ['lost', 'interrupted'],
    ['fail', 'failed'],
    ['live', 'running'],
  ])
    await p.page.waitForSelector(`${card(id)}[data-status="${status}"]`);
  await p.page.waitForSelector(`${card('live')} .chart[data-points="32"]`);
}

describe('accessibility of the results panel (Chromium)', () => {
  const browser = chromiumForTests(SHOTS);

  for (const kind of Object.keys(THEMES)) {
    test(`${kind}: series ≥ 3:1, status and legend text ≥ 4.5:1 against the background`, async () => {
      const p = await openPanel(browser());
      await useTheme(p.page, kind);
      await everyStatus(p);
      const tones = await p.page.$$eval('.run .status', (els) => els.map((e) => e.className));
      assert.deepEqual(
        new Set(tones),
        new Set(['status finished', 'status stopped', 'status cancelled', 'status interrupted', 'status failed', 'status running']),
      );

      const report: string[] = [];
      const check = async (selector: string, property: 'color' | 'borderTopColor', min: number, what: string, count: number) => {
        const { bg, colors } = await shownColors(p.page, selector, property);
        assert.equal(colors.length, count, `${what}: ${count} elements`);
        colors.forEach((c, i) => {
          const ratio = contrast(c, bg);
          report.push(`${what} ${i} rgb(${c.join(',')}) ${ratio.toFixed(2)}:1`);
          assert.ok(
            ratio >= min,
            `${kind}: ${what} ${i} rgb(${c.join(',')}) is ${ratio.toFixed(2)}:1 on rgb(${bg.join(',')}), below ${min}:1`,
          );
        });
      };
      // The legend marker's border is the series' stroke colour, as uPlot paints it from the chart's options.
      await check(
        `${card('live')} .chart[data-metric="loss"] .u-legend .u-series:not(:first-child) .u-marker`,
        'borderTopColor',
        3,
        'series',
        8,
      );
      await check('.run .status', 'color', 4.5, 'status', 6);
      await check(`${card('live')} .chart[data-metric="loss"] .u-legend .u-label`, 'color', 4.5, 'legend', 9);
      await check('.run .problem, .run header time', 'color', 4.5, 'muted', 10);
      console.log(`${kind}\n  ${report.join('\n  ')}`);

      // High contrast: lines of at least 2.5 px. Each legend marker is as wide as its line, 2 px at least (chart.ts;
      // the inline value: the computed border width is snapped to whole pixels).
      const widths = await p.page.$$eval(
        `${card('live')} .chart[data-metric="loss"] .u-legend .u-series:not(:first-child) .u-marker`,
        (els) => els.map((e) => parseFloat((e as HTMLElement).style.borderTopWidth)),
      );
      if (kind.startsWith('high-contrast'))
        assert.ok(
          widths.every((w) => w >= 2.5),
          `line widths ${widths.join(', ')}`,
        );
      else
        assert.ok(
          widths.every((w) => w < 2.5),
          `line widths ${widths.join(', ')}`,
        );

      // The running card (its chart, eight series) with the focus ring on a legend toggle, and the finished card's status.
      await p.page.focus(`${card('live')} .chart[data-metric="loss"] .u-legend .u-series:nth-child(3) th`);
      await p.page.locator(card('live')).screenshot({ path: join(SHOTS, `a11y-solve-${kind}.png`) });
      await p.page.locator(card('done')).screenshot({ path: join(SHOTS, `a11y-solve-finished-${kind}.png`) });
      await p.page.close();
    });
  }

  test('keyboard only: Tab reaches Cancel, the legend toggles and the chart; Enter hides a series; zoom keys and reset', async () => {
    const p = await openPanel(browser());
    await useTheme(p.page, 'light');
    await p.send(start('k', specs.slice(0, 2)));
    await p.send(points('k', 0, LOSSES[0]));
    await p.send(points('k', 1, LOSSES[1]));
    const chart = `${card('k')} .chart[data-metric="loss"]`;
    await p.page.waitForSelector(`${chart}[data-points="8"]`);

    const focused = () =>
      p.page.evaluate(() => {
        const e = document.activeElement as HTMLElement;
        const tag = e.tagName.toLowerCase();
        return e.matches('button.cancel')
          ? 'cancel'
          : e.matches('.u-over')
            ? 'chart'
            : e.matches('.u-legend th')
              ? `legend ${e.textContent}`
              : e.matches('summary')
                ? 'summary'
                : tag;
      });
    const reached: string[] = [];
    for (let i = 0; i < 12; i++) {
      await p.page.keyboard.press('Tab');
      reached.push(await focused());
    }
    for (const want of ['cancel', 'chart', 'legend #1 gd 0', 'legend #2 gd 1', 'summary'])
      assert.ok(reached.includes(want), `Tab reaches ${want}: ${reached.join(', ')}`);
    const ring = await p.page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    assert.notEqual(ring, 'none', 'the focused control shows a ring');

    // Enter on the second legend entry hides its line: its colour leaves the canvas.
    const second = p.page.locator(`${chart} .u-legend .u-series:nth-child(3) th`);
    const rgb = (await second.locator('.u-marker').evaluate((e) => getComputedStyle(e).borderTopColor)).match(/\d+/g)!.map(Number) as Rgb;
    assert.ok((await countColoredPixels(p.page, chart, rgb, 20)) > 50, 'the second line is drawn');
    assert.equal(await second.getAttribute('aria-pressed'), 'true');
    await second.focus();
    await p.page.keyboard.press('Enter');
    assert.equal(await second.getAttribute('aria-pressed'), 'false');
    await p.page.waitForFunction(
      ({ sel }) => document.querySelector(`${sel} .u-legend .u-series:nth-child(3)`)!.classList.contains('u-off'),
      { sel: chart },
    );
    assert.equal(await countColoredPixels(p.page, chart, rgb, 20), 0, 'the second line is hidden');
    await p.page.keyboard.press(' ');
    assert.equal(await second.getAttribute('aria-pressed'), 'true', 'Space shows it again');

    // Zoom from the focused plot area: k spans 0…3.
    const range = async () => (await p.page.getAttribute(chart, 'data-x-range'))!.split(' ').map(Number);
    assert.deepEqual(await range(), [0, 3]);
    await p.page.focus(`${chart} .u-over`);
    await p.page.keyboard.press('+');
    assert.deepEqual(await range(), [0.75, 2.25]);
    await p.page.keyboard.press('ArrowRight');
    assert.deepEqual(await range(), [1.125, 2.625]);
    await p.page.keyboard.press('0');
    assert.deepEqual(await range(), [0, 3]);
    await p.page.keyboard.press('+');
    await p.page.keyboard.press('Escape');
    assert.deepEqual(await range(), [0, 3]);
    await p.page.close();
  });

  test('"Show data" lists the plotted numbers in a table with row and column headers', async () => {
    const p = await openPanel(browser());
    await p.send(start('t', specs.slice(0, 2)));
    await p.send(points('t', 0, LOSSES[0]));
    const chart = `${card('t')} .chart[data-metric="loss"]`;
    await p.page.waitForSelector(`${chart}[data-points="4"]`);
    assert.equal(await p.page.$(`${chart} .chart-data table`), null, 'built only when opened');
    await p.page.focus(`${chart} .chart-data summary`);
    await p.page.keyboard.press('Enter');
    const table = `${chart} .chart-data table`;
    await p.page.waitForSelector(table);
    const cells = () =>
      p.page.$$eval(`${table} tr`, (trs) =>
        trs.map((tr) => [...tr.children].map((c) => `${c.tagName}${c.getAttribute('scope') ?? ''}:${c.textContent}`)),
      );
    assert.deepEqual(await cells(), [
      ['THcol:k', 'THcol:#1 gd 0', 'THcol:#2 gd 1'],
      ['THrow:0', 'TD:0.5', 'TD:—'],
      ['THrow:1', 'TD:0.25', 'TD:—'],
      ['THrow:2', 'TD:0.125', 'TD:—'],
      ['THrow:3', 'TD:0.0625', 'TD:—'],
    ]);
    // The open table follows the run.
    await p.send(points('t', 1, LOSSES[1]));
    await p.page.waitForFunction((sel) => document.querySelector(`${sel} tbody tr:last-child td:last-child`)?.textContent === '0.2', table);
    assert.deepEqual((await cells()).slice(1), [
      ['THrow:0', 'TD:0.5', 'TD:0.5'],
      ['THrow:1', 'TD:0.25', 'TD:0.4'],
      ['THrow:2', 'TD:0.125', 'TD:0.3'],
      ['THrow:3', 'TD:0.0625', 'TD:0.2'],
    ]);
    await p.page.close();
  });

  test("the cards' status lines are the only live regions of the page (not the page, not the cards)", async () => {
    const p = await openPanel(browser());
    await everyStatus(p);
    const live = await p.page.$$eval('[aria-live]', (els) => els.map((e) => `${e.className}:${e.getAttribute('aria-live')}`));
    assert.equal(live.length, 6);
    assert.ok(
      live.every((l) => /^status \w+:polite$/.test(l)),
      live.join(', '),
    );
    await p.page.close();
  });
});
