/**
 * docs/editors.md's Neovim configuration, taken from the doc as it stands, in a headless Neovim against
 * `regress-lab lsp --stdio` from this build: diagnostics, hover, completion, formatting, the doc's :RegressSolve, and a
 * regress/run of a solve cancelled through Neovim's own client. Skipped where `nvim` is not installed (`npm run setup:test`
 * installs Debian's).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DIST, EXAMPLES, REPO_ROOT } from '../paths';

const hasNvim = !spawnSync('nvim', ['--version']).error;
const QUICKSTART = readFileSync(join(EXAMPLES, 'quickstart.regress'), 'utf8');
const lineOf = (prefix: string) => QUICKSTART.split('\n').findIndex((l) => l.startsWith(prefix));

/** Drives the editor after the doc's config has loaded broken.regress, then writes what it saw to $OUT as JSON. */
const DRIVER = `
local out = { notes = {} }
vim.notify = function(msg, level) table.insert(out.notes, { msg = msg, level = level }) end
local function attached() return next(vim.lsp.buf_get_clients(0)) ~= nil end
local function request(method, params)
  for _, r in pairs(vim.lsp.buf_request_sync(0, method, params, 10000) or {}) do return r.result end
end
vim.wait(20000, function() return #vim.diagnostic.get(0) > 0 end, 20)
out.diagnostics = vim.tbl_map(function(d) return { lnum = d.lnum, col = d.col, message = d.message, severity = d.severity } end, vim.diagnostic.get(0))
local uri = vim.uri_from_bufnr(0)
out.hover = request('textDocument/hover', { textDocument = { uri = uri }, position = { line = ${lineOf('A1 =')}, character = 7 } })
out.completion = request('textDocument/completion', { textDocument = { uri = uri }, position = { line = ${lineOf('problem')}, character = 8 } })

vim.cmd('edit matrix.regress')
vim.wait(10000, attached, 20)
out.formatting = request('textDocument/formatting', { textDocument = { uri = vim.uri_from_bufnr(0) }, options = { tabSize = 2, insertSpaces = true } })

vim.cmd('edit quickstart.regress')
vim.wait(10000, attached, 20)
vim.cmd('RegressSolve')
vim.wait(60000, function() return #out.notes > 0 end, 20)

vim.cmd('edit long.regress')
vim.wait(10000, attached, 20)
local client = select(2, next(vim.lsp.buf_get_clients(0)))
local batches, answer = 0, nil
vim.lsp.handlers['regress/runEvent'] = function(_, e) if e.event == 'progress' then batches = batches + 1 end end
local _, id = client.request('regress/run', { kind = 'solve', textDocument = { uri = vim.uri_from_bufnr(0) }, runId = 'nvim-long' }, function(err, response) answer = { err = err, result = response and response.result } end, 0)
vim.wait(20000, function() return batches >= 2 end, 10) -- past k = 0, so the cancel is mid-run
client.cancel_request(id)
vim.wait(20000, function() return answer ~= nil end, 10)
out.cancelled = answer and answer.result and answer.result.runs[1].final
local f = io.open(vim.env.OUT, 'w')
f:write(vim.fn.json_encode(out))
f:close()
vim.cmd('qa!')
`;

interface Seen {
  diagnostics: { lnum: number; col: number; message: string; severity: number }[];
  hover?: { contents: { value: string } };
  completion?: { label: string }[];
  formatting?: { newText: string }[];
  notes: { msg: string; level: number }[];
  cancelled?: { stopReason: string; iterations: number };
}

test(
  'the Neovim configuration of docs/editors.md gets diagnostics, hover, completion, formatting and solves',
  { timeout: 180_000 },
  (t) => {
    // Never skipped: `npm run setup:test` installs Debian's Neovim, and a skip would pass for a check not made.
    assert.ok(hasNvim, 'nvim is not installed: run `npm run setup:test`');
    const config = /```lua\n([\s\S]*?)```/.exec(readFileSync(join(REPO_ROOT, 'docs', 'editors.md'), 'utf8'))?.[1];
    assert.ok(config, 'docs/editors.md has a lua block');
    const dir = mkdtempSync(join(tmpdir(), 'regress-nvim-'));
    try {
      const bin = join(dir, 'bin');
      const ws = join(dir, 'ws');
      for (const d of [bin, ws]) mkdirSync(d);
      // `regress-lab` on the PATH, as `npm link` puts it, running this build.
      writeFileSync(join(bin, 'regress-lab'), `#!/bin/sh\nexec "${process.execPath}" "${join(DIST, 'cli.js')}" "$@"\n`);
      chmodSync(join(bin, 'regress-lab'), 0o755);
      writeFileSync(join(dir, 'init.lua'), config);
      writeFileSync(join(dir, 'driver.lua'), DRIVER);
      writeFileSync(join(ws, 'broken.regress'), QUICKSTART.replace('A2 = normal(scale = 0.5)', 'A2 = nromal(scale = 0.5)'));
      writeFileSync(join(ws, 'quickstart.regress'), QUICKSTART);
      writeFileSync(join(ws, 'long.regress'), QUICKSTART.replace(/solve gd .*/, 'solve gd lr = 0.01 steps = 100000000 gradtol = 0'));
      writeFileSync(join(ws, 'matrix.regress'), 'problem attention normalized\nA1 = [\n1 2.5\n-10 3\n]\n');
      const out = join(dir, 'out.json');
      const xdg = Object.fromEntries(
        ['XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_STATE_HOME', 'XDG_CACHE_HOME'].map((k) => [k, join(dir, k)]),
      );
      // A Lua error would leave headless Neovim waiting for input: report it and quit instead.
      const drive = `lua local ok, e = pcall(dofile, '${join(dir, 'driver.lua')}') if not ok then io.stderr:write(tostring(e)) vim.cmd('cquit 3') end`;
      const r = spawnSync('nvim', ['--headless', '-n', '-i', 'NONE', '-u', join(dir, 'init.lua'), '-c', drive, 'broken.regress'], {
        cwd: ws,
        env: { ...process.env, ...xdg, PATH: `${bin}:${process.env.PATH}`, OUT: out },
        encoding: 'utf8',
        timeout: 150_000,
      });
      assert.equal(r.status, 0, `nvim: ${r.stderr}${r.error ?? ''}`);
      const seen = JSON.parse(readFileSync(out, 'utf8')) as Seen;
      t.diagnostic(JSON.stringify({ notes: seen.notes, cancelledAt: seen.cancelled?.iterations }));
      const errors = seen.diagnostics.filter((d) => d.severity === 1);
      assert.deepEqual(
        errors.map((d) => [d.lnum, d.col]),
        [[lineOf('A2 ='), 5]],
        JSON.stringify(seen.diagnostics),
      );
      assert.match(errors[0].message, /'nromal'/);
      assert.match(seen.hover?.contents.value ?? '', /\*\*normal\*\*/);
      assert.deepEqual(
        seen.completion?.map((c) => c.label),
        ['attention', 'softmax'],
      );
      assert.equal(seen.formatting?.[0]?.newText, 'problem attention normalized\nA1 = [\n    1  2.5\n  -10  3\n]\n');
      assert.equal(seen.notes.length, 1, JSON.stringify(seen.notes));
      assert.match(seen.notes[0].msg, /^gd: loss \d\.\d{3}e-\d+ after 2000 iterations \(steps\)$/);
      assert.equal(seen.cancelled?.stopReason, 'cancelled');
      assert.ok(seen.cancelled.iterations > 0 && seen.cancelled.iterations < 100_000_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
