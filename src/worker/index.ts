/**
 * Hearth's browser runtime: the {@link Recommender} that keeps data on the device (IndexedDB),
 * trains on the best compute path with checkpoints and fallbacks, and serves rows that follow
 * every click. `createWorkerRecommender` runs it in a dedicated Web Worker (recommended in pages);
 * `createLocalRecommender` runs it on the calling thread (inside your own worker, or tests).
 *
 * @example
 * const hearth = createWorkerRecommender({ modelUrl: '/model.hearth', catalogUrl: '/catalog.jsonl' });
 * hearth.on((event) => console.log(event));
 * await hearth.track({ itemId: 'p1', type: 'view' });
 * const row = await hearth.recommend({ type: 'for-you', history: [], k: 10 });
 *
 * @module
 */

export type * from './recommender-types';
export type { ImportProgress, InteractionImportOptions } from '../storage/import-options';
export type { DeviceLimits } from '../storage/import-capacity';
export type { DevicePrivacyPolicy, RoundRefusal } from '../federated/device-privacy-floor';
export type { EpsilonLedgerSummary, RefusedRound } from '../federated/epsilon-ledger';
export { createLocalRecommender, MODEL_NAME, DEFAULT_HISTORY_LIMIT } from './local-recommender';
export type { LocalRecommenderDeps } from './local-recommender';
export { createWorkerRecommender } from './worker-client';
export type { WorkerLike, WorkerRecommenderOptions } from './worker-client';
export { createWorkerHost } from './worker-host';
export type { WorkerHost, WorkerHostOptions } from './worker-host';
export type * from './protocol';
export { parseHostMessage, parseHostRequest, REQUEST_TYPES, CANCELLABLE_TYPES } from './protocol';
export type { IdleScheduler } from './idle-scheduler';
export { DEFAULT_FINE_TUNE_AFTER_EVENTS, FINE_TUNE_EPOCHS } from './fine-tune';
