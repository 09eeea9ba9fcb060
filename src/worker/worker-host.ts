import { OptionError } from '../core/errors';
import { createActivityIdleTracker } from './idle-scheduler';
import { createLocalRecommender, type LocalRecommenderDeps } from './local-recommender';
import {
  parseHostRequest,
  unreachable,
  type HostMessage,
  type HostRequest,
  type MessageEndpoint,
  type RequestOf,
  type RequestType,
  type ResultValues,
} from './protocol';
import type { Recommender, RecommenderConfig } from './recommender-types';
import { errorToWire } from './serialize';

/** Options of {@link createWorkerHost}. */
export interface WorkerHostOptions {
  /** Where requests arrive and answers go: the worker's global scope, or any message port. */
  readonly endpoint: MessageEndpoint;
  /** Creates the recommender on `init` (default {@link createLocalRecommender}). */
  readonly createRecommender?: (
    config: RecommenderConfig,
    deps: LocalRecommenderDeps,
  ) => Recommender;
  /** No request for this long counts as idle, when background fine-tuning may run (default 2 s). */
  readonly idleMs?: number;
  /** Called once `dispose` has been answered (the worker entry closes the worker). */
  readonly onDispose?: () => void;
}

/** Serves one client's requests with one recommender. */
export interface WorkerHost {
  /** Stops listening and disposes the recommender. */
  dispose(): void;
}

/**
 * Answers {@link HostRequest}s arriving on `endpoint` with a recommender created on `init`
 * (requests sent before `init` finishes wait for it). Every request gets exactly one `result` or
 * `error` (class and code kept); a train also gets `progress` messages; the recommender's events
 * are forwarded as `event` messages. `cancel` aborts a running train or import.
 */
export function createWorkerHost(options: WorkerHostOptions): WorkerHost {
  const { endpoint } = options;
  const create = options.createRecommender ?? createLocalRecommender;
  const idle = createActivityIdleTracker(
    options.idleMs !== undefined ? { idleMs: options.idleMs } : {},
  );
  const controllers = new Map<number, AbortController>();
  let recommender: Promise<Recommender> | null = null;
  let disposed = false;

  const post = (message: HostMessage): void => endpoint.postMessage(message, []);

  const current = (): Promise<Recommender> =>
    recommender ??
    Promise.reject(
      new OptionError('The Hearth worker got a request before "init"; send init first.'),
    );

  const reply = <T extends RequestType>(_request: RequestOf<T>, value: ResultValues[T]): unknown =>
    value;

  /** A signal for a cancellable request, registered before anything is awaited. */
  const cancellable = (id: number): AbortSignal => {
    const controller = new AbortController();
    controllers.set(id, controller);
    return controller.signal;
  };

  async function handle(request: HostRequest): Promise<unknown> {
    switch (request.type) {
      case 'init': {
        if (recommender) throw new OptionError('The Hearth worker was already initialized.');
        let created: Recommender;
        try {
          created = create(request.config, { scheduleIdle: idle.schedule });
        } catch (error) {
          // Later requests fail with the same (configuration) error instead of "send init first".
          recommender = Promise.reject(error as Error);
          recommender.catch(() => undefined);
          throw error;
        }
        recommender = Promise.resolve(created);
        created.on((event) => post({ type: 'event', event }));
        await created.ready();
        return reply(request, null);
      }
      case 'recommend':
        return reply(request, await (await current()).recommend(request.request));
      case 'track':
        await (await current()).track(request.event);
        return reply(request, null);
      case 'import-interactions': {
        const signal = cancellable(request.id);
        const r = await current();
        return reply(
          request,
          await r.importInteractions(request.input, {
            ...request.options,
            signal,
            onProgress: (progress) => post({ id: request.id, type: 'progress', progress }),
          }),
        );
      }
      case 'import-catalog': {
        const signal = cancellable(request.id);
        const r = await current();
        return reply(request, await r.importCatalog(request.input, { ...request.options, signal }));
      }
      case 'train': {
        const signal = cancellable(request.id);
        const r = await current();
        const report = await r.train({
          ...request.request,
          signal,
          onProgress: (progress) => post({ id: request.id, type: 'progress', progress }),
        });
        return reply(request, report);
      }
      case 'cancel': {
        const controller = controllers.get(request.target);
        controller?.abort();
        return reply(request, controller !== undefined);
      }
      case 'load-model':
        return reply(request, await (await current()).loadModel(request.bytes));
      case 'capabilities':
        return reply(request, await (await current()).capabilities());
      case 'storage':
        return reply(request, await (await current()).storage());
      case 'export':
        return reply(request, await (await current()).exportAll());
      case 'erase':
        return reply(request, await (await current()).eraseAll());
      case 'federated-status':
        return reply(request, await (await current()).federatedStatus());
      case 'federated-consent':
        return reply(request, await (await current()).setFederatedConsent(request.granted));
      case 'participate':
        return reply(request, await (await current()).participate());
      case 'record-exposure':
        return reply(request, await (await current()).recordExposure(request.exposure));
      case 'experiments':
        return reply(request, await (await current()).experiments());
      case 'dispose':
        dispose();
        return reply(request, null);
      default:
        return unreachable(request);
    }
  }

  const onMessage = (event: MessageEvent): void => {
    let request: HostRequest;
    try {
      request = parseHostRequest(event.data);
    } catch (error) {
      const id = (event.data as { id?: unknown } | null)?.id;
      if (typeof id === 'number') post({ id, type: 'error', error: errorToWire(error) });
      return;
    }
    const end = idle.begin();
    handle(request)
      .then(
        (value) => post({ id: request.id, type: 'result', value }),
        (error: unknown) => post({ id: request.id, type: 'error', error: errorToWire(error) }),
      )
      .finally(() => {
        end();
        controllers.delete(request.id);
        if (request.type === 'dispose') options.onDispose?.();
      });
  };

  function dispose(): void {
    if (disposed) return;
    disposed = true;
    endpoint.removeEventListener('message', onMessage);
    for (const controller of controllers.values()) controller.abort();
    idle.dispose();
    recommender?.then((r) => r.dispose()).catch(() => undefined);
  }

  endpoint.addEventListener('message', onMessage);
  endpoint.start?.();
  return { dispose };
}
