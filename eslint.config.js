import js from '@eslint/js';
import globals from 'globals';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist', 'dist-*', 'node_modules', 'public/models', 'public/ort', 'bench-models', 'bench-results', 'test-results', 'playwright-report'] },
  {
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    files: ['**/*.{ts,tsx,js}'],
    languageOptions: { ecmaVersion: 2023, globals: { ...globals.browser, ...globals.worker, ...globals.node } },
    plugins: { 'import-x': importX },
    settings: {
      // import-x reads the files an import leads to with the TypeScript parser; specifiers carry their extension.
      'import-x/extensions': ['.ts', '.tsx', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js'] })],
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      // A module never imports itself back through others: modules form layers, and evaluation
      // order never depends on which file a bundler happens to start from.
      'import-x/no-cycle': 'error',
    },
  },
  {
    // The contract both threads import stays a leaf: it imports nothing, not even types, so no
    // cycle can run through it (import-x/no-cycle does not follow type-only imports).
    files: ['workers/protocol.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: ['*'], message: 'workers/protocol.ts is the contract both threads import: it imports nothing.' }] }],
      '@typescript-eslint/consistent-type-imports': ['error', { disallowTypeAnnotations: true }],
    },
  },
  {
    // React rules only where React lives (Playwright fixtures also call a function named `use`).
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
);
