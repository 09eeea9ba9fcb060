import type { IalsSliceReply, IalsSliceRequest } from '../../core/models/mf/ials-slice-requests';
import type { InteractionParseOptions } from '../../core/data/parse';
import type { InteractionLayout } from '../../core/data/parse/interaction-layout';
import type { InteractionSlice } from '../../core/data/parse/interaction-slices';

/** What the main thread asks a training thread to do. */
export type ThreadRequest = IalsSliceRequest;

/** A training thread's answer to one request. */
export type ThreadReply = IalsSliceReply;

/** Asks a thread to parse bytes [start, end) of an interaction file (both at line boundaries). */
export interface ParseSliceRequest {
  readonly type: 'parse-slice';
  readonly path: string;
  readonly start: number;
  readonly end: number;
  /** Parser options (without a signal: it cannot cross threads). */
  readonly options: Omit<InteractionParseOptions, 'signal'>;
  /** The layout found at the file's start; null for the first slice, which finds it itself. */
  readonly resume: InteractionLayout | null;
  /**
   * Stop with a `quoted` reply at the first `"`: a quoted field may hold a line break, so a cut
   * after this slice might fall inside one.
   */
  readonly stopAtQuote: boolean;
}

/** A thread's answer to a {@link ParseSliceRequest}. */
export type ParseSliceReply =
  | { readonly type: 'parsed-slice'; readonly slice: InteractionSlice }
  | { readonly type: 'quoted' }
  | {
      readonly type: 'parse-failed';
      readonly name: string;
      readonly code: string | null;
      readonly message: string;
    };
