import { CancelledError } from '../core/errors';
import type { StoreChange } from './store-types';

/** Messages between store instances of one database (tabs, workers) on its BroadcastChannel. */
type SyncMessage =
  { readonly type: 'change'; readonly change: StoreChange } | { readonly type: 'close' };

const CHANGE_KINDS: ReadonlySet<string> = new Set([
  'interactions',
  'catalog',
  'model',
  'erased',
  'quota',
  'import-recovered',
]);

function isSyncMessage(data: unknown): data is SyncMessage {
  if (typeof data !== 'object' || data === null) return false;
  const message = data as {
    readonly type?: unknown;
    readonly change?: { readonly kind?: unknown };
  };
  if (message.type === 'close') return true;
  return (
    message.type === 'change' &&
    typeof message.change === 'object' &&
    message.change !== null &&
    typeof message.change.kind === 'string' &&
    CHANGE_KINDS.has(message.change.kind)
  );
}

/** Change notifications shared by every store instance of one database. */
export interface TabSync {
  /** Delivers a change to local listeners and posts it to other instances. */
  publish(change: StoreChange): void;
  /** Asks other instances to close their connection (so the database can be deleted). */
  requestClose(): void;
  /** Subscribes to local and remote changes (remote ones carry `remote: true`). */
  subscribe(listener: (change: StoreChange) => void): () => void;
  dispose(): void;
}

/** Options of {@link createTabSync}. */
export interface TabSyncOptions {
  /** Channel name: `hearth:<dbName>`. */
  readonly channelName: string;
  /** Called when another instance asks every connection to close. */
  readonly onCloseRequest: () => void;
}

function report(error: unknown): void {
  // A failing listener must not break storage or starve the other listeners.
  if (typeof globalThis.reportError === 'function') globalThis.reportError(error);
}

/** Creates the {@link TabSync} of one store instance (BroadcastChannel when available). */
export function createTabSync(options: TabSyncOptions): TabSync {
  const listeners = new Set<(change: StoreChange) => void>();
  const channel =
    typeof BroadcastChannel === 'function' ? new BroadcastChannel(options.channelName) : null;
  const deliver = (change: StoreChange): void => {
    for (const listener of [...listeners]) {
      try {
        listener(change);
      } catch (error) {
        report(error);
      }
    }
  };
  if (channel !== null) {
    channel.onmessage = (event: MessageEvent<unknown>) => {
      if (!isSyncMessage(event.data)) return;
      if (event.data.type === 'close') options.onCloseRequest();
      else deliver({ ...event.data.change, remote: true });
    };
  }
  let disposed = false;
  const post = (message: SyncMessage): void => {
    if (disposed) return;
    try {
      channel?.postMessage(message);
    } catch (error) {
      report(error);
    }
  };
  return {
    publish(change) {
      if (disposed) return;
      deliver(change);
      post({ type: 'change', change });
    },
    requestClose() {
      post({ type: 'close' });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    dispose() {
      disposed = true;
      listeners.clear();
      channel?.close();
    },
  };
}

/**
 * Runs `fn` while holding the Web Lock `name` (exclusive across tabs and workers of the origin).
 * With `wait: false` returns null at once when another holder has it. Without Web Locks (very old
 * browsers) runs `fn` unguarded.
 *
 * @throws CancelledError when `signal` aborts while waiting for the lock.
 */
export async function withWebLock<T>(
  name: string,
  fn: () => Promise<T>,
  options: { readonly wait?: boolean; readonly signal?: AbortSignal } = {},
): Promise<T | null> {
  const locks = globalThis.navigator?.locks;
  const { wait = true, signal } = options;
  if (isAborted(signal)) throw lockCancelled();
  if (typeof locks?.request !== 'function') return fn();
  if (!wait) {
    // `ifAvailable` cannot be combined with `signal`; it never waits, so the signal is moot.
    return locks.request(name, { ifAvailable: true }, async (lock) =>
      lock === null ? null : fn(),
    );
  }
  try {
    return await locks.request(name, signal === undefined ? {} : { signal }, async () => fn());
  } catch (error) {
    if (isAborted(signal) && (error as { readonly name?: unknown }).name === 'AbortError') {
      throw lockCancelled();
    }
    throw error;
  }
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function lockCancelled(): CancelledError {
  return new CancelledError('Waiting for the trainer lock was cancelled; start training again.');
}
