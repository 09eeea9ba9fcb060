import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';

/** Flags for Debian's Chromium in CI: headless, offline, WebGPU on SwiftShader when no GPU. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
];

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Dependencies Vite must pre-bundle up front: discovering them mid-run reloads the test page. */
export const BROWSER_PREBUNDLED_DEPS = [
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-webgl',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-backend-webgpu',
  'idb',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.browser.test.ts'],
          environment: 'node',
          pool: 'forks',
          // Inline projects do not inherit the root's timeouts: without these, Vitest's 5 s default
          // applies and TF.js tests time out on a busy 2-core machine.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // Pre-bundle TF.js up front: discovering it mid-run makes Vite reload the test page.
        optimizeDeps: {
          include: [
            ...BROWSER_PREBUNDLED_DEPS,
            'react',
            'react-dom',
            'react-dom/client',
            'react/jsx-runtime',
            'react/jsx-dev-runtime',
          ],
        },
        test: {
          name: 'browser',
          include: [
            'test/**/*.browser.test.ts',
            // Device-side secure aggregation runs on Web Crypto: check it in Chromium too.
            'test/federated/secure-aggregation.test.ts',
            'test/federated/secure-round-session.test.ts',
            'test/federated/shamir-sharing.test.ts',
          ],
          testTimeout: 240_000,
          hookTimeout: 120_000,
          // One retry for real-browser timing under CI load (a widget erase once saw its delete
          // blocked for 5 s by a late store reopen); a test that fails twice still fails CI.
          retry: 1,
          fileParallelism: false,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: { executablePath: chromiumPath, args: CHROMIUM_ARGS },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
