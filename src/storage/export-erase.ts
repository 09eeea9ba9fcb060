import { deleteDB } from 'idb';

/** Prefix of the Cache Storage caches that belong to Hearth (erased by `eraseAll`). */
export const HEARTH_CACHE_PREFIX = 'hearth';

/**
 * Deletes a database. While other connections block it, calls `onBlocked` (which asks other tabs
 * to close); resolves true once deleted, false if still blocked after `timeoutMs` (the deletion
 * then completes whenever the last connection closes).
 */
export async function deleteDatabase(
  name: string,
  onBlocked: () => void,
  timeoutMs: number,
): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([deleteDB(name, { blocked: onBlocked }).then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Deletes every Cache Storage cache whose name starts with {@link HEARTH_CACHE_PREFIX}. */
export async function deleteHearthCaches(): Promise<void> {
  if (typeof caches === 'undefined') return;
  const names = await caches.keys();
  await Promise.all(
    names.filter((name) => name.startsWith(HEARTH_CACHE_PREFIX)).map((name) => caches.delete(name)),
  );
}

/** What is left after an erase: this database if it still exists, and Hearth's caches. */
export async function listRemaining(dbName: string): Promise<{
  readonly remainingDatabases: readonly string[];
  readonly remainingCaches: readonly string[];
}> {
  const databases = typeof indexedDB.databases === 'function' ? await indexedDB.databases() : [];
  const cacheNames = typeof caches === 'undefined' ? [] : await caches.keys();
  return {
    remainingDatabases: databases.map((info) => info.name ?? '').filter((name) => name === dbName),
    remainingCaches: cacheNames.filter((name) => name.startsWith(HEARTH_CACHE_PREFIX)),
  };
}
