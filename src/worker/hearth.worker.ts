/**
 * Entry of Hearth's dedicated Web Worker: serves a local recommender to the page that created it
 * (see `createWorkerRecommender`). Start it as a module worker:
 * `new Worker(new URL('./hearth.worker.ts', import.meta.url), { type: 'module' })`.
 *
 * @module
 */
import type { MessageEndpoint } from './protocol';
import { createWorkerHost } from './worker-host';

// The DOM typings describe `self` as a window; inside a worker it is the worker's global scope.
const scope = globalThis as unknown as MessageEndpoint & { close(): void };

createWorkerHost({ endpoint: scope, onDispose: () => scope.close() });
