/**
 * package.json's `contributes` declares exactly the names protocol/names.ts spells for the code: every command, every
 * setting, and no other; menus and key bindings name only declared commands.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Commands, RESULTS_VIEW_TYPE, SETTINGS_SECTION, Settings } from '../../protocol/names';
import { REPO_ROOT } from '../paths';

interface Manifest {
  activationEvents: string[];
  contributes: {
    commands: { command: string }[];
    menus: Record<string, { command: string }[]>;
    keybindings: { command: string }[];
    configuration: { properties: Record<string, unknown> };
    languages: { id: string }[];
  };
}

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;
const sorted = (xs: Iterable<string>) => [...xs].sort();

test('the manifest contributes exactly the commands of protocol/names.ts', () => {
  const declared = manifest.contributes.commands.map((c) => c.command);
  assert.equal(new Set(declared).size, declared.length, `a command declared twice: ${declared.join(', ')}`);
  assert.deepEqual(sorted(declared), sorted(Object.values(Commands)));
});

test('menus and key bindings name declared commands only', () => {
  const known = new Set<string>(Object.values(Commands));
  const used = [...Object.values(manifest.contributes.menus).flat(), ...manifest.contributes.keybindings].map((m) => m.command);
  assert.ok(used.length > 0);
  for (const c of used) assert.ok(known.has(c), `${c} is not a command of protocol/names.ts`);
});

test('the manifest contributes exactly the settings of protocol/names.ts, under its section', () => {
  assert.deepEqual(
    sorted(Object.keys(manifest.contributes.configuration.properties)),
    sorted(Object.values(Settings).map((k) => `${SETTINGS_SECTION}.${k}`)),
  );
});

test('the extension activates on its language, and to bring back the results panel after a window reload', () => {
  assert.deepEqual(manifest.activationEvents, [
    ...manifest.contributes.languages.map((l) => `onLanguage:${l.id}`),
    `onWebviewPanel:${RESULTS_VIEW_TYPE}`,
  ]);
});
