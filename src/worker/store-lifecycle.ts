import type { HearthStore, HearthStoreOptions, StoreChange } from '../storage/store-types';
import { disposedError } from './recommender-checks';

/**
 * The recommender's store: opened on first use, reopened on the next use after an erase (which
 * deletes the database) and subscribed to changes from other tabs while open.
 */
export interface StoreLifecycle {
  /** The open store (opening it if needed); rejects once the recommender is disposed. */
  open(): Promise<HearthStore>;
  /** Unsubscribes and disposes the open store; the next {@link StoreLifecycle.open} reopens. */
  close(): void;
}

/** Options of {@link createStoreLifecycle}. */
export interface StoreLifecycleOptions {
  readonly createStore: (options: HearthStoreOptions) => Promise<HearthStore>;
  readonly storeOptions: HearthStoreOptions;
  readonly onChange: (change: StoreChange) => void;
  readonly isDisposed: () => boolean;
}

/** Creates a {@link StoreLifecycle}; nothing is opened until the first `open()`. */
export function createStoreLifecycle(o: StoreLifecycleOptions): StoreLifecycle {
  let store: Promise<HearthStore> | null = null;
  let unsubscribe: (() => void) | null = null;
  return {
    open() {
      if (o.isDisposed()) return Promise.reject(disposedError());
      if (store) return store;
      const created = o.createStore(o.storeOptions);
      store = created;
      created.then(
        (s) => {
          if (store !== created || o.isDisposed()) return;
          unsubscribe = s.onChange(o.onChange);
        },
        () => {
          // A failed open is retried by the next call.
          if (store === created) store = null;
        },
      );
      return created;
    },
    close() {
      unsubscribe?.();
      unsubscribe = null;
      const closing = store;
      store = null;
      closing?.then((s) => s.dispose()).catch(() => undefined);
    },
  };
}
