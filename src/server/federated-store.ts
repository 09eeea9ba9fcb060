/**
 * Durable state of the aggregation server, behind an interface so a shared store (a database, an
 * object store with a write-ahead log) can replace the single-node disk implementation.
 *
 * Contract: `append` resolves only once the record survives a crash of the process or the machine
 * (the server answers 2xx after that); `commit` atomically publishes a new model and moves to a new
 * round, after which the previous round's records are no longer returned by `load`. Records hold no
 * user identity: tickets are random, keys are per-round.
 */
import type { RevealedShare, RoundPhase, RoundSpec } from '../federated/federated-protocol';
import type { MaskingParams } from '../federated/masking-graph';
import type { AccountantState } from '../federated/privacy-accountant';
import type { SmootherState } from '../federated/statistics-smoother';
import { checkRecordShape, RecordShapeError } from './durability/record-shape';
import { jsonErrorDetail } from '../core/data/display-text';

/** Server state that changes only when a round closes. */
export interface StoredState {
  readonly modelVersion: number;
  /** Number of the round that is open (its records are appended under this number). */
  readonly roundNumber: number;
  readonly roundsCompleted: number;
  readonly privacy: AccountantState;
  readonly statistics: SmootherState;
  /** Base64 HMAC key for tickets (shared by every instance using the store). */
  readonly secret: string;
  /**
   * `cooccurrence` training: the released (noisy) popularity of the current cycle, after its
   * popularity round closed and until the pair round publishes a model; absent otherwise.
   */
  readonly releasedPopularity?: readonly number[];
}

/** A secure round's phase change, with the sets it fixes. */
export interface PhaseRecord {
  readonly type: 'phase';
  readonly phase: RoundPhase;
  /** `sharing`: the masking graph's degree and the share threshold. */
  readonly masking?: MaskingParams;
  /** `collecting`: the members that shared their keys (U2). */
  readonly cohort?: readonly number[];
  /** `unmasking`: members whose update arrived (U3) and those that dropped (U2 \ U3). */
  readonly survivors?: readonly number[];
  readonly dropped?: readonly number[];
}

/** One durable event of the open round. */
export type RoundRecord =
  | { readonly type: 'open'; readonly spec: RoundSpec }
  | {
      readonly type: 'join';
      readonly slot: number;
      readonly publicKey: string;
      readonly shareKey?: string;
    }
  | PhaseRecord
  | {
      readonly type: 'shares';
      readonly slot: number;
      /** Recipient slots, in the order of the ciphertexts. */
      readonly to: readonly number[];
      /** The ciphertexts back to back (fixed length each), exactly as relayed. */
      readonly ciphertexts: Uint8Array;
    }
  | {
      readonly type: 'update';
      readonly ticketId: string;
      readonly nonce: string;
      readonly weight: number;
      /** Packed ring elements, exactly as uploaded. */
      readonly payload: Uint8Array;
    }
  | {
      readonly type: 'unmask';
      readonly slot: number;
      readonly selfMaskShares: readonly RevealedShare[];
      readonly keyShares: readonly RevealedShare[];
    };

/** What `load` returns: the committed state, its model file and the open round's records. */
export interface LoadedState {
  readonly state: StoredState;
  readonly model: Uint8Array;
  readonly records: readonly RoundRecord[];
}

/** Persistence of the aggregation server. */
export interface FederatedStore {
  /** The last committed state, or null for an empty store. Repairs a torn log tail. */
  load(): Promise<LoadedState | null>;
  /** Durably appends a record to the open round `roundNumber`. */
  append(roundNumber: number, record: RoundRecord): Promise<void>;
  /** Atomically publishes `model` and `state` (whose `roundNumber` is the new open round). */
  commit(state: StoredState, model: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** Encodes a record as a JSON header and a binary tail (update payload or share ciphertexts). */
export function encodeRecord(record: RoundRecord): Uint8Array {
  const { payload, meta } =
    record.type === 'update'
      ? { payload: record.payload, meta: { ...record, payload: undefined } }
      : record.type === 'shares'
        ? { payload: record.ciphertexts, meta: { ...record, ciphertexts: undefined } }
        : { payload: new Uint8Array(0), meta: record };
  const json = new TextEncoder().encode(JSON.stringify(meta));
  const out = new Uint8Array(4 + json.length + payload.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 4);
  out.set(payload, 4 + json.length);
  return out;
}

/**
 * Inverse of {@link encodeRecord}; throws a {@link RecordShapeError} naming the bad field on malformed
 * input (a header overrunning the record, invalid JSON, a missing or mistyped field).
 */
export function decodeRecord(bytes: Uint8Array): RoundRecord {
  if (bytes.length < 4)
    throw new RecordShapeError('record', `has ${bytes.length} bytes, fewer than 4`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = view.getUint32(0, true);
  if (4 + jsonLength > bytes.length) {
    throw new RecordShapeError('record header', `of ${jsonLength} bytes overruns the record`);
  }
  let meta: unknown;
  try {
    meta = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(4, 4 + jsonLength)),
    );
  } catch (error) {
    throw new RecordShapeError('record header', `is not valid JSON (${jsonErrorDetail(error)})`);
  }
  checkRecordShape(meta);
  const record = meta as RoundRecord;
  if (record.type === 'update') return { ...record, payload: bytes.slice(4 + jsonLength) };
  if (record.type === 'shares') return { ...record, ciphertexts: bytes.slice(4 + jsonLength) };
  return record;
}
