import { createSliceRequestHandler } from '../core/models/mf/ials-slice-requests';
import type { SliceReply, SliceRequest } from './parallel-messages';
import type { MessageEndpoint } from './protocol';

/**
 * Runs in a helper worker of parallel training: owns one slice of every half-step and runs phases
 * on the shared state (a `SharedArrayBuffer`) when the training worker asks. Says `ready` once it
 * listens, so no request is sent before.
 */
export function serveParallelSlices(scope: MessageEndpoint): void {
  const handle = createSliceRequestHandler();
  const reply = (message: SliceReply): void => scope.postMessage(message, []);
  scope.addEventListener('message', (event) => reply(handle(event.data as SliceRequest)));
  reply({ type: 'ready' });
}
