import { HearthError } from '../core/errors';

/** Quota-recovery rounds before giving up. */
export const MAX_QUOTA_ROUNDS = 3;

/** Share of stored interactions evicted per round at least (the rows the failed write needs, if more). */
export const QUOTA_EVICT_FRACTION = 0.1;

/**
 * **Test-only.** Makes the next N data-growing write transactions of a store fail as if the
 * storage quota were exceeded: the transaction is aborted (nothing is written) and a
 * `QuotaExceededError` DOMException is raised, exactly as the browser does. Evictions are never
 * failed. Pass it as `HearthStoreOptions.quotaSimulator`; never use it in production.
 */
export interface QuotaSimulator {
  /** Fails the next `writes` data-growing write transactions. */
  failNextWrites(writes: number): void;
  /** Failures still armed. */
  readonly pending: number;
  /** Consumes one armed failure; true when this write must fail. */
  take(): boolean;
}

/** Creates a {@link QuotaSimulator} (test-only). */
export function createQuotaSimulator(): QuotaSimulator {
  let pending = 0;
  return {
    failNextWrites(writes) {
      pending += writes;
    },
    get pending() {
      return pending;
    },
    take() {
      if (pending <= 0) return false;
      pending--;
      return true;
    },
  };
}

/** Whether an error is the browser's storage-quota error (DOMException `QuotaExceededError`). */
export function isQuotaError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { readonly name?: unknown }).name === 'QuotaExceededError'
  );
}

/** The parts of an `idb` transaction that committing needs. */
export interface CommittableTx {
  abort(): void;
  readonly done: Promise<void>;
}

/**
 * Runs `body` inside `tx`, then commits through {@link commitWrite}. If anything throws, the
 * transaction is aborted so that a failed write never commits part of its requests.
 */
export async function commitOrAbort<T>(
  tx: CommittableTx,
  body: () => Promise<T>,
  simulator: QuotaSimulator | undefined,
): Promise<T> {
  try {
    const value = await body();
    await commitWrite(tx, simulator);
    return value;
  } catch (error) {
    tx.done.catch(() => undefined);
    try {
      tx.abort();
    } catch {
      // Already committed or aborted.
    }
    throw error;
  }
}

/**
 * Awaits the commit of a data-growing write. With an armed simulator, aborts the transaction and
 * throws `QuotaExceededError` instead.
 */
export async function commitWrite(
  tx: CommittableTx,
  simulator: QuotaSimulator | undefined,
): Promise<void> {
  if (simulator?.take() === true) {
    tx.abort();
    await tx.done.catch(() => undefined);
    throw new DOMException('Simulated by the test-only quota simulator.', 'QuotaExceededError');
  }
  await tx.done;
}

/** Message of a `{kind: 'quota'}` change after `evicted` rows were dropped to make room. */
export function quotaEvictionMessage(evicted: number): string {
  return `Storage was full: the ${evicted} oldest interactions were removed to make room. Allow persistent storage or free space in the browser's site settings to keep more history.`;
}

/** The error thrown when evicting interactions could not make room for a write. */
export function storageQuotaError(what: string, evicted: number): HearthError {
  const tried =
    evicted > 0
      ? `even after removing the ${evicted} oldest interactions`
      : 'and there are no interactions left to remove';
  return new HearthError(
    'STORAGE_QUOTA',
    `The browser's storage quota for this site is full: could not save ${what} ${tried}. ` +
      'Free space by deleting old models, or export your data (exportAll) and erase it (eraseAll); ' +
      "you can also allow persistent storage or clear other data of this site in the browser's settings.",
  );
}

/** The write that hit the quota, and how to make room for it. */
export interface QuotaRecoveryPlan<T> {
  /** One attempt of the write (its own transaction). */
  readonly write: () => Promise<T>;
  /** Interactions currently stored. */
  readonly storedRows: () => Promise<number>;
  /** Evicts the given number of oldest interactions; returns how many were evicted. */
  readonly evictOldest: (rows: number) => Promise<number>;
  /** Rows whose bytes the write roughly needs. */
  readonly neededRows: number;
  /** Names what is being saved, for the error message. */
  readonly what: string;
  /** Called once rows were evicted (also when the write fails in the end). */
  readonly onEvicted: (evicted: number) => void;
}

/**
 * Runs `plan.write`; on `QuotaExceededError` evicts the oldest interactions (at least
 * {@link QUOTA_EVICT_FRACTION} of them per round, or the rows the write needs) and retries, up to
 * {@link MAX_QUOTA_ROUNDS} rounds. Never evicts models, catalog, checkpoints or metadata.
 *
 * @throws HearthError `STORAGE_QUOTA` when no eviction can make room.
 */
export async function withQuotaRecovery<T>(
  plan: QuotaRecoveryPlan<T>,
): Promise<{ readonly value: T; readonly evicted: number }> {
  let evicted = 0;
  try {
    for (let round = 0; ; round++) {
      try {
        return { value: await plan.write(), evicted };
      } catch (error) {
        if (!isQuotaError(error)) throw error;
        const stored = await plan.storedRows();
        if (stored === 0 || round >= MAX_QUOTA_ROUNDS) throw storageQuotaError(plan.what, evicted);
        const rows = Math.min(
          stored,
          Math.max(plan.neededRows, Math.ceil(stored * QUOTA_EVICT_FRACTION)),
        );
        try {
          evicted += await plan.evictOldest(rows);
        } catch (evictionError) {
          if (isQuotaError(evictionError)) throw storageQuotaError(plan.what, evicted);
          throw evictionError;
        }
      }
    }
  } finally {
    if (evicted > 0) plan.onEvicted(evicted);
  }
}

/** `navigator.storage.estimate()` when available. */
export async function storageEstimate(): Promise<{
  readonly usage: number;
  readonly quota: number;
} | null> {
  const storage = globalThis.navigator?.storage;
  if (typeof storage?.estimate !== 'function') return null;
  const { usage, quota } = await storage.estimate();
  return { usage: usage ?? 0, quota: quota ?? 0 };
}

/** `navigator.storage.persisted()` when available. */
export async function isPersisted(): Promise<boolean | null> {
  const storage = globalThis.navigator?.storage;
  return typeof storage?.persisted === 'function' ? storage.persisted() : null;
}

/** `navigator.storage.persist()` when available (false otherwise). */
export async function requestPersistence(): Promise<boolean> {
  const storage = globalThis.navigator?.storage;
  return typeof storage?.persist === 'function' ? storage.persist() : false;
}
