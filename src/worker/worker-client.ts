import { BackendError, CancelledError, HearthError, OptionError } from '../core/errors';
import {
  parseHostMessage,
  unreachable,
  type HostMessage,
  type MessageEndpoint,
  type RequestOf,
  type RequestPayloads,
  type RequestType,
  type ResultValues,
} from './protocol';
import type { Recommender, RecommenderConfig } from './recommender-types';
import {
  errorFromWire,
  resolveConfigUrls,
  transferableBytes,
  wireRowRequest,
  withoutSignal,
  wireImportOptions,
} from './serialize';
import { createRecommenderEvents } from './recommender-events';
import { startHearthWorker } from './start-worker';

/** A dedicated worker, or any endpoint speaking the host protocol (a `MessagePort` in tests). */
export type WorkerLike = MessageEndpoint & { terminate?(): void };

/** Options of {@link createWorkerRecommender}. */
export interface WorkerRecommenderOptions {
  /**
   * The worker to talk to (it must run `hearth.worker.ts` or a `createWorkerHost`). Default: a new
   * module worker, terminated by `dispose()`; a worker passed here is left running.
   */
  readonly worker?: WorkerLike;
  /**
   * Where to start the worker from when `worker` is not given: the URL of `hearth.worker.js` in a
   * served copy of the package's `dist/browser/` folder (`npx hearth-recs copy-assets <dir>`), for
   * bundlers that do not copy `new URL(…, import.meta.url)` assets (esbuild). Default: the worker
   * file the bundler emitted.
   */
  readonly workerUrl?: string | URL;
}

/** How long `dispose()` lets the worker shut down cleanly before terminating it. */
const DISPOSE_GRACE_MS = 500;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onProgress?: ((progress: never) => void) | undefined;
  cleanup(): void;
}

interface CallExtras {
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((progress: never) => void) | undefined;
  readonly transfer?: Transferable[];
}

const disposedError = (): HearthError =>
  new HearthError('DISPOSED', 'This recommender was disposed; create a new one.');

function startWorker(workerUrl: string | URL | undefined): WorkerLike {
  if (workerUrl === undefined) return startHearthWorker();
  const base = (globalThis as { location?: { href: string } }).location?.href;
  return new Worker(new URL(workerUrl, base), { type: 'module', name: 'hearth' });
}

/**
 * The {@link Recommender} running in a dedicated Web Worker: every call is a message to a worker
 * host wrapping {@link createLocalRecommender}, so parsing, storage, training and row scoring
 * never block the page. Behaves like the in-thread recommender: errors keep class and code,
 * progress and events are forwarded, aborting a train's signal cancels it in the worker (the call
 * rejects with `CancelledError` once the worker stopped). One difference: `filters.predicate`
 * (a function) cannot be sent and is refused with `OptionError`.
 */
