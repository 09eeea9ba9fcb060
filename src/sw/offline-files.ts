import { contentHash } from './content-hash';
import { manifestKeyOf, prefixKind, type ResolvedManifest } from './offline-manifest';
import { HASH_HEADER } from './offline-protocol';
import { fetchUrlOf, fromHttpCache, storableResponse, storedBytes } from './offline-responses';

/** Options of {@link createOfflineFiles}. */
export interface OfflineFilesOptions {
  /** Opens the Cache Storage cache the files live in. */
  readonly open: () => Promise<Cache>;
  readonly fetch: typeof fetch;
}

/** The files of the offline cache: how each is served, downloaded and taken over. */
export interface OfflineFiles {
  /** Downloads a listed file (one download per URL at a time) and stores it under its hash. */
  download(url: string, expected: string): Promise<Response>;
  /** A listed file: the cached copy when its hash is current, else the network (old copy offline). */
  serveListed(url: string, hash: string): Promise<Response>;
  /** A file under a prefix of the manifest (`runtime` or `immutable`). */
  servePrefixed(
    request: Request,
    kind: 'runtime' | 'immutable',
    background: (work: Promise<unknown>) => void,
  ): Promise<Response>;
  /**
   * Copies what the HTTP cache holds of the manifest's files (and of prefixed files the page
   * `loaded`) into the offline cache; resolves with how many.
   */
  adopt(manifest: ResolvedManifest, loaded?: readonly string[]): Promise<number>;
  /** Files and bytes held, the entry at `skip` (the stored manifest) aside. */
  stats(skip: string): Promise<{ readonly files: number; readonly bytes: number }>;
}

/** Query parameter carrying the expected content hash on downloads. */
const VERSION_PARAM = 'hearth-v';
const ADOPT_CONCURRENCY = 8;

/** Creates the {@link OfflineFiles} of one cache. */
export function createOfflineFiles(o: OfflineFilesOptions): OfflineFiles {
  const downloads = new Map<string, Promise<Response>>();
  const open = o.open;

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

  async function adopt(m: ResolvedManifest, loaded: readonly string[] = []): Promise<number> {
    const byPage = new Set(loaded.map((url) => manifestKeyOf(url, false)));
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

  async function stats(skip: string): Promise<{ files: number; bytes: number }> {
    const cache = await open();
    let files = 0;
    let bytes = 0;
    for (const key of await cache.keys()) {
      if (key.url === skip) continue;
      files++;
      bytes += storedBytes(await cache.match(key));
    }
    return { files, bytes };
  }

  return { download, serveListed, servePrefixed, adopt, stats };
}
