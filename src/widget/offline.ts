import type {
  OfflineCleared,
  OfflineRequest,
  OfflineStatus,
  OfflineUpdate,
} from '../sw/offline-protocol';
import { followModelUpdates, type OfflineRuntime } from './offline-model-updates';

export type { OfflineRuntime } from './offline-model-updates';
export type { OfflineStatus, OfflineUpdate } from '../sw/offline-protocol';

/** Default address of Hearth's service worker: `hearth-sw.js` at the site's root. */
export const DEFAULT_SERVICE_WORKER_URL = '/hearth-sw.js';

/** Options of {@link enableOffline}. */
export interface EnableOfflineOptions {
  /** Where `hearth-sw.js` is served (default `/hearth-sw.js`, the root: its scope is the site). */
  readonly swUrl?: string;
  /**
   * Pages the worker controls (default: the folder of `swUrl`). A worker can only control pages
   * under its own folder unless the server sends `Service-Worker-Allowed`.
   */
  readonly scope?: string;
  /** The version manifest (default `hearth-offline.json` next to the worker). */
  readonly manifestUrl?: string;
  /** The runtime whose model and catalog follow new versions (loaded without a page reload). */
  readonly runtime?: OfflineRuntime;
  /**
   * While the page stays open, also check for a new version this often (ms; default 1800000,
   * 30 minutes; 0 = only on page loads) and whenever the device comes back online.
   */
  readonly checkIntervalMs?: number;
}

/** What {@link enableOffline} resolves with. */
export interface OfflineController {
  readonly registration: ServiceWorkerRegistration;
  /** The manifest version in use and what the offline cache holds. */
  status(): Promise<OfflineStatus>;
  /** Subscribes to new versions (`changed`: the only files downloaded again); returns unsubscribe. */
  onUpdate(listener: (update: OfflineUpdate) => void): () => void;
  /**
   * Deletes the offline cache (public shop files only; no visitor data is ever in it) and
   * unregisters the worker; pages then load from the network as before.
   */
  disable(): Promise<void>;
}

/** How long a page waits for the service worker to answer (ms). */
const ANSWER_TIMEOUT_MS = 30_000;

/** Default of {@link EnableOfflineOptions.checkIntervalMs}. */
const CHECK_INTERVAL_MS = 30 * 60_000;

/** Asks the worker to keep what this page loaded before it took control. */
function adoptRequest(): OfflineRequest {
  const resources = performance.getEntriesByType('resource').map((entry) => entry.name);
  return { type: 'hearth-offline:adopt', loaded: [location.href, ...resources] };
}

/** Sends `request` to `worker` and resolves with its answer. */
function ask<T>(worker: ServiceWorker, request: OfflineRequest): Promise<T> {
  return new Promise((resolve, reject) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => {
      channel.port1.close();
      reject(new Error(`Hearth's service worker did not answer ${request.type}.`));
    }, ANSWER_TIMEOUT_MS);
    channel.port1.onmessage = (event: MessageEvent<T & { type: string; message?: string }>) => {
      clearTimeout(timer);
      channel.port1.close();
      if (event.data.type === 'hearth-offline:error') reject(new Error(event.data.message));
      else resolve(event.data);
    };
    worker.postMessage(request, [channel.port2]);
  });
}

/**
 * Registers Hearth's service worker (`hearth-sw.js`), so that the shop's pages, the widget, its
 * worker and the model and catalog files of the version manifest load from the device on repeat
 * visits and without network. With `runtime`, a new model or catalog version is loaded into it
 * as soon as the worker has it. See docs/offline.md for scope and update rules.
 *
 * @throws DOMException `NotSupportedError` when the browser has no service workers (or the page
 * is not served over HTTPS or from localhost).
 */
export async function enableOffline(
  options: EnableOfflineOptions = {},
): Promise<OfflineController> {
  const container = typeof navigator === 'undefined' ? undefined : navigator.serviceWorker;
  if (container === undefined) {
    // The error the browser itself raises for an unsupported feature (a Hearth error class would
    // put the errors module on the download of every widget page, also those without offline use).
    throw new DOMException(
      'Offline use needs service workers: serve the page over HTTPS (or from localhost) in a browser that has them.',
      'NotSupportedError',
    );
  }
  const script = new URL(options.swUrl ?? DEFAULT_SERVICE_WORKER_URL, location.href);
  if (options.manifestUrl !== undefined) {
    script.searchParams.set('manifest', new URL(options.manifestUrl, location.href).href);
  }
  const registration = await container.register(
    script.href,
    options.scope === undefined ? {} : { scope: options.scope },
  );
  const ready = await container.ready;
  const worker = (): ServiceWorker => {
    // The registration's active worker: a newer version replaces the one `ready` first named.
    const active = registration.active ?? ready.active;
    if (!active) throw new Error("Hearth's service worker is not active.");
    return active;
  };
  const listeners = new Set<(update: OfflineUpdate) => void>();
  const onMessage = (event: MessageEvent<OfflineUpdate | null>): void => {
    if (event.data?.type !== 'hearth-offline:updated') return;
    for (const listener of [...listeners]) listener(event.data);
  };
  container.addEventListener('message', onMessage);
  const status = (): Promise<OfflineStatus> => ask(worker(), { type: 'hearth-offline:status' });
  if (options.runtime) {
    followModelUpdates({
      runtime: options.runtime,
      // Once the first load is over, keep what the browser already downloaded for offline use.
      adopt: () => ask(worker(), adoptRequest()),
      status,
      onUpdate: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    });
  } else {
    void ask(worker(), adoptRequest()).catch(() => undefined);
  }
  // A found version reaches every open page as an update message; the answer itself is not needed.
  const check = (): void => void ask(worker(), { type: 'hearth-offline:check' }).catch(() => {});
  const interval = options.checkIntervalMs ?? CHECK_INTERVAL_MS;
  const timer = interval > 0 ? setInterval(check, interval) : undefined;
  addEventListener('online', check);
  return {
    registration,
    status,
    onUpdate(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async disable() {
      clearInterval(timer);
      removeEventListener('online', check);
      container.removeEventListener('message', onMessage);
      listeners.clear();
      await ask<OfflineCleared>(worker(), { type: 'hearth-offline:clear' });
      await registration.unregister();
    },
  };
}
