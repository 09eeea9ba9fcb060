/**
 * Hearth's service worker (`hearth-sw.js`): keeps the app shell, the widget, its worker and the
 * model and catalog files a version manifest (`hearth-offline.json`) lists, so that a repeat visit
 * downloads nothing unchanged and a reload without network still shows the visitor's rows.
 * Register it from the site's root (`navigator.serviceWorker.register('/hearth-sw.js')`); a
 * `?manifest=<url>` parameter names a manifest elsewhere. See docs/offline.md.
 *
 * @module
 */
import { createOfflineStore } from './offline-store';
import type { OfflineRequest, OfflineUpdate } from './offline-protocol';
import { CACHE_PREFIX, offlineCacheName, offlineManifestUrl } from './sw-config';

declare const self: ServiceWorkerGlobalScope;

const store = createOfflineStore({
  manifestUrl: offlineManifestUrl(self.location.href),
  cacheName: offlineCacheName(self.registration.scope),
  caches: self.caches,
  fetch: (input, init) => fetch(input, init),
  onUpdate: (update: OfflineUpdate) => {
    void self.clients.matchAll({ type: 'window' }).then((pages) => {
      for (const page of pages) page.postMessage(update);
    });
  },
});

self.addEventListener('install', (event) => {
  // A new worker takes over at once: the files it serves are checked against the manifest, so
  // pages opened under the previous one keep getting the bytes they expect.
  event.waitUntil(
    store
      .refresh()
      .then(() => store.adopt())
      .finally(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  const current = offlineCacheName(self.registration.scope);
  const scopePath = new URL(self.registration.scope).pathname;
  event.waitUntil(
    (async () => {
      for (const name of await self.caches.keys()) {
        const sameScope = name.startsWith(CACHE_PREFIX) && name.endsWith(`:${scopePath}`);
        if (sameScope && name !== current) await self.caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const answer = store.respond(event.request, (work) => event.waitUntil(work));
  if (answer !== null) event.respondWith(answer);
});

self.addEventListener('message', (event) => {
  const request = event.data as OfflineRequest | null;
  const port = event.ports[0];
  if (!port || typeof request?.type !== 'string') return;
  const reply = async (): Promise<unknown> => {
    switch (request.type) {
      case 'hearth-offline:status':
        return store.status();
      case 'hearth-offline:adopt':
        await store.adopt(Array.isArray(request.loaded) ? request.loaded : []);
        return store.status();
      case 'hearth-offline:check':
        await store.refresh();
        return store.status();
      case 'hearth-offline:clear':
        await store.clear();
        return { type: 'hearth-offline:cleared' };
      default:
        return {
          type: 'hearth-offline:error',
          message: `unknown request ${String((request as { type: unknown }).type)}`,
        };
    }
  };
  event.waitUntil(
    reply().then(
      (answer) => port.postMessage(answer),
      (error: unknown) =>
        port.postMessage({
          type: 'hearth-offline:error',
          message: error instanceof Error ? error.message : String(error),
        }),
    ),
  );
});
