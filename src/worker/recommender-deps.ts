import type { HearthStore, HearthStoreOptions } from '../storage/store-types';
import type { IdleScheduler } from './idle-scheduler';

/** Replaceable environment of `createLocalRecommender` (tests, the worker host). */
export interface LocalRecommenderDeps {
  /** Opens the store (default `createHearthStore`). */
  readonly createStore?: (options: HearthStoreOptions) => Promise<HearthStore>;
  /** When background work (fine-tuning) may run; default `requestIdleCallback` or a 2 s timer. */
  readonly scheduleIdle?: IdleScheduler;
  /** Downloads `modelUrl` and talks to the federated server (default global `fetch`). */
  readonly fetch?: (url: string, init?: RequestInit) => Promise<Response>;
  /** Base for relative URLs (default the page's `location.href`). */
  readonly baseUrl?: string;
}
