import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createOfflineStore, type OfflineStore } from '../../src/sw/offline-store';
import type { OfflineUpdate } from '../../src/sw/offline-protocol';

const SITE = 'https://shop.example/';
const MANIFEST = `${SITE}hearth-offline.json`;

/** Cache Storage in memory: enough of the API for the store. */
function memoryCaches(): CacheStorage {
  const stores = new Map<string, Map<string, Response>>();
  const cacheOf = (entries: Map<string, Response>): Cache =>
    ({
      match: async (request: RequestInfo | URL) => {
        const hit = entries.get(
          typeof request === 'string' ? request : String((request as Request).url ?? request),
        );
        return hit?.clone();
      },
      put: async (request: RequestInfo | URL, response: Response) => {
        entries.set(
          typeof request === 'string' ? request : (request as Request).url,
          response.clone(),
        );
      },
      delete: async (request: RequestInfo | URL) =>
        entries.delete(typeof request === 'string' ? request : (request as Request).url),
      keys: async () => [...entries.keys()].map((url) => new Request(url)),
    }) as unknown as Cache;
  return {
    open: async (name: string) => {
      if (!stores.has(name)) stores.set(name, new Map());
      return cacheOf(stores.get(name)!);
    },
    delete: async (name: string) => stores.delete(name),
    keys: async () => [...stores.keys()],
    has: async (name: string) => stores.has(name),
    match: async () => undefined,
  } as CacheStorage;
}

const hashOf = (text: string): string =>
  createHash('sha256').update(text).digest('hex').slice(0, 16);

/** A site whose files and manifest the test changes; counts what the network served. */
function site(files: Record<string, string>) {
  const state = { files: { ...files }, online: true, served: [] as string[] };
  // Files under shards/ are named by their content: kept by prefix, not listed.
  const listed = () => Object.entries(state.files).filter(([p]) => !p.startsWith('shards/'));
  const manifest = () =>
    JSON.stringify({
      format: 'hearth-offline/1',
      version: hashOf(JSON.stringify(listed())),
      files: Object.fromEntries(listed().map(([p, t]) => [p, hashOf(t)])),
      immutable: ['shards/'],
    });
  const fetchFn = (async (input: RequestInfo | URL) => {
    if (!state.online) throw new TypeError('Failed to fetch');
    const url = new URL(
      typeof input === 'string' ? input : ((input as Request).url ?? String(input)),
    );
    // A folder is answered with its index.html, as static servers do.
    const path = url.pathname.slice(1).replace(/(^|\/)$/, '$1index.html');
    if (path === 'hearth-offline.json') return new Response(manifest());
    const text = state.files[path];
    if (text === undefined) return new Response('missing', { status: 404 });
    state.served.push(path);
    return new Response(text);
  }) as typeof fetch;
  return { state, fetchFn };
}

function storeFor(fetchFn: typeof fetch, updates: OfflineUpdate[] = []): OfflineStore {
  return createOfflineStore({
    manifestUrl: MANIFEST,
    cacheName: 'hearth-offline-test',
    caches: memoryCaches(),
    fetch: fetchFn,
    onUpdate: (u) => updates.push(u),
  });
}

async function get(
  store: OfflineStore,
  path: string,
  mode: RequestMode = 'cors',
): Promise<string | null> {
  const request = { url: `${SITE}${path}`, method: 'GET', mode } as Request;
  const answer = store.respond(request, () => undefined);
  return answer === null ? null : (await answer).text();
}

describe('offline store', () => {
  it('serves listed files from the cache after the first download, and only what changed is downloaded again', async () => {
    const { state, fetchFn } = site({
      'index.html': 'page',
      'model.hearth': 'model v1',
      'catalog.json': '[]',
    });
    const updates: OfflineUpdate[] = [];
    const store = storeFor(fetchFn, updates);
    expect(await get(store, '', 'navigate')).toBe('page');
    expect(await get(store, 'model.hearth')).toBe('model v1');
    expect(await get(store, 'catalog.json')).toBe('[]');
    state.served = [];
    expect(await get(store, '', 'navigate')).toBe('page');
    expect(await get(store, 'model.hearth')).toBe('model v1');
    expect(state.served).toEqual([]);

    state.files['model.hearth'] = 'model v2';
    expect(await get(store, '', 'navigate')).toBe('page');
    const status = await store.status();
    expect(state.served).toEqual(['model.hearth']);
    expect(updates.map((u) => u.changed)).toEqual([[`${SITE}model.hearth`]]);
    expect(status.files[`${SITE}model.hearth`]).toBe(hashOf('model v2'));
    expect(await get(store, 'model.hearth')).toBe('model v2');
    expect(state.served).toEqual(['model.hearth']);
  });

  it('offline, serves what it kept and the last manifest', async () => {
    const { state, fetchFn } = site({ 'index.html': 'page', 'model.hearth': 'model v1' });
    const store = storeFor(fetchFn);
    await get(store, '', 'navigate');
    await get(store, 'model.hearth');
    state.online = false;
    expect(await get(store, '?from=mail', 'navigate')).toBe('page');
    expect(await get(store, 'model.hearth')).toBe('model v1');
    await expect(store.status()).resolves.toMatchObject({ cachedFiles: 2 });
  });

  it('asks for a file named by its content only once', async () => {
    const { state, fetchFn } = site({ 'index.html': 'page', 'shards/0-ab12.json': '[1]' });
    const store = storeFor(fetchFn);
    await get(store, '', 'navigate');
    expect(await get(store, 'shards/0-ab12.json')).toBe('[1]');
    expect(await get(store, 'shards/0-ab12.json')).toBe('[1]');
    expect(state.served.filter((p) => p.startsWith('shards/'))).toEqual(['shards/0-ab12.json']);
  });

  it('leaves unlisted requests and other methods to the browser', async () => {
    const { fetchFn } = site({ 'index.html': 'page' });
    const store = storeFor(fetchFn);
    await get(store, '', 'navigate');
    expect(await get(store, 'v1/rounds')).toBeNull();
    const post = { url: `${SITE}index.html`, method: 'POST', mode: 'cors' } as Request;
    expect(store.respond(post, () => undefined)).toBeNull();
  });

  it('a file that does not match its listed hash is served but not trusted: asked again next time', async () => {
    const { state, fetchFn } = site({ 'index.html': 'page', 'model.hearth': 'model v1' });
    const store = storeFor(fetchFn);
    await get(store, '', 'navigate');
    // Deployed after the manifest was read: the store still expects v1's hash.
    state.files['model.hearth'] = 'deployed after the manifest';
    expect(await get(store, 'model.hearth')).toBe('deployed after the manifest');
    expect(await get(store, 'model.hearth')).toBe('deployed after the manifest');
    expect(state.served.filter((p) => p === 'model.hearth')).toHaveLength(2);
  });
});
