import type { SerializedHearthError } from '../../errors';
import { BackendError, HearthError, OptionError, serializeError } from '../../errors';
import type { CsrMatrix } from '../../data/csr-matrix';
import type {
  ComputePathName,
  MfCheckpoint,
  MfComputePath,
  MfTrainOptions,
  MfTrainResult,
} from './mf-trainer';

/** One hand-over from a failed compute path to the next. */
export interface TrainingFallback {
  /** The path that failed. */
  readonly from: ComputePathName;
  /** Why (code `BACKEND_FAILED` or `BACKEND_UNAVAILABLE`). */
  readonly error: SerializedHearthError;
  /** Epoch of the last checkpoint when it failed, where the next path resumes (0 = from scratch). */
  readonly lastCheckpointEpoch: number;
}

/** Options of {@link trainWithFallback}. */
export interface TrainWithFallbackOptions {
  readonly matrix: CsrMatrix;
  /** Training options; `resumeFrom` starts the first path, `onCheckpoint` sees every epoch. */
  readonly train: MfTrainOptions;
  /** Paths to try in turn, e.g. the chosen one then the rest. Owned by the caller (not disposed). */
  readonly order: readonly MfComputePath[];
  /** Called when `from` failed and the next path is about to resume. */
  readonly onFallback?: (from: ComputePathName, error: SerializedHearthError) => void;
}

/** Result of {@link trainWithFallback}: the finishing path's result plus the hand-overs. */
export interface FallbackTrainResult extends MfTrainResult {
  /** Failed paths, in order; empty when the first path finished. */
  readonly fallbacks: readonly TrainingFallback[];
  /** Epoch the finishing path started from (0 = from scratch; `resumeFrom.epoch` if no fallback). */
  readonly resumedFromEpoch: number;
}

/** A path failed in a way another path may not: hand over. Anything else is the caller's problem. */
function isBackendFailure(error: unknown): boolean {
  if (error instanceof HearthError) {
    return (
      error instanceof BackendError &&
      (error.code === 'BACKEND_FAILED' || error.code === 'BACKEND_UNAVAILABLE')
    );
  }
  // A raw exception (e.g. a WebAssembly trap or out-of-memory RangeError) is the path failing.
  return true;
}

/**
 * Trains on the first path of `order`; when a path fails with `BackendError` `BACKEND_FAILED` or
 * `BACKEND_UNAVAILABLE` (e.g. a lost WebGPU device) or a non-Hearth exception, continues on the
 * next path from the last checkpoint, kept in memory (forwarded to `train.onCheckpoint` so the
 * caller can persist it). `CancelledError`, `OptionError`, `DataError` and errors thrown by the
 * caller's callbacks are re-thrown at once. When every path fails, throws `BackendError`
 * `BACKEND_FAILED` naming each failure. `epochMs` covers the finishing path's epochs only.
 */
export async function trainWithFallback(
  options: TrainWithFallbackOptions,
): Promise<FallbackTrainResult> {
  const { matrix, train, order, onFallback } = options;
  if (order.length === 0) {
    throw new OptionError('order must list at least one compute path to train on.');
  }
  let last: MfCheckpoint | null = train.resumeFrom ?? null;
  const fallbacks: TrainingFallback[] = [];
  // Exceptions of the caller's own callback must propagate, whatever a path wraps them in.
  const caller: { failed: boolean; error: unknown } = { failed: false, error: undefined };
  const forward = train.onCheckpoint;
  const onCheckpoint = async (checkpoint: MfCheckpoint): Promise<void> => {
    last = checkpoint;
    if (!forward) return;
    try {
      await forward(checkpoint);
    } catch (error) {
      caller.failed = true;
      caller.error = error;
      throw error;
    }
  };
  for (let p = 0; p < order.length; p++) {
    const path = order[p]!;
    const startEpoch = last?.epoch ?? 0;
    try {
      // `last` is `train.resumeFrom` until a checkpoint arrives.
      const result = await path.train(matrix, {
        ...train,
        ...(last ? { resumeFrom: last } : {}),
        onCheckpoint,
      });
      return { ...result, fallbacks, resumedFromEpoch: startEpoch };
    } catch (error) {
      if (caller.failed) throw caller.error;
      if (!isBackendFailure(error)) throw error;
      const serialized = serializeError(error);
      fallbacks.push({ from: path.name, error: serialized, lastCheckpointEpoch: last?.epoch ?? 0 });
      if (p + 1 < order.length) onFallback?.(path.name, serialized);
    }
  }
  const summary = fallbacks.map((f) => `${f.from}: ${f.error.message}`).join('; ');
  throw new BackendError(
    'BACKEND_FAILED',
    `Training failed on every compute path (${summary}). Reload the page, or train on another path.`,
  );
}
