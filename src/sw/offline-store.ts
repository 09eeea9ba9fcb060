import { contentHash } from './content-hash';
import {
  changedFiles,
  manifestKeyOf,
  prefixKind,
  resolveOfflineManifest,
  type ResolvedManifest,
} from './offline-manifest';
import { HASH_HEADER, type OfflineStatus, type OfflineUpdate } from './offline-protocol';
import { fetchUrlOf, fromHttpCache, storableResponse, storedBytes } from './offline-responses';

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
/** Query parameter carrying the expected content hash on downloads. */
const VERSION_PARAM = 'hearth-v';
const ADOPT_CONCURRENCY = 8;

/** Creates the {@link OfflineStore} of a service worker. */
export function createOfflineStore(o: OfflineStoreOptions): OfflineStore {
  let manifest: ResolvedManifest | null = null;
  let loading: Promise<ResolvedManifest | null> | null = null;
  let refreshing: Promise<ResolvedManifest | null> | null = null;
  // Downloads of changed files after a new version: status() waits for them.
  let updating: Promise<unknown> = Promise.resolve();
  const downloads = new Map<string, Promise<Response>>();
  const open = (): Promise<Cache> => o.caches.open(o.cacheName);

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

  /** Downloads `url` (once at a time) and stores it under its content hash. */
  function download(url: string, expected: string): Promise<Response> {
    let pending = downloads.get(url);
    if (!pending) {
      pending = (async () => {
        // The hash in the URL makes it immutable for every cache between here and the server (a
        // CDN keeping `model.hearth` for an hour would otherwise hand out the old version).
        const versioned = new URL(fetchUrlOf(url));
        versioned.searchParams.set(VERSION_PARAM, expected);
        const response = await o.fetch(versioned.href, {
          cache: 'no-cache',
          credentials: 'same-origin',
        });
        if (!response.ok) return response;
        const bytes = await response.arrayBuffer();
        const hash = await contentHash(bytes);
        if (hash !== expected) {
          console.warn(
            `[hearth] ${url} does not match the offline manifest (hash ${hash}, listed ${expected}): ` +
              'regenerate the manifest after deploying files (hearth-recs offline-manifest).',
          );
        }
        const stored = storableResponse(bytes, response, hash);
        try {
          await (await open()).put(url, stored.clone());
        } catch (error) {
          console.warn(`[hearth] could not keep ${url} for offline use:`, error);
        }
        return stored;
      })().finally(() => downloads.delete(url));
      downloads.set(url, pending);
    }
    return pending.then((r) => r.clone());
  }

  /** A listed file: the cached copy when its hash is current, else the network (old copy offline). */
  async function serveListed(url: string, hash: string): Promise<Response> {
    const cached = await (await open()).match(url);
    if (cached?.headers.get(HASH_HEADER) === hash) return cached;
    try {
      return await download(url, hash);
    } catch (error) {
      if (cached) return cached;
      throw error;
    }
  }

  /**
   * A file under a prefix: the cached copy at once; a `runtime` one is also refreshed in the
   * background, an `immutable` one (its name changes with its content) never is.
   */
  async function servePrefixed(
    request: Request,
    kind: 'runtime' | 'immutable',
    background: (work: Promise<unknown>) => void,
  ): Promise<Response> {
    const cache = await open();
    const cached = await cache.match(request.url);
    if (cached && kind === 'immutable') return cached;
    const network = o.fetch(request).then(async (response) => {
      if (response.ok) await cache.put(request.url, response.clone());
      return response;
    });
    if (!cached) return network;
    background(network.catch(() => undefined));
    return cached;
  }

  async function answer(
    request: Request,
    navigation: boolean,
    background: (work: Promise<unknown>) => void,
  ): Promise<Response> {
    const m = navigation ? await refresh() : await current();
    const key = manifestKeyOf(request.url, navigation);
    const hash = m?.files.get(key);
    if (hash !== undefined) return serveListed(key, hash);
    const kind = m === null ? null : prefixKind(m, request.url);
    if (kind !== null) return servePrefixed(request, kind, background);
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
    updating = Promise.allSettled(refetch.map((url) => download(url, next.files.get(url)!))).then(
      () => {
        if (previous !== null)
          o.onUpdate({ type: 'hearth-offline:updated', version: next.version, changed });
      },
    );
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
    const byPage = new Set(loaded.map((url) => manifestKeyOf(url, false)));
    const m = await current();
    if (m === null) return 0;
    const cache = await open();
    // Listed files with the hash they must have; files under a prefix that the page loaded, with
    // none (a catalog shard is named by its content, an image is refreshed when next shown).
    const missing: [string, string | null][] = [];
    for (const [url, hash] of m.files) {
      if ((await cache.match(url))?.headers.get(HASH_HEADER) !== hash) missing.push([url, hash]);
    }
    for (const url of byPage) {
      if (prefixKind(m, url) !== null && !(await cache.match(url))) missing.push([url, null]);
    }
    let adopted = 0;
    const adoptOne = async ([url, hash]: [string, string | null]): Promise<void> => {
      const response = await fromHttpCache(o.fetch, fetchUrlOf(url), byPage.has(url));
      if (!response) return;
      const bytes = await response.arrayBuffer();
      const actual = await contentHash(bytes);
      if (hash !== null && actual !== hash) return;
      await cache.put(url, storableResponse(bytes, response, actual));
      adopted++;
    };
    for (let i = 0; i < missing.length; i += ADOPT_CONCURRENCY) {
      await Promise.allSettled(missing.slice(i, i + ADOPT_CONCURRENCY).map(adoptOne));
    }
    return adopted;
  }

  async function status(): Promise<OfflineStatus> {
    await refreshing;
    await updating;
    const m = await current();
    let cachedFiles = 0;
    let cachedBytes = 0;
    const cache = await open();
    for (const key of await cache.keys()) {
      if (key.url === o.manifestUrl) continue;
      cachedFiles++;
      cachedBytes += storedBytes(await cache.match(key));
    }
    return {
      type: 'hearth-offline:status',
      version: m?.version ?? null,
      files: Object.fromEntries(m?.files ?? []),
      cachedFiles,
      cachedBytes,
    };
  }

  async function clear(): Promise<void> {
    manifest = null;
    loading = null;
    await o.caches.delete(o.cacheName);
  }

  return { respond, refresh, adopt, status, clear };
}
