// Entry of one training thread (a Node worker thread started by thread-executor.ts): it owns one
// slice of every half-step and runs phases on the shared state when the main thread asks.
import { parentPort } from 'node:worker_threads';
import {
  createIalsSliceSolver,
  type IalsSliceSolver,
} from '../../core/models/mf/ials-parallel-slice';
import type { ThreadReply, ThreadRequest } from './thread-messages';

const port = parentPort;
if (port === null) throw new Error('train-thread runs as a worker thread only.');

let solver: IalsSliceSolver | null = null;

port.on('message', (request: ThreadRequest) => {
  let reply: ThreadReply;
  try {
    if (request.type === 'start') {
      solver = createIalsSliceSolver(request.init, request.slice, request.preferWasm);
    } else if (request.type === 'end') {
      solver = null;
    } else {
      if (solver === null) throw new Error('phase requested before start');
      solver.run(request.phase);
    }
    reply = { type: 'done' };
  } catch (error) {
    reply = { type: 'failed', message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
