// Entry of one training thread (a Node worker thread started by thread-executor.ts): it owns one
// slice of every half-step and runs phases on the shared state when the main thread asks; a
// parallel parse (parallel-parse.ts) also asks such threads to parse slices of an input file.
import { parentPort } from 'node:worker_threads';
import {
  createSliceRequestHandler,
  type IalsSliceRequest,
} from '../../core/models/mf/ials-slice-requests';
import { parseSliceInThread } from './parse-slice-thread';
import type { ParseSliceRequest } from './thread-messages';

const port = parentPort;
if (port === null) throw new Error('train-thread runs as a worker thread only.');

const handle = createSliceRequestHandler();
port.on('message', (request: IalsSliceRequest | ParseSliceRequest) => {
  if (request.type === 'parse-slice') {
    void parseSliceInThread(request).then(({ reply, transfer }) =>
      port.postMessage(reply, transfer),
    );
    return;
  }
  port.postMessage(handle(request));
});
