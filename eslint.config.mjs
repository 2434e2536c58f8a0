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
  // The bin shim is CommonJS by design (it loads the cjs bundle).
  { files: ['bin/*.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
