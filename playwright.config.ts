import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS } from './vitest.config';

const port = Number(process.env.HEARTH_E2E_PORT ?? 4173);

/**
 * End-to-end tests against the production build (dist/web and dist/server, from `npm run build`)
 * of the demo, its aggregation server and the example storefront, in
 * Debian's Chromium (`CHROMIUM_PATH`, default /usr/bin/chromium), headless, offline.
 */
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/e2e',
  timeout: 120_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    },
    screenshot: 'only-on-failure',
    trace: 'off',
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    // `npm test` builds first; run `npm run build` before `npx playwright test` on its own.
    // The demo launcher: `vite preview` plus the federated aggregation server behind its `/v1`
    // proxy, from a fresh state, closing each round as soon as two devices contributed.
    command: [
      'node scripts/serve-demo.mjs',
      `--host 127.0.0.1 --port ${port}`,
      `--data-dir .hearth-demo-server/e2e-${port} --fresh --max-cohort 2`,
      // No experiment here: a holdout arm would empty rows at random (experiments.spec.ts starts
      // its own demo server with the experiment).
      '--no-experiments',
    ].join(' '),
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 300_000,
  },
});
