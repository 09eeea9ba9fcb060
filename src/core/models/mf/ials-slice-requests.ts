/**
 * The messages between the thread that coordinates parallel iALS and the threads (Node worker
 * threads, Web Workers) that each solve one slice, and the request handler those threads run.
 */
import { createIalsSliceSolver, type IalsPhase, type IalsSliceSolver } from './ials-parallel-slice';
import type { IalsParallelInit } from './ials-parallel-state';

/** What the coordinating thread asks a slice thread to do. */
export type IalsSliceRequest =
  | {
      readonly type: 'start';
      readonly init: IalsParallelInit;
      readonly slice: number;
      readonly preferWasm: boolean;
    }
  | { readonly type: 'run'; readonly phase: IalsPhase }
  | { readonly type: 'end' };

/** A slice thread's answer to one request. */
export type IalsSliceReply =
  { readonly type: 'done' } | { readonly type: 'failed'; readonly message: string };

/**
 * The request handler of one slice thread: keeps the slice's solver between requests and turns
 * every failure into a `failed` reply (it never throws).
 */
export function createSliceRequestHandler(): (request: IalsSliceRequest) => IalsSliceReply {
  let solver: IalsSliceSolver | null = null;
  return (request) => {
    try {
      if (request.type === 'start') {
        solver = createIalsSliceSolver(request.init, request.slice, request.preferWasm);
      } else if (request.type === 'end') {
        solver = null;
      } else {
        if (solver === null) throw new Error('phase requested before start');
        solver.run(request.phase);
      }
      return { type: 'done' };
    } catch (error) {
      return { type: 'failed', message: error instanceof Error ? error.message : String(error) };
    }
  };
}
