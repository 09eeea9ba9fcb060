import type { MetaStore } from '../../src/federated/consent-store';

/** An in-memory stand-in for the store's metadata (values structured-cloned, as IndexedDB does). */
export function createMemoryMetaStore(): MetaStore & { readonly data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    getMeta: <T>(key: string) =>
      Promise.resolve(data.has(key) ? (structuredClone(data.get(key)) as T) : undefined),
    setMeta: (key: string, value: unknown) => {
      data.set(key, structuredClone(value));
      return Promise.resolve();
    },
  };
}
