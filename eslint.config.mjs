// Flat config: typescript-eslint's recommended rules on every TypeScript source; bundles and installs are ignored.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', '.build-*/**', 'dist-test/**', 'node_modules/**', '.vscode-test/**', '.cache/**', 'out/**', 'test-artifacts/**', '*.vsix'] },
  // AssemblyScript (compiled to WebAssembly by scripts/build.mjs): its own builtins and decorators, not TypeScript.
  { ignores: ['server/src/math/wasm/assembly/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'eqeqeq': ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.mjs', 'bin/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', require: 'readonly', __dirname: 'readonly', URL: 'readonly' } },
  },
  // Layers import downward only (docs/architecture.md): protocol/ is the bottom and imports nothing of ours.
  { files: ['protocol/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['../*', 'node:*', 'vscode', 'vscode-*'], message: 'protocol/ is types only and imports nothing but itself.' }] }] } },
  // The panel runs in a browser: protocol/ and its own modules only.
  {
    files: ['webview/src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/server/**', '**/extension/**', 'node:*', 'vscode', 'vscode-*'], message: 'The panel imports only protocol/ and webview/src/.' }] }] },
  },
  // The extension talks to the server over LSP only, never by importing it.
  { files: ['extension/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/server/**'], message: 'The extension reaches the server over LSP only.' }] }] } },
  // The kernels sit below everything that runs them.
  {
    files: ['server/src/math/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/solver/**', '**/bounds/**', '**/icl/**', '**/jobs/**', '**/lsp/**', '**/cli/**'], message: 'math/ is imported by the layers above it, never the reverse.' }] }] },
  },
  // The bin shim is CommonJS by design (it loads the cjs bundle).
  { files: ['bin/*.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
