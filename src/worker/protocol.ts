import type { ComputeCapabilities } from '../core/compute/capabilities';
import type { CatalogParseOptions, ImportReport } from '../core/data/parse';
import { OptionError, type SerializedHearthError } from '../core/errors';
import type { RowRequest } from '../core/serve/row-types';
import type { ImportProgress, InteractionImportOptions } from '../storage/import-options';
import type { StorageReport } from '../storage/store-types';
import type {
  EraseReport,
  FederatedStatus,
  ExperimentExposure,
  ExperimentsStatus,
  RecommendedRow,
  RecommenderConfig,
  RecommenderEvent,
  RecommenderTrainProgress,
  TrackEvent,
  TrainReport,
  TrainRequest,
} from './recommender-types';

/** Parse options as they cross the worker boundary: the signal travels as a `cancel` message. */
export type WireParseOptions<T extends { readonly signal?: AbortSignal }> = Omit<T, 'signal'>;

/** A train request as it crosses the worker boundary (signal → `cancel`, progress → messages). */
export type WireTrainRequest = Omit<TrainRequest, 'signal' | 'onProgress'>;

/** Input of an import as it crosses the worker boundary (both structured-clone cheaply). */
export type WireImportInput = Blob | string;

/** The payload of each request type, next to its `id` and `type`. */
export interface RequestPayloads {
  readonly init: { readonly config: RecommenderConfig };
  readonly recommend: { readonly request: RowRequest };
  readonly track: { readonly event: TrackEvent };
  readonly 'import-interactions': {
    readonly input: WireImportInput;
    readonly options?: Omit<InteractionImportOptions, 'signal' | 'onProgress'>;
  };
  readonly 'import-catalog': {
    readonly input: WireImportInput;
    readonly options?: WireParseOptions<CatalogParseOptions>;
  };
  readonly train: { readonly request: WireTrainRequest };
  /** Aborts the request with id `target` (a train or an import); answers whether one was running. */
  readonly cancel: { readonly target: number };
  /** The bytes' buffer is transferred, not copied. */
  readonly 'load-model': { readonly bytes: Uint8Array };
  readonly capabilities: Record<never, never>;
  readonly storage: Record<never, never>;
  readonly export: Record<never, never>;
  readonly erase: Record<never, never>;
  readonly 'federated-status': Record<never, never>;
  readonly 'federated-consent': { readonly granted: boolean };
  readonly participate: Record<never, never>;
  readonly 'record-exposure': { readonly exposure: ExperimentExposure };
  readonly experiments: Record<never, never>;
  readonly dispose: Record<never, never>;
}

/** The value a `result` response carries for each request type. */
export interface ResultValues {
  readonly init: null;
  readonly recommend: RecommendedRow;
  readonly track: null;
  readonly 'import-interactions': ImportReport;
  readonly 'import-catalog': ImportReport;
  readonly train: TrainReport;
  readonly cancel: boolean;
  readonly 'load-model': number;
  readonly capabilities: ComputeCapabilities;
  readonly storage: StorageReport;
  readonly export: Blob;
  readonly erase: EraseReport;
  readonly 'federated-status': FederatedStatus;
  readonly 'federated-consent': FederatedStatus;
  readonly participate: FederatedStatus;
  readonly 'record-exposure': void;
  readonly experiments: ExperimentsStatus;
  readonly dispose: null;
}

/** Every request type, in protocol order. */
export type RequestType = keyof RequestPayloads;

/** One request of type `T`. */
export type RequestOf<T extends RequestType> = {
  /** Chosen by the client, unique per client; responses carry it back. */
  readonly id: number;
  readonly type: T;
} & RequestPayloads[T];

/** A message from the client to the host: the tagged union of every request. */
export type HostRequest = { [T in RequestType]: RequestOf<T> }[RequestType];

/** A message from the host to the client. */
export type HostMessage =
  | { readonly id: number; readonly type: 'result'; readonly value: unknown }
  | { readonly id: number; readonly type: 'error'; readonly error: SerializedHearthError }
  /** Progress of a train (`RecommenderTrainProgress`) or an import (`ImportProgress`). */
  | {
      readonly id: number;
      readonly type: 'progress';
      readonly progress: RecommenderTrainProgress | ImportProgress;
    }
  | { readonly type: 'event'; readonly event: RecommenderEvent };

