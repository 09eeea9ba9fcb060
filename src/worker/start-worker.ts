/**
 * Starts Hearth's Web Worker. In this repository the bundler (Vite) sees the
 * `new Worker(new URL(…))` pattern and bundles `hearth.worker.ts` with its lazy chunks. The
 * published package replaces this module (`scripts/build-browser.mjs`) with one that starts the
 * prebuilt worker in `dist/browser/`, so a consumer's bundler copies finished files instead of
 * re-bundling the worker (Vite's default `iife` worker format would inline TF.js into it).
 */
export function startHearthWorker(): Worker {
  return new Worker(new URL('./hearth.worker.ts', import.meta.url), {
    type: 'module',
    name: 'hearth',
  });
}
