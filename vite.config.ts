import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

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
});
