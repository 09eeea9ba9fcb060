import { Worker } from 'node:worker_threads';
import { BackendError } from '../../core/errors';
import type { IalsParallelExecutor } from '../../core/models/mf/ials-parallel-train';
import type { ThreadReply, ThreadRequest } from './thread-messages';

/** Options of {@link createThreadExecutor}. */
export interface ThreadExecutorOptions {
  /** Worker threads, one slice each (at least 2; one thread needs no executor). */
  readonly threads: number;
  /** Use the WebAssembly SIMD kernels in the threads (default true). */
  readonly preferWasm?: boolean;
}

/** An {@link IalsParallelExecutor} on Node worker threads that also owns them. */
export interface ThreadExecutor extends IalsParallelExecutor {
  /** Stops the threads; the executor cannot start again. */
  close(): Promise<void>;
}

/**
 * Starts one training thread: the bundled `train-thread.mjs` beside the CLI bundle, or, when the
 * CLI runs from its TypeScript source (e.g. under Vitest), the source through tsx's loader.
 */
export function startThread(): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    // Threads inherit Node's flags; --input-type (a CLI started from `node -e`) refuses a file.
    const execArgv = process.execArgv.filter((flag) => !flag.startsWith('--input-type'));
    return new Worker(new URL('./train-thread.mjs', import.meta.url), { execArgv, stdout: false });
  }
  // Run from the repository (tests, tsx scripts), where tsx is a dev dependency.
  const script = new URL('./train-thread.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(script)}); });`;
  return new Worker(bootstrap, { eval: true, stdout: false });
}

/**
 * Starts `threads` worker threads that run the slices of parallel iALS training
 * (`trainParallelIals`) on shared memory. The threads live until {@link ThreadExecutor.close}, so
 * one executor serves every training run of a command (tuning trains many models).
 */
export function createThreadExecutor(options: ThreadExecutorOptions): ThreadExecutor {
  const preferWasm = options.preferWasm ?? true;
  const workers = Array.from({ length: options.threads }, startThread);
  let pending: { resolve: () => void; reject: (error: Error) => void; left: number } | null = null;
  let failure: Error | null = null;
  let closed = false;

  const fail = (error: Error): void => {
    failure ??= error;
    if (pending) {
      const p = pending;
      pending = null;
      p.reject(failure);
    }
  };
  workers.forEach((worker, t) => {
    worker.on('message', (reply: ThreadReply) => {
      if (reply.type === 'failed') {
        fail(threadError(t, reply.message));
        return;
      }
      if (pending && --pending.left === 0) {
        const p = pending;
        pending = null;
        p.resolve();
      }
    });
    worker.on('error', (error) => fail(threadError(t, error.message)));
    worker.on('exit', (code) => {
      if (!closed) fail(threadError(t, `exited with code ${code}`));
    });
  });

  /** Sends one request to every thread (`each(t)` builds thread t's) and waits for all replies. */
  const broadcast = (each: (t: number) => ThreadRequest): Promise<void> => {
    if (failure) return Promise.reject(failure);
    if (pending) return Promise.reject(new Error('a phase is already running'));
    return new Promise<void>((resolve, reject) => {
      pending = { resolve, reject, left: workers.length };
      workers.forEach((worker, t) => worker.postMessage(each(t)));
    });
  };

  return {
    slices: options.threads,
    start: (init) => broadcast((slice) => ({ type: 'start', init, slice, preferWasm })),
    run: (phase) => broadcast(() => ({ type: 'run', phase })),
    end: () => (failure ? Promise.resolve() : broadcast(() => ({ type: 'end' }))),
    async close() {
      closed = true;
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}

function threadError(thread: number, reason: string): BackendError {
  return new BackendError(
    'BACKEND_FAILED',
    `Training thread ${thread + 1} failed (${reason}); run again with --threads 1 to train in one thread.`,
  );
}
