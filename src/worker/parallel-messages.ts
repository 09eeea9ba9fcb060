import type { IalsSliceReply, IalsSliceRequest } from '../core/models/mf/ials-slice-requests';

/**
 * `name` of a helper worker: Hearth's worker script started under this name runs slices of
 * parallel training (`parallel-helper.ts`) instead of a recommender.
 */
export const PARALLEL_HELPER_NAME = 'hearth-training-helper';

/** What the training worker asks a helper worker to do. */
export type SliceRequest = IalsSliceRequest;

/** A helper's answer: `ready` once it listens, then one `done` or `failed` per request. */
export type SliceReply = { readonly type: 'ready' } | IalsSliceReply;

/** `name` Hearth's own worker is started under (`startHearthWorker`, `createWorkerRecommender`). */
export const HEARTH_WORKER_NAME = 'hearth';
