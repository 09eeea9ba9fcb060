import type { RecommenderConfig } from '../../worker';
import { TFJS_WASM_PREFIX } from './wasm-paths';

/** Where the demo data lives: `public/demo/`, served under the app's base URL. */
export const DEMO_BASE = `${import.meta.env.BASE_URL}demo/`;

/** The seeded storefront catalog (JSON lines). */
export const DEMO_CATALOG_URL = `${DEMO_BASE}catalog.jsonl`;

/** Every demo shopper's events (CSV) — training data for "train on this device". */
export const DEMO_EVENTS_URL = `${DEMO_BASE}events.csv`;

/** The global model trained on the demo events by `hearth-recs train` at build time. */
export const DEMO_MODEL_URL = `${DEMO_BASE}model/model.hearth`;

/**
 * Deployment token of the demo's aggregation server (`scripts/serve-demo.mjs`). A token identifies
 * the site, never the visitor: every visitor of the shop sends the same one, so it is public.
 */
export const DEMO_FEDERATED_TOKEN = 'hearth-demo-federated-token';

/**
 * How often a consented storefront checks for a newer global model (ms). The demo server closes
 * a round as soon as two devices contributed, so tabs pick the result up within seconds; the
 * check is a conditional GET (HTTP 304 while unchanged).
 */
export const DEMO_FEDERATED_REFRESH_MS = 5_000;

/** IndexedDB database of the storefront. */
export const STOREFRONT_DB = 'hearth-demo-store';

/** IndexedDB database of "bring your own data", kept apart so imports never mix with the shop. */
export const WORKBENCH_DB = 'hearth-demo-workbench';

/** Absolute URL of a catalog image path (catalog image paths are relative to the catalog file). */
export function demoImageUrl(imageUrl: string | undefined): string | undefined {
  if (imageUrl === undefined || imageUrl === '') return undefined;
  return new URL(imageUrl, new URL(DEMO_CATALOG_URL, location.href)).href;
}

/**
 * Where the page remembers that the visitor opted in to federated learning, which also lets this
 * device take part in the shop's experiment from its next visit on (see {@link storefrontConfig}).
 * Mirrors the recommender's consent; erased with it.
 */
export const EXPERIMENTS_OPT_IN_KEY = 'hearth-demo-experiments';

/** Whether the visitor had opted in when this page loaded (false where storage is blocked). */
export function experimentsOptedIn(): boolean {
  try {
    return localStorage.getItem(EXPERIMENTS_OPT_IN_KEY) === 'on';
  } catch {
    return false;
  }
}

/** Remembers the visitor's federated-learning consent for the next page load. */
export function rememberExperimentsOptIn(granted: boolean): void {
  try {
    if (granted) localStorage.setItem(EXPERIMENTS_OPT_IN_KEY, 'on');
    else localStorage.removeItem(EXPERIMENTS_OPT_IN_KEY);
  } catch {
    // Storage blocked: the device simply stays out of the experiment.
  }
}

/**
 * Runtime configuration of the storefront's recommender. Federated learning and the experiment's
 * reports go to the page's own origin (`/v1/`, proxied to the demo's aggregation server by `vite
 * preview`) and stay off until the visitor opts in on the privacy page.
 *
 * The demo experiment runs only on devices whose visitor opted in (`experiments`: from the page
 * load after the opt-in): a device that may not report is not enrolled, sees the shop's default
 * rows, and sends nothing at all — not even a request for the definitions.
 */
export function storefrontConfig(
  options: { readonly experiments?: boolean } = {},
): RecommenderConfig {
  return {
    dbName: STOREFRONT_DB,
    modelUrl: DEMO_MODEL_URL,
    catalogUrl: DEMO_CATALOG_URL,
    wasmPaths: TFJS_WASM_PREFIX,
    federated: {
      serverUrl: '',
      token: DEMO_FEDERATED_TOKEN,
      refreshIntervalMs: DEMO_FEDERATED_REFRESH_MS,
    },
    // The demo experiment (`demoExperiment`): definitions from `/v1/experiments`, reports to
    // `/v1/experiments/reports`, both on the federated server and under the same consent.
    ...(options.experiments === true && { experiments: {} }),
  };
}

/** Runtime configuration of the "bring your own data" recommender (no model until trained). */
export function workbenchConfig(): RecommenderConfig {
  // Imported data is trained explicitly; background fine-tuning would retrain it unasked.
  return { dbName: WORKBENCH_DB, wasmPaths: TFJS_WASM_PREFIX, fineTuneAfterEvents: 0 };
}
