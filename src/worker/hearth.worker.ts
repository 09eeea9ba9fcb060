/**
 * Entry of Hearth's dedicated Web Worker: serves a local recommender to the page that created it
 * (see `createWorkerRecommender`). Start it as a module worker:
 * `new Worker(new URL('./hearth.worker.ts', import.meta.url), { type: 'module' })`.
 *
 * Unless the page passes `wasmPaths`, the TF.js `.wasm` binaries are the ones named in the worker
 * URL's fragment or next to the worker script (see `worker-assets.ts`).
 *
 * @module
 */
import { createLocalRecommender } from './local-recommender';
import { PARALLEL_HELPER_NAME } from './parallel-messages';
import type { MessageEndpoint } from './protocol';
import { publishWorkerAssets, wasmPathsOf, workerAssetUrls } from './worker-assets';
import { createWorkerHost } from './worker-host';

// The DOM typings describe `self` as a window; inside a worker it is the worker's global scope.
const scope = globalThis as unknown as MessageEndpoint & {
  close(): void;
  location: { href: string };
  name?: string;
};

const assets = workerAssetUrls(scope.location.href);
publishWorkerAssets(assets);

if (scope.name === PARALLEL_HELPER_NAME) {
  // Started by training on a cross-origin isolated page: solve slices, loaded with the trainer.
  void import('./parallel-helper').then((helper) => helper.serveParallelSlices(scope));
} else {
  createWorkerHost({
    endpoint: scope,
    onDispose: () => scope.close(),
    createRecommender: (config, deps) =>
      createLocalRecommender(
        config.wasmPaths === undefined ? { ...config, wasmPaths: wasmPathsOf(assets) } : config,
        deps,
      ),
  });
}
