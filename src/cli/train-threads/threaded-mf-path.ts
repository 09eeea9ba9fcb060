import { availableParallelism } from 'node:os';
import type { MfComputePath } from '../../core/models/mf/mf-trainer';
import { trainParallelIals } from '../../core/models/mf/ials-parallel-train';
import { trainTypedMf } from '../../core/models/mf/train-typed';
import { createThreadExecutor, type ThreadExecutor } from './thread-executor';

/**
 * Fewest stored pairs for which training uses the threads: below it, starting the slices costs
 * more than it saves (tuning trains many small models), so one thread trains.
 */
export const DEFAULT_MIN_THREADED_PAIRS = 200_000;

/** Options of {@link createThreadedMfPath}. */
export interface ThreadedMfPathOptions {
  /** Threads; 1 trains in this thread. Default: the available cores. */
  readonly threads?: number;
  /** Matrices with fewer stored pairs train in one thread. Default {@link DEFAULT_MIN_THREADED_PAIRS}. */
  readonly minPairs?: number;
  /** Use the WebAssembly SIMD kernels (default true). */
  readonly preferWasm?: boolean;
}

/** The cores Node may run threads on. */
export function defaultThreadCount(): number {
  return Math.max(1, availableParallelism());
}

/**
 * The typed compute path on all cores: each half-step's rows are split across worker threads
 * that share the factors (`trainParallelIals`); the result equals one-thread training up to float
 * round-off. The threads start on the first large enough training run and stop on `dispose()`.
 */
export function createThreadedMfPath(options: ThreadedMfPathOptions = {}): MfComputePath {
  const threads = options.threads ?? defaultThreadCount();
  const minPairs = options.minPairs ?? DEFAULT_MIN_THREADED_PAIRS;
  const preferWasm = options.preferWasm ?? true;
  let executor: ThreadExecutor | null = null;
  return {
    name: 'typed',
    train(matrix, trainOptions) {
      if (threads <= 1 || matrix.indices.length < minPairs) {
        return trainTypedMf(matrix, trainOptions, { preferWasm });
      }
      executor ??= createThreadExecutor({ threads, preferWasm });
      return trainParallelIals(matrix, trainOptions, executor);
    },
    dispose() {
      void executor?.close();
      executor = null;
    },
  };
}
