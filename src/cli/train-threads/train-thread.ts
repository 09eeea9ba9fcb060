// Entry of one training thread (a Node worker thread started by thread-executor.ts): it owns one
// slice of every half-step and runs phases on the shared state when the main thread asks.
import { parentPort } from 'node:worker_threads';
import {
  createSliceRequestHandler,
  type IalsSliceRequest,
} from '../../core/models/mf/ials-slice-requests';

const port = parentPort;
if (port === null) throw new Error('train-thread runs as a worker thread only.');

const handle = createSliceRequestHandler();
port.on('message', (request: IalsSliceRequest) => port.postMessage(handle(request)));
