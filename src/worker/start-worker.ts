import { startModuleWorker } from './start-module-worker';

/**
 * Vite bundles a worker where it sees the literal `new Worker(new URL('…', import.meta.url))`.
 * This local `Worker` keeps that pattern while starting the worker through
 * {@link startModuleWorker}, so the script-tag build also works when served from a CDN.
 */
const Worker = function HearthWorker(url: URL, options: WorkerOptions): globalThis.Worker {
  return startModuleWorker(url, options);
} as unknown as typeof globalThis.Worker;

/**
 * Starts Hearth's Web Worker. In this repository the bundler (Vite) bundles `hearth.worker.ts`
 * with its lazy chunks. The published package replaces this module (`scripts/build-browser.mjs`)
 * with one that starts the prebuilt worker in `dist/browser/`, so a consumer's bundler copies
 * finished files instead of re-bundling the worker (Vite's default `iife` worker format would
 * inline TF.js into it).
 */
export function startHearthWorker(): globalThis.Worker {
  return new Worker(new URL('./hearth.worker.ts', import.meta.url), {
    type: 'module',
    name: 'hearth',
  });
}
