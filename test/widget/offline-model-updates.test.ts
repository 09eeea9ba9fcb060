import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OfflineStatus, OfflineUpdate } from '../../src/sw/offline-protocol';

const SITE = 'https://shop.example/';
const MODEL = `${SITE}model/model.hearth`;
const CATALOG = `${SITE}model/catalog.json`;

/** The status a service worker would answer with these hashes. */
const status = (files: Record<string, string>): OfflineStatus => ({
  type: 'hearth-offline:status',
  version: JSON.stringify(files),
  files,
  cachedFiles: 0,
  cachedBytes: 0,
});

/** A fake page: a recommender that records what it loads, and the worker's answers. */
async function page(first: Record<string, string>, o: { failCatalog?: boolean } = {}) {
  // A fresh module per test: it remembers loaded versions in memory when there is no localStorage.
  vi.resetModules();
  const { followModelUpdates } = await import('../../src/widget/offline-model-updates');
  const calls: string[] = [];
  const recommender = {
    ready: async () => undefined,
    loadModel: async (bytes: Uint8Array) => {
      calls.push(`loadModel ${new TextDecoder().decode(bytes)}`);
      return 2;
    },
    importCatalog: async (text: Blob | string) => {
      calls.push(`importCatalog ${String(text)}`);
      if (o.failCatalog) throw new Error('unreadable catalog');
      return {} as never;
    },
  };
  let current = first;
  let listener: ((update: OfflineUpdate) => void) | null = null;
  vi.stubGlobal(
    'fetch',
    vi.fn(
      async (url: string) =>
        new Response(`${url.endsWith('.hearth') ? 'model' : 'catalog'} ${current[url]}`),
    ),
  );
  followModelUpdates({
    runtime: {
      modelUrl: '/model/model.hearth',
      catalogUrl: 'model/catalog.json',
      recommender: () => recommender,
    },
    adopt: async () => status(current),
    status: async () => status(current),
    onUpdate: (l) => {
      listener = l;
      return () => undefined;
    },
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
  await settle();
  return {
    calls,
    /** The worker found a new version and tells the page. */
    async publish(files: Record<string, string>) {
      current = files;
      listener?.({ type: 'hearth-offline:updated', version: 'next', changed: Object.keys(files) });
      await settle();
    },
  };
}

beforeEach(() => vi.stubGlobal('location', { href: SITE }));
afterEach(() => vi.unstubAllGlobals());

describe('offline model updates', () => {
  it('records the versions the runtime downloaded itself, without loading them again', async () => {
    const p = await page({ [MODEL]: 'a1', [CATALOG]: 'c1' });
    expect(p.calls).toEqual([]);
  });

  it('loads a new model version into the runtime, and a new catalog before it', async () => {
    const p = await page({ [MODEL]: 'a1', [CATALOG]: 'c1' });
    await p.publish({ [MODEL]: 'a2', [CATALOG]: 'c1' });
    expect(p.calls).toEqual(['loadModel model a2']);
    await p.publish({ [MODEL]: 'a3', [CATALOG]: 'c2' });
    expect(p.calls).toEqual([
      'loadModel model a2',
      'importCatalog catalog c2',
      'loadModel model a3',
    ]);
    await p.publish({ [MODEL]: 'a3', [CATALOG]: 'c2' });
    expect(p.calls).toHaveLength(3);
  });

  it('a model update still loads when the catalog import fails; the catalog is tried again', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const p = await page({ [MODEL]: 'a1', [CATALOG]: 'c1' }, { failCatalog: true });
    await p.publish({ [MODEL]: 'a2', [CATALOG]: 'c2' });
    expect(p.calls).toEqual(['importCatalog catalog c2', 'loadModel model a2']);
    await p.publish({ [MODEL]: 'a2', [CATALOG]: 'c2' });
    expect(p.calls).toEqual([
      'importCatalog catalog c2',
      'loadModel model a2',
      'importCatalog catalog c2',
    ]);
    expect(warn).toHaveBeenCalledWith(
      '[hearth] offline: could not load the new version:',
      'unreadable catalog',
    );
    warn.mockRestore();
  });

  it('ignores updates of files that are not the runtime’s', async () => {
    const p = await page({ [MODEL]: 'a1' });
    await p.publish({ [MODEL]: 'a1', [`${SITE}index.html`]: 'h2' });
    expect(p.calls).toEqual([]);
  });
});
