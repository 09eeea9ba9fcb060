import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * Cross-origin isolation (SharedArrayBuffer): training on a large imported log then also runs on
 * helper workers (docs/browser-scale.md). Every resource of the demo is same-origin.
 */
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * The demo app (`index.html` → `src/app`), built into `dist/web`. TF.js WASM binaries keep their
 * file names: the worker is told one URL prefix for all three (`RecommenderConfig.wasmPaths`).
 */
export default defineConfig({
  plugins: [react()],
  build: {
    target: 'es2022',
    outDir: 'dist/web',
    rolldownOptions: {
      output: {
        assetFileNames: (asset) =>
          asset.names.some((name) => name.endsWith('.wasm'))
            ? 'assets/[name][extname]'
            : 'assets/[name]-[hash][extname]',
      },
    },
  },
  worker: { format: 'es' },
  server: { headers: ISOLATION_HEADERS },
  preview: {
    headers: ISOLATION_HEADERS,
    // Federated learning (`/v1/*`) goes to the aggregation server on the page's own origin:
    // scripts/serve-demo.mjs (`npm run demo`) starts one and passes its URL; otherwise the default
    // port of `npm run server`. Without a server the proxy answers 502 and the visitor's
    // contribution waits in its offline queue.
    proxy: {
      '/v1': { target: process.env['HEARTH_DEMO_SERVER_URL'] ?? 'http://127.0.0.1:8787' },
    },
  },
});
