import { BackendError } from '../core/errors';
import type { IalsPhase } from '../core/models/mf/ials-parallel-slice';
import { createIalsSliceSolver, type IalsSliceSolver } from '../core/models/mf/ials-parallel-slice';
import type { IalsParallelExecutor } from '../core/models/mf/ials-parallel-train';
import type { SliceReply, SliceRequest } from './parallel-messages';

/** A helper worker as the executor uses it (a `Worker`, or a `MessagePort` in tests). */
export interface HelperEndpoint {
  postMessage(message: SliceRequest): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<SliceReply>) => void): void;
  addEventListener(type: 'error', listener: (event: Event) => void): void;
  /** Ports must be started to deliver messages. */
  start?(): void;
  terminate(): void;
}

/** Options of {@link createHelperExecutor}. */
export interface HelperExecutorOptions {
  /** Helper workers; the training worker solves one more slice itself. */
  readonly helpers: number;
  /** Starts one helper (Hearth's worker script under `PARALLEL_HELPER_NAME`). */
  readonly startHelper: () => HelperEndpoint;
  /** Use the WebAssembly SIMD kernels (default true). */
  readonly preferWasm?: boolean;
}

/** An {@link IalsParallelExecutor} on helper Web Workers that also owns them. */
export interface HelperExecutor extends IalsParallelExecutor {
  /** Stops the helpers; the executor cannot start again. */
  close(): void;
}

/**
 * Runs the slices of parallel iALS (`trainParallelIals`) on `helpers` Web Workers plus the
 * calling worker, which solves slice 0 while the helpers solve theirs: `helpers + 1` slices on
 * `helpers + 1` cores. The factors live in one `SharedArrayBuffer`, so the page must be cross-origin
 * isolated. A helper that fails or cannot start rejects the phase with a `BackendError`.
 */
export function createHelperExecutor(options: HelperExecutorOptions): HelperExecutor {
  const preferWasm = options.preferWasm ?? true;
  const helpers = Array.from({ length: options.helpers }, options.startHelper);
  let local: IalsSliceSolver | null = null;
  let failure: Error | null = null;
  let pending: { resolve: () => void; reject: (error: Error) => void; left: number } | null = null;
  let waitingReady = helpers.length;
  let readyResolve!: () => void;
  let readyReject!: (error: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    readyResolve = resolve;
    readyReject = reject;
  });
  ready.catch(() => undefined);
  if (waitingReady === 0) readyResolve();

  const fail = (error: Error): void => {
    failure ??= error;
    readyReject(failure);
    if (pending) {
      const p = pending;
      pending = null;
      p.reject(failure);
    }
  };
  helpers.forEach((helper, h) => {
    helper.addEventListener('message', (event: MessageEvent<SliceReply>) => {
      const reply = event.data;
      if (reply.type === 'ready') {
        if (--waitingReady === 0) readyResolve();
      } else if (reply.type === 'failed') {
        fail(helperError(h, reply.message));
      } else if (pending && --pending.left === 0) {
        const p = pending;
        pending = null;
        p.resolve();
      }
    });
    helper.addEventListener('error', (event: Event) =>
      fail(helperError(h, (event as ErrorEvent).message || 'it could not start')),
    );
    helper.start?.();
  });

  /** Sends one request to every helper, runs `own` here meanwhile, and waits for all replies. */
  const broadcast = async (each: (h: number) => SliceRequest, own: () => void): Promise<void> => {
    await ready;
    if (failure) throw failure;
    if (pending) throw new Error('a phase is already running');
    const replies = new Promise<void>((resolve, reject) => {
      pending = { resolve, reject, left: helpers.length };
      if (helpers.length === 0) resolve();
    });
    helpers.forEach((helper, h) => helper.postMessage(each(h)));
    try {
      own();
    } finally {
      await replies;
    }
  };

  return {
    slices: helpers.length + 1,
    start: (init) =>
      broadcast(
        (h) => ({ type: 'start', init, slice: h + 1, preferWasm }),
        () => {
          local = createIalsSliceSolver(init, 0, preferWasm);
        },
      ),
    run: (phase: IalsPhase) =>
      broadcast(
        () => ({ type: 'run', phase }),
        () => local?.run(phase),
      ),
    end: () => {
      local = null;
      return failure
        ? Promise.resolve()
        : broadcast(
            () => ({ type: 'end' }),
            () => undefined,
          );
    },
    close() {
      for (const helper of helpers) helper.terminate();
    },
  };
}

function helperError(helper: number, reason: string): BackendError {
  return new BackendError(
    'BACKEND_FAILED',
    `Training helper worker ${helper + 1} failed (${reason}); training goes on in one worker.`,
  );
}