export function createWorkerRecommender(
  config: RecommenderConfig = {},
  options: WorkerRecommenderOptions = {},
): Recommender {
  const ownsWorker = options.worker === undefined;
  const endpoint = options.worker ?? startWorker(options.workerUrl);
  const pending = new Map<number, Pending>();
  const events = createRecommenderEvents();
  const { emit } = events;
  let nextId = 1;
  let disposed = false;
  let started = false;
  let failure: HearthError | null = null;

  const settle = (id: number, how: (p: Pending) => void): void => {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    p.cleanup();
    how(p);
  };

  const failAll = (error: HearthError): void => {
    for (const id of [...pending.keys()]) settle(id, (p) => p.reject(error));
  };

  const onMessage = (event: MessageEvent): void => {
    let message: HostMessage;
    try {
      message = parseHostMessage(event.data);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
      return;
    }
    switch (message.type) {
      case 'event':
        emit(message.event);
        break;
      case 'progress':
        pending.get(message.id)?.onProgress?.(message.progress as never);
        break;
      case 'result':
        settle(message.id, (p) => p.resolve(message.value));
        break;
      case 'error':
        settle(message.id, (p) => p.reject(errorFromWire(message.error)));
        break;
      default:
        unreachable(message);
    }
  };

  const onWorkerError = (event: Event): void => {
    // Before init answers, an error event means the script never ran: nothing will ever answer.
    if (started || disposed) return;
    const detail = (event as ErrorEvent).message || 'the worker script failed to load';
    failure = new BackendError(
      'BACKEND_UNAVAILABLE',
      `The Hearth worker could not start (${detail}); check that hearth.worker.js and its files are served (npx hearth-recs copy-assets <dir>, then pass workerUrl), or use createLocalRecommender.`,
    );
    failAll(failure);
  };

  const post = (message: unknown, transfer: Transferable[]): void =>
    endpoint.postMessage(message, transfer);

  function call<T extends RequestType>(
    type: T,
    payload: RequestPayloads[T],
    extras: CallExtras = {},
  ): Promise<ResultValues[T]> {
    if (disposed) return Promise.reject(disposedError());
    if (failure) return Promise.reject(failure);
    const { signal } = extras;
    if (signal?.aborted) return Promise.reject(new CancelledError());
    const id = nextId++;
    return new Promise<ResultValues[T]>((resolve, reject) => {
      const onAbort = (): void => {
        if (pending.has(id) && !disposed) post({ id: nextId++, type: 'cancel', target: id }, []);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      pending.set(id, {
        resolve: resolve as (value: unknown) => void,
        reject,
        onProgress: extras.onProgress,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      });
      const request = { id, type, ...payload } as RequestOf<T>;
      try {
        post(request, extras.transfer ?? []);
      } catch (error) {
        settle(id, (p) =>
          p.reject(
            new OptionError(
              `The ${type} request cannot be sent to the Hearth worker (${error instanceof Error ? error.message : String(error)}); pass only plain data.`,
            ),
          ),
        );
      }
    });
  }

  endpoint.addEventListener('message', onMessage);
  (endpoint as unknown as EventTarget).addEventListener('error', onWorkerError);
  endpoint.start?.();

  const base = (globalThis as { location?: { href: string } }).location?.href;
  const readyPromise = call('init', { config: resolveConfigUrls(config, base) }).then(() => {
    started = true;
  });
  readyPromise.catch(() => undefined);

  let shut = false;
  const shutDown = (): void => {
    if (shut) return;
    shut = true;
    endpoint.removeEventListener('message', onMessage);
    (endpoint as unknown as EventTarget).removeEventListener('error', onWorkerError);
    if (ownsWorker) endpoint.terminate?.();
  };

  return {
    ready: () => (disposed ? Promise.reject(disposedError()) : readyPromise),

    async recommend(request) {
      return call('recommend', { request: wireRowRequest(request) });
    },

    async track(event) {
      await call('track', { event });
    },

    importInteractions(input, parseOptions) {
      return call(
        'import-interactions',
        { input, ...(parseOptions && { options: wireImportOptions(parseOptions) }) },
        { signal: parseOptions?.signal, onProgress: parseOptions?.onProgress },
      );
    },

    importCatalog(input, parseOptions) {
      return call(
        'import-catalog',
        { input, ...(parseOptions && { options: withoutSignal(parseOptions) }) },
        { signal: parseOptions?.signal },
      );
    },

    train(request = {}) {
      const { signal, onProgress, ...wire } = request;
      return call('train', { request: wire }, { signal, onProgress });
    },

    loadModel(bytes) {
      const owned = transferableBytes(bytes);
      return call('load-model', { bytes: owned.bytes }, { transfer: owned.transfer });
    },

    capabilities: () => call('capabilities', {}),
    storage: () => call('storage', {}),
    exportAll: () => call('export', {}),
    eraseAll: () => call('erase', {}),
    federatedStatus: () => call('federated-status', {}),
    setFederatedConsent: (granted) => call('federated-consent', { granted }),
    participate: () => call('participate', {}),
    recordExposure: (exposure) => call('record-exposure', { exposure }),
    experiments: () => call('experiments', {}),

    on: events.on,

    dispose() {
      if (disposed) return;
      disposed = true;
      failAll(disposedError());
      events.clear();
      // The worker answers once its recommender stopped (a running epoch finishes first); a busy
      // or broken worker is terminated after a grace period anyway.
      const finish = (): void => {
        clearTimeout(timer);
        shutDown();
      };
      const timer = setTimeout(finish, DISPOSE_GRACE_MS);
      const id = nextId++;
      pending.set(id, { resolve: finish, reject: finish, cleanup: () => undefined });
      try {
        post({ id, type: 'dispose' } satisfies RequestOf<'dispose'>, []);
      } catch {
        finish();
      }
    },
  };
}
