import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'test-results/**',
      'playwright-report/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Layering: the pure engine must not reach into storage, worker, UI or Node-only code.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/storage/**',
                '**/worker/**',
                '**/widget/**',
                '**/app/**',
                '**/cli/**',
                '**/server/**',
              ],
              message: 'src/core is the bottom layer.',
            },
            {
              group: ['node:*', 'react', 'react-dom'],
              message: 'src/core is pure TS: no Node or React imports.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/app/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/app/**'], message: 'Nothing imports from src/app.' }] },
      ],
    },
  },
  {
    files: ['src/storage/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/worker/**', '**/widget/**', '**/app/**', '**/cli/**', '**/server/**'],
              message: 'storage sits on core only.',
            },
            { group: ['node:*', 'react', 'react-dom'], message: 'storage runs in browsers.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/worker/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/widget/**', '**/app/**', '**/cli/**', '**/server/**'],
              message: 'worker sits on storage and core.',
            },
            { group: ['node:*', 'react', 'react-dom'], message: 'worker runs in browsers.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/cli/**/*.ts', 'src/server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/storage/**', '**/worker/**', '**/widget/**', '**/app/**'],
              message: 'cli and server import only core.',
            },
          ],
        },
      ],
    },
  },
);
