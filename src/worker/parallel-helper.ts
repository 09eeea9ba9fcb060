import { createIalsSliceSolver, type IalsSliceSolver } from '../core/models/mf/ials-parallel-slice';
import type { SliceReply, SliceRequest } from './parallel-messages';
import type { MessageEndpoint } from './protocol';

/**
 * Runs in a helper worker of parallel training: owns one slice of every half-step and runs phases
 * on the shared state (a `SharedArrayBuffer`) when the training worker asks. Says `ready` once it
 * listens, so no request is sent before.
 */
export function serveParallelSlices(scope: MessageEndpoint): void {
  let solver: IalsSliceSolver | null = null;
  const reply = (message: SliceReply): void => scope.postMessage(message, []);
  scope.addEventListener('message', (event) => {
    const request = event.data as SliceRequest;
    try {
      if (request.type === 'start') {
        solver = createIalsSliceSolver(request.init, request.slice, request.preferWasm);
      } else if (request.type === 'end') {
        solver = null;
      } else {
        if (solver === null) throw new Error('phase requested before start');
        solver.run(request.phase);
      }
      reply({ type: 'done' });
    } catch (error) {
      reply({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  });
  reply({ type: 'ready' });
}
