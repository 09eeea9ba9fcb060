/**
 * Entry of the demo app: installs the network meter before anything can fetch, starts the
 * storefront's runtime (a Web Worker), turns on offline use and renders the app.
 *
 * @module
 */
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { enableOffline, type OfflineController } from '../widget/offline';
import {
  DEMO_CATALOG_URL,
  DEMO_MODEL_URL,
  experimentsOptedIn,
  rememberExperimentsOptIn,
  storefrontConfig,
  STOREFRONT_DB,
  WORKBENCH_DB,
  workbenchConfig,
} from './runtime/demo-config';
import { createHearthRuntime } from './runtime/hearth-runtime';
import { installNetworkMeter } from './runtime/network-meter';
import { createStoreReader } from './runtime/store-reader';
import type { AppServices, HearthBinding } from './runtime/use-hearth';
import type { RecommenderConfig } from '../worker';
import './styles/base.css';
import './styles/layout.css';
import './styles/storefront.css';
import './styles/rows.css';
import './styles/panels.css';
import './styles/experiments.css';

const meter = installNetworkMeter();

/** A runtime and its reader; an erase in another tab restarts the runtime (new-visitor state). */
function bind(config: RecommenderConfig, dbName: string): HearthBinding {
  const binding = {
    runtime: createHearthRuntime({ config }),
    reader: createStoreReader({ dbName }),
  };
  binding.reader.onRemoteErase(() => binding.runtime.erasedElsewhere());
  return binding;
}

let workbench: HearthBinding | null = null;

const experiments = experimentsOptedIn();
const storefront = bind(storefrontConfig({ experiments }), STOREFRONT_DB);
// The opt-in (and an opt-out or erase) applies to experiments from the next page load on.
let consented: boolean | null = null;
storefront.runtime.subscribe(() => {
  const granted = storefront.runtime.getState().federated?.consent.granted ?? null;
  if (granted === null || granted === consented) return;
  consented = granted;
  rememberExperimentsOptIn(granted);
});

/**
 * Offline use and repeat visits from the device (docs/offline.md): the production build ships
 * hearth-sw.js and its version manifest at the app's root; the dev server has neither.
 */
function startOffline(): Promise<OfflineController | null> {
  return enableOffline({
    swUrl: `${import.meta.env.BASE_URL}hearth-sw.js`,
    runtime: {
      modelUrl: DEMO_MODEL_URL,
      catalogUrl: DEMO_CATALOG_URL,
      recommender: () => storefront.runtime.recommender,
    },
  }).catch((error: unknown) => {
    console.warn('[demo] offline use is off:', error);
    return null;
  });
}

const services: AppServices = {
  storefront,
  experiments,
  meter,
  workbench: () => (workbench ??= bind(workbenchConfig(), WORKBENCH_DB)),
  ...(import.meta.env.PROD && { offline: startOffline() }),
};

const container = document.getElementById('root');
if (!container) throw new Error('index.html must contain <div id="root">.');
// No StrictMode: its doubled effects would track every product view twice in development.
createRoot(container).render(<App services={services} />);
