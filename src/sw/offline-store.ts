import {
  changedFiles,
  manifestKeyOf,
  prefixKind,
  resolveOfflineManifest,
  type ResolvedManifest,
} from './offline-manifest';
import { createOfflineFiles } from './offline-files';
import type { OfflineStatus, OfflineUpdate } from './offline-protocol';

/** Options of {@link createOfflineStore}. */
export interface OfflineStoreOptions {
  /** Absolute URL of the version manifest (`hearth-offline.json`). */
  readonly manifestUrl: string;
  /** Cache Storage name of this store. */
  readonly cacheName: string;
  readonly caches: CacheStorage;
  readonly fetch: typeof fetch;
  /** Called after a new manifest version arrived and the changed files that were kept are stored. */
  readonly onUpdate: (update: OfflineUpdate) => void;
  /** How long a version check may hold up a page load before the stored manifest is used (ms). */
  readonly manifestTimeoutMs?: number;
}

/** How a request is answered: a response to wait for, or `null` to let the browser fetch it. */
export type OfflineAnswer = Promise<Response> | null;

/** The service worker's offline cache, driven by the version manifest. */
export interface OfflineStore {
  /**
   * Answers a request: listed files from the cache while their hash matches the manifest (else
   * downloaded once and stored), files under a prefix when first used, page loads after
   * a version check. `background` keeps the worker alive for work that outlives the answer.
   */
  respond(request: Request, background: (work: Promise<unknown>) => void): OfflineAnswer;
  /** Fetches the manifest (network first) and applies a new version; resolves with the one in use. */
  refresh(): Promise<ResolvedManifest | null>;
  /**
   * Copies listed files the HTTP cache already holds into the offline cache (no network), also
   * those of `loaded` (URLs a page loaded) whatever the mode they were requested with.
   */
  adopt(loaded?: readonly string[]): Promise<number>;
  status(): Promise<OfflineStatus>;
  clear(): Promise<void>;
}

const DEFAULT_MANIFEST_TIMEOUT_MS = 4_000;

/** Creates the {@link OfflineStore} of a service worker. */
export function createOfflineStore(o: OfflineStoreOptions): OfflineStore {
  let manifest: ResolvedManifest | null = null;
  let loading: Promise<ResolvedManifest | null> | null = null;
  let refreshing: Promise<ResolvedManifest | null> | null = null;
  // Downloads of changed files after a new version: status() waits for them.
  let updating: Promise<unknown> = Promise.resolve();
  const open = (): Promise<Cache> => o.caches.open(o.cacheName);
  const files = createOfflineFiles({ open, fetch: o.fetch });

  /** The manifest in use: in memory, else the one stored by an earlier run of the worker. */
  function current(): Promise<ResolvedManifest | null> {
    if (manifest !== null) return Promise.resolve(manifest);
    loading ??= (async () => {
      const stored = await (await open()).match(o.manifestUrl);
      if (!stored) return null;
      try {
        return (manifest ??= resolveOfflineManifest(await stored.json(), o.manifestUrl));
      } catch {
        return null;
      }
    })();
    return loading;
  }

  async function answer(
    request: Request,
    navigation: boolean,
    background: (work: Promise<unknown>) => void,
  ): Promise<Response> {
    const m = navigation ? await refresh() : await current();
    const key = manifestKeyOf(request.url, navigation);
    const hash = m?.files.get(key);
    if (hash !== undefined) return files.serveListed(key, hash);
    const kind = m === null ? null : prefixKind(m, request.url);
    if (kind !== null) return files.servePrefixed(request, kind, background);
    return o.fetch(request);
  }

  async function applyVersion(next: ResolvedManifest, text: string): Promise<void> {
    const previous = await current();
    const cache = await open();
    await cache.put(
      o.manifestUrl,
      new Response(text, { headers: { 'content-type': 'application/json' } }),
    );
    manifest = next;
    const changed = changedFiles(previous, next);
    const kept = new Set<string>();
    for (const key of await cache.keys()) {
      const url = key.url;
      const listed = next.files.has(url) || prefixKind(next, url) !== null;
      if (url === o.manifestUrl) continue;
      if (!listed) await cache.delete(key);
      else kept.add(url);
    }
    // Only the changed files this device had kept are downloaded again, at once (so the new
    // version works offline too); the others wait until a page asks for them.
    const refetch = changed.filter((url) => kept.has(url));
    updating = Promise.allSettled(
      refetch.map((url) => files.download(url, next.files.get(url)!)),
    ).then(() => {
      if (previous !== null)
        o.onUpdate({ type: 'hearth-offline:updated', version: next.version, changed });
    });
  }

  function refresh(): Promise<ResolvedManifest | null> {
    refreshing ??= (async () => {
      try {
        const timeout = AbortSignal.timeout(o.manifestTimeoutMs ?? DEFAULT_MANIFEST_TIMEOUT_MS);
        const response = await o.fetch(o.manifestUrl, { cache: 'no-cache', signal: timeout });
        if (!response.ok) return await current();
        const text = await response.text();
        const next = resolveOfflineManifest(JSON.parse(text), o.manifestUrl);
        if ((await current())?.version !== next.version) await applyVersion(next, text);
        return next;
      } catch (error) {
        // Offline, slow or a broken manifest: keep serving the version this device has.
        if (!(error instanceof TypeError) && !(error instanceof DOMException)) {
          console.warn(
            '[hearth] offline manifest:',
            error instanceof Error ? error.message : error,
          );
        }
        return current();
      }
    })().finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  function respond(request: Request, background: (work: Promise<unknown>) => void): OfflineAnswer {
    if (request.method !== 'GET') return null;
    const navigation = request.mode === 'navigate';
    if (manifest !== null) {
      const key = manifestKeyOf(request.url, navigation);
      const listed = manifest.files.has(key) || prefixKind(manifest, request.url) !== null;
      if (!listed) {
        // Another page of the site: let it load as usual, but still check for a new version.
        if (navigation) background(refresh());
        return null;
      }
    } else if (new URL(request.url).origin !== new URL(o.manifestUrl).origin) {
      return null;
    }
    return answer(request, navigation, background);
  }

  async function adopt(loaded: readonly string[] = []): Promise<number> {
    const m = await current();
    return m === null ? 0 : files.adopt(m, loaded);
  }

  async function status(): Promise<OfflineStatus> {
    await refreshing;
    await updating;
    const m = await current();
    const held = await files.stats(o.manifestUrl);
    return {
      type: 'hearth-offline:status',
      version: m?.version ?? null,
      files: Object.fromEntries(m?.files ?? []),
      cachedFiles: held.files,
      cachedBytes: held.bytes,
    };
  }

  async function clear(): Promise<void> {
    manifest = null;
    loading = null;
    await o.caches.delete(o.cacheName);
  }

  return { respond, refresh, adopt, status, clear };
}
