/**
 * The host's side of exports, under Node: the panel's export messages and the context menu's context are checked
 * (extension/src/panelMessages.ts) and rebuilt from their fields only, the host's export request as the page checks it
 * (common/toPanel.ts); the suggested file name (common/exportName.ts);
 * the save dialog's filters, the format a chosen file name asks for and the bytes written (extension/src/exportFiles.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exportFileName } from '../../common/exportName';
import { readToPanel } from '../../common/toPanel';
import { dialogFilters, exportBytes, formatOfPath } from '../../extension/src/exportFiles';
import {
  MAX_EXPORT_ERROR_LENGTH,
  MAX_EXPORT_LENGTH,
  MAX_EXPORT_NAME_LENGTH,
  MAX_RUN_ID_LENGTH,
  parseExportContext,
  parseFromPanel,
} from '../../extension/src/panelMessages';

const runId = '3f2c1d7e-9a4b-4c1e-8f00-1234567890ab';
/** A 1×1 PNG, as a canvas' toDataURL gives it. */
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const csv = { type: 'export', runId, runTitle: 'quickstart.regress', part: 'trajectory', format: 'csv', content: 'k,loss\r\n0,0.5\r\n' };

test('export messages pass, rebuilt without extra fields', () => {
  assert.deepEqual(parseFromPanel({ ...csv, extra: 'x'.repeat(1e5) }), csv);
  assert.deepEqual(parseFromPanel({ ...csv, requestId: 3 }), { ...csv, requestId: 3 });
  assert.deepEqual(parseFromPanel({ ...csv, format: 'png', content: PNG })?.type, 'export');
  for (const svg of ['<svg xmlns="http://www.w3.org/2000/svg"></svg>', '<?xml version="1.0"?>\n<svg width="1"></svg>'])
    assert.equal(parseFromPanel({ ...csv, format: 'svg', content: svg })?.type, 'export', svg);
  assert.equal(parseFromPanel({ ...csv, format: 'json', content: '' })?.type, 'export', 'an empty table exports as an empty file');
  assert.deepEqual(parseFromPanel({ type: 'exportFailed', requestId: 0, message: 'no part', more: 1 }), {
    type: 'exportFailed',
    requestId: 0,
    message: 'no part',
  });
});

test('malformed export messages are refused', () => {
  const refused: unknown[] = [
    { ...csv, format: 'pdf' },
    { ...csv, format: undefined },
    { ...csv, content: 42 },
    { ...csv, content: undefined },
    { ...csv, runId: '' },
    { ...csv, runId: 'r'.repeat(MAX_RUN_ID_LENGTH + 1) },
    { ...csv, part: '' },
    { ...csv, part: 'p'.repeat(MAX_EXPORT_NAME_LENGTH + 1) },
    { ...csv, runTitle: 't'.repeat(MAX_EXPORT_NAME_LENGTH + 1) },
    { ...csv, runTitle: 7 },
    { ...csv, requestId: -1 },
    { ...csv, requestId: '1' },
    { ...csv, requestId: 0.5 },
    // A PNG must be a PNG data URL, an SVG an <svg> element: nothing else is written under their names.
    { ...csv, format: 'png', content: 'iVBORw0KGgo=' },
    { ...csv, format: 'png', content: 'data:text/html;base64,PGgxPg==' },
    { ...csv, format: 'svg', content: '<html><svg></svg></html>' },
    { ...csv, format: 'svg', content: '<svgx/>' },
    { type: 'exportFailed', requestId: 1 },
    { type: 'exportFailed', requestId: 1, message: '' },
    { type: 'exportFailed', requestId: 1, message: 'm'.repeat(MAX_EXPORT_ERROR_LENGTH + 1) },
    { type: 'exportFailed', message: 'x' },
  ];
  for (const m of refused) assert.equal(parseFromPanel(m), undefined, JSON.stringify(m).slice(0, 200));
});

test('an export above the size limit is refused without being copied', () => {
  const huge = { ...csv, content: { length: MAX_EXPORT_LENGTH + 1 } };
  assert.equal(parseFromPanel(huge), undefined, 'not a string');
  assert.ok(MAX_EXPORT_LENGTH >= 64 * 1024 * 1024, 'a long trajectory’s CSV fits');
});

test('the context menu’s context: the part’s own fields only, known formats only', () => {
  const context = {
    webview: 'regressLab.results',
    webviewSection: 'chart',
    runId,
    runTitle: 'q.regress',
    part: 'trajectory',
    formats: 'png svg csv json',
  };
  assert.deepEqual(parseExportContext({ ...context, preventDefaultContextMenuItems: true }), {
    webviewSection: 'chart',
    runId,
    runTitle: 'q.regress',
    part: 'trajectory',
    formats: 'png svg csv json',
  });
  for (const bad of [
    undefined,
    'trajectory',
    { ...context, webviewSection: 'menu' },
    { ...context, formats: 'png exe' },
    { ...context, formats: '' },
    { ...context, formats: 'png  svg' },
    { ...context, part: '' },
    { ...context, runId: undefined },
    { ...context, runTitle: undefined },
  ])
    assert.equal(parseExportContext(bad), undefined, JSON.stringify(bad));
});

test('the page reads the host’s export request only when it names a run, a part and a known format', () => {
  const request = { event: 'export', requestId: 4, runId, part: 'loss chart', format: 'svg' };
  assert.deepEqual(readToPanel(request), request);
  for (const bad of [
    { ...request, format: 'exe' },
    { ...request, requestId: undefined },
    { ...request, runId: 7 },
    { ...request, part: undefined },
  ])
    assert.ok('ignored' in readToPanel(bad), JSON.stringify(bad));
});

test('the suggested file name: the run, the part and the local time, safe on every file system', () => {
  const at = new Date(2025, 0, 2, 3, 4, 5);
  assert.equal(exportFileName('quickstart.regress', 'trajectory', 'csv', at), 'quickstart-trajectory-20250102-030405.csv');
  assert.equal(exportFileName('my run/x.regress', 'B (target)', 'png', at), 'my-run-x-B-target-20250102-030405.png');
  assert.equal(exportFileName('file:///w/a b.regress', 'mean ± std', 'json'), 'file-w-a-b-mean-std.json');
  assert.equal(exportFileName('..', '', 'csv'), 'export.csv');
});

test('the save dialog’s filters, the format of the chosen name, and the bytes written', () => {
  assert.deepEqual(dialogFilters(['png', 'svg']), { 'PNG image': ['png'], 'SVG image': ['svg'] });
  assert.equal(formatOfPath('/w/chart.SVG', ['png', 'svg']), 'svg');
  assert.equal(formatOfPath('/w/chart.png', ['png', 'svg']), 'png');
  assert.equal(formatOfPath('/w/chart', ['png', 'svg']), 'png', 'no extension: the first format offered');
  assert.equal(formatOfPath('/w/chart.csv', ['png', 'svg']), 'png', 'an extension not offered: the first format');
  assert.equal(formatOfPath('/w/report.htm', ['html']), 'html');
  const png = exportBytes('png', PNG);
  assert.equal(Buffer.from(png.subarray(0, 8)).toString('hex'), '89504e470d0a1a0a');
  assert.equal(png.length, 70);
  assert.deepEqual([...exportBytes('csv', 'k,ε\r\n')], [...Buffer.from('k,ε\r\n', 'utf8')]);
  assert.throws(() => exportBytes('png', 'data:image/png;base64,AAAA'), /not a PNG/);
});
