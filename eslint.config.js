// ESLint flat config: typescript-eslint's recommended rules, plus the architecture rule that keeps the pure
// cores (language/, compiler/ outside node/, runtime/ outside node/) free of Node-only imports.
import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'coverage/',
      '.tmp/',
      'test/fixtures/**/*.ts',
      'designer/dist/',
      'editors/vscode/dist/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // the designer's page runs in a browser: React's hook rules, browser globals, no Node-only imports
    files: ['designer/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['language/**/*.ts', 'compiler/**/*.ts', 'runtime/**/*.ts', 'designer/src/**/*.{ts,tsx}'],
    ignores: ['**/node/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'Pure core: Node-only code belongs in a node/ folder.' },
            { group: ['**/node/**'], message: 'Pure core: do not import node-only adapters.' },
          ],
        },
      ],
    },
  },
);
