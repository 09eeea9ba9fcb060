import type { IalsPhase } from '../../core/models/mf/ials-parallel-slice';
import type { IalsParallelInit } from '../../core/models/mf/ials-parallel-state';

/** What the main thread asks a training thread to do. */
export type ThreadRequest =
  | {
      readonly type: 'start';
      readonly init: IalsParallelInit;
      readonly slice: number;
      readonly preferWasm: boolean;
    }
  | { readonly type: 'run'; readonly phase: IalsPhase }
  | { readonly type: 'end' };

/** A training thread's answer to one request. */
export type ThreadReply =
  { readonly type: 'done' } | { readonly type: 'failed'; readonly message: string };
