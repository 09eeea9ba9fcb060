import type { IalsSliceReply, IalsSliceRequest } from '../../core/models/mf/ials-slice-requests';

/** What the main thread asks a training thread to do. */
export type ThreadRequest = IalsSliceRequest;

/** A training thread's answer to one request. */
export type ThreadReply = IalsSliceReply;
