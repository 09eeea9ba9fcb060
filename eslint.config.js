import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/**
 * The layers of `src/`, each with the layers it may import (besides itself) and whether it must
 * stay free of Node built-ins and React. Imports point one way: core ← storage ← worker ←
 * widget, app; federated sits on core; server and cli use core and federated (the seeded
 * shop generators live in core/demo-data); nothing imports app.
 *
 * Flat config gives each file the options of the *last* block that sets a rule, so one
 * `no-restricted-imports` block per layer carries every restriction of that layer; blocks for
 * several layers at once would silently replace each other.
 */
export const LAYERS = {
  core: { imports: [], browser: true },
  storage: { imports: ['core'], browser: true },
  federated: { imports: ['core'], browser: true },
  sw: { imports: ['core'], browser: true },
  worker: { imports: ['core', 'storage', 'federated'], browser: true },
  widget: { imports: ['core', 'storage', 'worker', 'federated', 'sw'], browser: true, react: true },
  app: {
    imports: ['core', 'storage', 'worker', 'widget', 'federated', 'sw'],
    browser: true,
    react: true,
  },
  server: { imports: ['core', 'federated'], browser: false },
  cli: { imports: ['core', 'federated'], browser: false },
};

/**
 * One block per layer, generated from {@link LAYERS}: `no-restricted-imports` for static imports
 * and re-exports, and `no-restricted-syntax` for `import('…')`, which that rule does not see.
 */
function layerBlocks() {
  const names = Object.keys(LAYERS);
  return names.map((layer) => {
    const { imports, browser, react } = LAYERS[layer];
    const allowed = new Set([layer, ...imports]);
    const forbidden = names.filter((other) => !allowed.has(other));
    const message = `Layering: src/${layer} may import only ${imports.length > 0 ? imports.map((i) => `src/${i}`).join(', ') : 'itself'}; nothing imports src/app.`;
    const patterns = [{ group: forbidden.map((other) => `**/${other}/**`), message }];
    // esquery regexes cannot hold a "/", so the path separator is written \u002F.
    const dynamic = `ImportExpression[source.value=/(^|\\u002F)(${forbidden.join('|')})\\u002F/]`;
    if (browser) {
      patterns.push({
        group: ['node:*', ...(react ? [] : ['react', 'react-dom', 'react-dom/*'])],
        message: react
          ? `src/${layer} runs in browsers: no Node built-ins.`
          : `src/${layer} runs in browsers without React: no Node built-ins or React.`,
      });
    }
    return {
      files: [`src/${layer}/**/*.{ts,tsx}`],
      rules: {
        'no-restricted-imports': ['error', { patterns }],
        'no-restricted-syntax': ['error', { selector: dynamic, message }],
      },
    };
  });
}

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
  ...layerBlocks(),
);
