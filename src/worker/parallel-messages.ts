import type { IalsPhase } from '../core/models/mf/ials-parallel-slice';
import type { IalsParallelInit } from '../core/models/mf/ials-parallel-state';

/**
 * `name` of a helper worker: Hearth's worker script started under this name runs slices of
 * parallel training (`parallel-helper.ts`) instead of a recommender.
 */
export const PARALLEL_HELPER_NAME = 'hearth-training-helper';

/** What the training worker asks a helper worker to do. */
export type SliceRequest =
  | {
      readonly type: 'start';
      readonly init: IalsParallelInit;
      readonly slice: number;
      readonly preferWasm: boolean;
    }
  | { readonly type: 'run'; readonly phase: IalsPhase }
  | { readonly type: 'end' };

/** A helper's answer: `ready` once it listens, then one `done` or `failed` per request. */
export type SliceReply =
  | { readonly type: 'ready' }
  | { readonly type: 'done' }
  | { readonly type: 'failed'; readonly message: string };

/** `name` Hearth's own worker is started under (`startHearthWorker`, `createWorkerRecommender`). */
export const HEARTH_WORKER_NAME = 'hearth';
