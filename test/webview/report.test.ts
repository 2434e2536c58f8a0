/**
 * The standalone HTML report in Chromium: written by the CLI, opened from disk, it replays the embedded run into
 * the same panel bundle: finished state, every iteration on the chart, no CSP violation, no network.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { REPORT_ELEMENT_ID, type ReportPayload } from '../../protocol/webview';
import { ARTIFACTS, DIST, EXAMPLES } from '../paths';
import { chromiumForTests } from './browser';
import { countColoredPixels } from './panel-page';

const OUT = join(ARTIFACTS, 'webview');
const browser = chromiumForTests(OUT);

test('report of compare-methods replays every run offline', async () => {
  const file = join(OUT, 'compare-methods-report.html');
  execFileSync(process.execPath, [join(DIST, 'cli.js'), 'report', join(EXAMPLES, 'compare-methods.regress'), '-o', file], {
    encoding: 'utf8',
  });
  const html = readFileSync(file, 'utf8');
  const payload = JSON.parse(
    html.match(new RegExp(`<script type="application/json" id="${REPORT_ELEMENT_ID}"[^>]*>([\\s\\S]*?)</script>`))![1],
  ) as ReportPayload;
  assert.equal(payload.version, 2);
  const finished = payload.messages.find((m) => m.event === 'finished');
  assert.ok(finished?.event === 'finished' && finished.kind === 'solve', 'the report ends its solve run with `finished`');
  const runs = finished.result.runs;
  assert.ok(runs.length >= 2, 'compare-methods has several solve blocks');

  const page = await browser().newPage({ viewport: { width: 1000, height: 1000 } });
  const requests: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url());
  });
  const csp: string[] = [];
  await page.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP ${e.violatedDirective}`)));
  page.on('console', (m) => m.text().startsWith('CSP') && csp.push(m.text()));
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-panel-state="finished"][data-mode="report"]');
  for (const r of runs) {
    const row = `tr[data-run-index="${r.index}"]`;
    assert.equal(await page.getAttribute(row, 'data-points'), String(r.iterations.length), `block ${r.index + 1}: every iteration drawn`);
    assert.equal(await page.getAttribute(row, 'data-stop-reason'), r.final.stopReason);
  }
  assert.equal(
    await page.getAttribute('section.run', 'data-points'),
    String(runs.reduce((n, r) => n + r.iterations.length, 0)),
    'the card holds every point',
  );
  assert.ok((await countColoredPixels(page, '.run .chart', [0, 114, 178])) > 100, 'the first block is drawn');
  assert.equal(await page.isVisible('button.cancel'), false, 'a report has nothing to cancel');
  assert.deepEqual(csp, []);
  assert.deepEqual(requests, [], 'the report loads nothing from the network');
  await page.screenshot({ path: join(OUT, 'compare-methods-report.png'), fullPage: true });
  await page.close();
});
