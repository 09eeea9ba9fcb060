import { BackendError } from '../core/errors';
import { trainParallelIals } from '../core/models/mf/ials-parallel-train';
import type { MfComputePath } from '../core/models/mf/mf-trainer';
import { trainTypedMf } from '../core/models/mf/train-typed';
import {
  createHelperExecutor,
  type HelperEndpoint,
  type HelperExecutor,
} from './parallel-executor';
import { HEARTH_WORKER_NAME, PARALLEL_HELPER_NAME } from './parallel-messages';
import { startModuleWorker } from './start-module-worker';

/** Most helper workers one training run starts (8 slices with the training worker's own). */
export const MAX_HELPER_WORKERS = 7;

/**
 * Fewest stored user–item pairs for which training uses helper workers: below it, starting the
 * slices costs more than it saves (tuning trains many small models). The CLI's threads use the
 * same figure.
 */
export const MIN_PARALLEL_PAIRS = 200_000;

/**
 * Helper workers training may start here: `navigator.hardwareConcurrency − 1` (at most
 * {@link MAX_HELPER_WORKERS}) inside Hearth's worker (a dedicated worker named
 * {@link HEARTH_WORKER_NAME}) on a cross-origin isolated page, where `SharedArrayBuffer` exists;
 * 0 elsewhere (training then runs in one worker).
 */
export function parallelHelperCount(scope: object = globalThis): number {
  const g = scope as {
    crossOriginIsolated?: boolean;
    navigator?: { hardwareConcurrency?: number };
    SharedArrayBuffer?: unknown;
    Worker?: unknown;
    WorkerGlobalScope?: unknown;
    name?: unknown;
  };
  if (g.crossOriginIsolated !== true || typeof g.SharedArrayBuffer !== 'function') return 0;
  // Helpers run Hearth's worker script again: only where this is that worker (not a page).
  if (typeof g.WorkerGlobalScope !== 'function' || g.name !== HEARTH_WORKER_NAME) return 0;
  if (typeof g.Worker !== 'function') return 0;
  const cores = g.navigator?.hardwareConcurrency ?? 1;
  return Math.max(0, Math.min(MAX_HELPER_WORKERS, cores - 1));
}

/** Starts one helper: Hearth's own worker script (this one's) under {@link PARALLEL_HELPER_NAME}. */
export function startHelperWorker(): HelperEndpoint {
  const { href } = (globalThis as unknown as { location: { href: string } }).location;
  return startModuleWorker(new URL(href), { type: 'module', name: PARALLEL_HELPER_NAME });
}

/** Options of {@link createParallelMfPath}. */
export interface ParallelMfPathOptions {
  /** Helper workers (see {@link parallelHelperCount}); 0 trains in this worker. */
  readonly helpers: number;
  /** Default {@link startHelperWorker}. */
  readonly startHelper?: () => HelperEndpoint;
  /** Default {@link MIN_PARALLEL_PAIRS}. */
  readonly minPairs?: number;
  /** Use the WebAssembly SIMD kernels (default true). */
  readonly preferWasm?: boolean;
}

/** The typed compute path on several workers, and how many trained its last run. */
export interface ParallelMfPath extends MfComputePath {
  /** Workers that trained the last run: 1 (this one) or `helpers + 1`. */
  lastWorkers(): number;
}

/**
 * The typed compute path with each half-step's rows split across this worker and `helpers`
 * helper workers sharing the factors (`trainParallelIals`): the same algorithm as one worker,
 * equal up to float round-off. Small matrices, and every run after a helper failed, train in this
 * worker alone. The helpers start on the first large run and stop on `dispose()`.
 */
export function createParallelMfPath(options: ParallelMfPathOptions): ParallelMfPath {
  const { helpers } = options;
  const minPairs = options.minPairs ?? MIN_PARALLEL_PAIRS;
  const preferWasm = options.preferWasm ?? true;
  let executor: HelperExecutor | null = null;
  let broken = false;
  let last = 1;
  const alone: MfComputePath['train'] = (matrix, trainOptions) => {
    last = 1;
    return trainTypedMf(matrix, trainOptions, { preferWasm });
  };
  return {
    name: 'typed',
    lastWorkers: () => last,
    async train(matrix, trainOptions) {
      if (helpers < 1 || broken || matrix.indices.length < minPairs) {
        return alone(matrix, trainOptions);
      }
      executor ??= createHelperExecutor({
        helpers,
        startHelper: options.startHelper ?? startHelperWorker,
        preferWasm,
      });
      try {
        const result = await trainParallelIals(matrix, trainOptions, executor);
        last = helpers + 1;
        return result;
      } catch (error) {
        if (!(error instanceof BackendError) || trainOptions.signal?.aborted) throw error;
        // A helper that fails (or never starts) costs the speed, not the run.
        broken = true;
        executor.close();
        executor = null;
        return alone(matrix, trainOptions);
      }
    },
    dispose() {
      executor?.close();
      executor = null;
    },
  };
}