const REQUEST_TYPE_SET: Readonly<Record<RequestType, true>> = {
  init: true,
  recommend: true,
  track: true,
  'import-interactions': true,
  'import-catalog': true,
  train: true,
  cancel: true,
  'load-model': true,
  capabilities: true,
  storage: true,
  export: true,
  erase: true,
  'federated-status': true,
  'federated-consent': true,
  participate: true,
  'record-exposure': true,
  experiments: true,
  dispose: true,
};

/** Every request type (derived from a record keyed by the union, so none can be missing). */
export const REQUEST_TYPES = Object.keys(REQUEST_TYPE_SET) as readonly RequestType[];

/** Request types a `cancel` can abort (they take a signal on the {@link Recommender}). */
export const CANCELLABLE_TYPES: readonly RequestType[] = [
  'train',
  'import-interactions',
  'import-catalog',
];

/**
 * Anything that exchanges structured-clone messages: a `Worker`, a worker's global scope, a
 * `MessagePort` (browsers and Node).
 */
export interface MessageEndpoint {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  /** Ports must be started to deliver messages to `addEventListener` listeners. */
  start?(): void;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

const isId = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

function malformed(what: string, data: unknown): OptionError {
  let shown: string;
  try {
    shown = JSON.stringify(data)?.slice(0, 120) ?? String(data);
  } catch {
    shown = String(data);
  }
  return new OptionError(
    `Unexpected Hearth ${what} ${shown}; the page, the worker and the storage must come from the same Hearth build.`,
  );
}

/**
 * Checks a message received by the host and returns it typed. Throws `OptionError` for anything
 * that is not a request (wrong shape, unknown type, missing payload field).
 */
export function parseHostRequest(data: unknown): HostRequest {
  if (!isRecord(data) || !isId(data['id']) || typeof data['type'] !== 'string') {
    throw malformed('worker request', data);
  }
  const type = data['type'];
  if (!(type in REQUEST_TYPE_SET)) throw malformed('worker request type', type);
  const request = data as HostRequest;
  const need = (field: string): void => {
    if (!(field in data))
      throw malformed(`worker "${request.type}" request without "${field}"`, data);
  };
  switch (request.type) {
    case 'init':
      need('config');
      break;
    case 'recommend':
      need('request');
      break;
    case 'track':
      need('event');
      break;
    case 'import-interactions':
    case 'import-catalog':
      need('input');
      break;
    case 'train':
      need('request');
      break;
    case 'cancel':
      if (!isId(data['target'])) throw malformed('worker cancel without a numeric "target"', data);
      break;
    case 'load-model':
      if (!(data['bytes'] instanceof Uint8Array))
        throw malformed('worker load-model without bytes', data);
      break;
    case 'federated-consent':
      if (typeof data['granted'] !== 'boolean')
        throw malformed('worker federated-consent without a boolean "granted"', data);
      break;
    case 'capabilities':
    case 'storage':
    case 'export':
    case 'erase':
    case 'federated-status':
    case 'participate':
    case 'record-exposure':
    case 'experiments':
    case 'dispose':
      break;
    default:
      return unreachable(request);
  }
  return request;
}

/** Checks a message received by the client. Throws `OptionError` when it is not a host message. */
export function parseHostMessage(data: unknown): HostMessage {
  if (!isRecord(data) || typeof data['type'] !== 'string') throw malformed('worker message', data);
  const message = data as HostMessage;
  switch (message.type) {
    case 'event':
      if (!isRecord(data['event'])) throw malformed('worker event', data);
      return message;
    case 'result':
      if (!isId(data['id'])) throw malformed('worker result', data);
      return message;
    case 'error': {
      const error = data['error'];
      if (!isId(data['id']) || !isRecord(error) || typeof error['code'] !== 'string') {
        throw malformed('worker error', data);
      }
      return message;
    }
    case 'progress':
      if (!isId(data['id']) || !isRecord(data['progress']))
        throw malformed('worker progress', data);
      return message;
    default:
      return unreachable(message);
  }
}

/** Exhaustiveness check of a `switch` over a tagged union; reports the unexpected value. */
export function unreachable(value: never, what = 'worker message of unknown type'): never {
  throw malformed(what, value);
}
