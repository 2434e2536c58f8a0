// Flat config: typescript-eslint's recommended rules on every TypeScript source; bundles and installs are ignored.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Server layers from the bottom up; a layer may import those before it in this list. */
const SERVER_LAYERS = ['math', 'language', 'solver', 'bounds', 'icl', 'jobs', 'lsp', 'cli'];
const RANK = { math: 0, language: 1, solver: 2, bounds: 3, icl: 3, jobs: 4, lsp: 5, cli: 5 };
const above = (name) => SERVER_LAYERS.filter((l) => RANK[l] > RANK[name]).map((l) => `**/${l}/**`);
/** One flat-config entry forbidding `patterns` in `files`. */
const layer = (files, patterns, message) => [
  { files: [files], rules: { 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }] } },
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      '.build-*/**',
      'dist-test/**',
      'node_modules/**',
      '.vscode-test/**',
      '.cache/**',
      'out/**',
      'test-artifacts/**',
      '*.vsix',
    ],
  },
  // AssemblyScript (compiled to WebAssembly by scripts/build.mjs): its own builtins and decorators, not TypeScript.
  { ignores: ['server/src/math/wasm/assembly/**', 'test/bench/assembly/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.mjs', 'bin/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', require: 'readonly', __dirname: 'readonly', URL: 'readonly' } },
  },
  // Layers import downward only (docs/architecture.md); each rule names what the layer must not reach.
  ...layer('protocol/**/*.ts', ['../*', 'node:*', 'vscode', 'vscode-*'], 'protocol/ is types only and imports nothing but itself.'),
  ...layer(
    'common/**/*.ts',
    ['../*', '!../protocol', '!../protocol/*', 'node:*', 'vscode', 'vscode-*'],
    'common/ is platform-free: it imports protocol/ only.',
  ),
  ...layer(
    'webview/src/**/*.ts',
    ['**/server/**', '**/extension/**', '**/common/panelPage*', 'node:*', 'vscode', 'vscode-*'],
    'The panel imports only protocol/, common/ and webview/src/.',
  ),
  ...layer(
    'extension/**/*.ts',
    ['**/server/**', '**/webview/src/**'],
    'The extension reaches the server over LSP and the panel by messages only.',
  ),
  ...layer('server/src/math/**/*.ts', above('math'), 'math/ is imported by the layers above it, never the reverse.'),
  ...layer('server/src/language/**/*.ts', above('language'), 'language/ sits below the solver, the checks, the jobs and the entry points.'),
  ...layer('server/src/solver/**/*.ts', above('solver'), 'The solver reports steps to observers; it never imports the checks built on it.'),
  ...layer('server/src/{bounds,icl}/**/*.ts', above('bounds'), 'bounds/ and icl/ sit below the jobs and the entry points.'),
  ...layer('server/src/jobs/**/*.ts', above('jobs'), 'jobs/ are run by the entry points (lsp/, cli/), never the reverse.'),
  ...layer('server/src/lsp/**/*.ts', ['**/cli/**'], 'The language server does not import the command line.'),
  // The bin shim is CommonJS by design (it loads the cjs bundle).
  { files: ['bin/*.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
