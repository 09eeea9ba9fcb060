/**
 * The state every part of the round manager shares: the durable server state, the global model,
 * the open round and its in-memory bookkeeping. The manager's parts (strategies, replay, close,
 * secure phases, request handlers) are plain functions over one {@link RoundContext}.
 */
import { crc32 } from '../../core/model-file';
import {
  UpdateRejectedError,
  type RejectReason,
  type RoundPhase,
  type RoundSpec,
} from '../../federated/federated-protocol';
import { encodeFederatedModel, type VersionedModel } from '../../federated/federated-model';
import type { StatisticsSmoother } from '../../federated/statistics-smoother';
import type { FederatedStore, RoundRecord, StoredState } from '../federated-store';
import { createRoundAggregator, type RoundAggregator } from '../round-aggregator';
import { createSecureRound, type SecureRound } from '../secure-round';
import type { ServerConfig } from '../server-config';
import type { PrivacyLedger } from './privacy-ledger';

/** The served model: file bytes and cache validator. */
export interface ServedModel {
  readonly version: number;
  readonly bytes: Uint8Array;
  readonly etag: string;
}

/** What `onRoundClosed` receives after each round closes (or aborts). */
export interface RoundClosedEvent {
  readonly roundId: string;
  readonly modelVersion: number;
  readonly aborted: boolean;
  /** Why an aborted round was aborted, when known. */
  readonly reason?: string;
}

/** The open round's in-memory state. */
export interface OpenRound {
  readonly number: number;
  readonly spec: RoundSpec;
  phase: RoundPhase;
  /** When the current phase ends (reset on every phase change). */
  deadline: number;
  /** A phase change is waiting for in-flight appends; state-changing requests are refused. */
  sealed: boolean;
  advancing: Promise<void> | null;
  /** Secure: the next slot to hand out, and joins being written. */
  nextSlot: number;
  pendingJoins: number;
  readonly usedTickets: Set<string>;
  readonly nonces: Set<string>;
  /** In-flight appends together with their in-memory effect. */
  readonly pending: Set<Promise<unknown>>;
  /** Tickets whose update is being written (a second upload with one is a replay). */
  readonly pendingTickets: Set<string>;
  pendingUpdates: number;
  /** Secure rounds only. */
  readonly secure: SecureRound | null;
  readonly aggregator: RoundAggregator;
}

/** Shared, mutable state of one round manager. */
export interface RoundContext {
  readonly store: FederatedStore;
  readonly config: ServerConfig;
  readonly now: () => number;
  /** HMAC key of tickets. */
  readonly secret: Uint8Array;
  /** Whether rounds add DP noise. */
  readonly dp: boolean;
  state: StoredState;
  current: VersionedModel;
  served: ServedModel;
  readonly ledger: PrivacyLedger;
  smoother: StatisticsSmoother;
  round: OpenRound | null;
  closing: Promise<void> | null;
  acceptedTotal: number;
  readonly rejected: Partial<Record<RejectReason, number>>;
  readonly onRoundClosed?: (event: RoundClosedEvent) => void;
  /** Operator log (stderr in production). */
  readonly log: (message: string) => void;
}

/** Throws the protocol's rejection error. */
export const reject = (reason: RejectReason, message: string): never => {
  throw new UpdateRejectedError(reason, message);
};

/** Round ids are `r<number>`. */
export const roundIdOf = (n: number): string => `r${n}`;

/** Encodes `v` for serving (throws when the model cannot be encoded, e.g. a non-finite value). */
export function servedModel(v: VersionedModel): ServedModel {
  const bytes = encodeFederatedModel(v);
  return { version: v.version, bytes, etag: `"v${v.version}-${crc32(bytes).toString(16)}"` };
}

/** A fresh in-memory round for `spec`. */
export function makeRound(ctx: RoundContext, number: number, spec: RoundSpec): OpenRound {
  const secure = spec.aggregation === 'secure';
  return {
    number,
    spec,
    phase: secure ? 'joining' : 'collecting',
    deadline: ctx.now() + ctx.config.roundDurationMs,
    sealed: false,
    advancing: null,
    nextSlot: 0,
    pendingJoins: 0,
    usedTickets: new Set(),
    nonces: new Set(),
    pending: new Set(),
    pendingTickets: new Set(),
    pendingUpdates: 0,
    secure: secure ? createSecureRound(spec.roundId) : null,
    aggregator: createRoundAggregator(spec, ctx.config.aggregator, ctx.config.trimFraction),
  };
}

/** Upload windows before a round's upload deadline: secure rounds first join and share. */
export function windowsOf(ctx: Pick<RoundContext, 'config'>): number {
  return ctx.config.aggregation === 'secure' ? 3 : 1;
}

/** End of the upload window as announced to clients (secure rounds: estimated before it starts). */
export function uploadDeadlineOf(ctx: RoundContext, r: OpenRound): number {
  const d = ctx.config.roundDurationMs;
  if (r.phase === 'joining') return r.deadline + 2 * d;
  if (r.phase === 'sharing') return r.deadline + d;
  return r.deadline;
}

/** Appends `record` and then applies `apply`; phase changes and closes wait for both. */
export async function durable(
  ctx: RoundContext,
  r: OpenRound,
  record: RoundRecord,
  apply: () => void,
): Promise<void> {
  const op = ctx.store.append(r.number, record).then(apply);
  r.pending.add(op);
  try {
    await op;
  } finally {
    r.pending.delete(op);
  }
}

/** Waits until no append of `r` is in flight. */
export async function settle(r: OpenRound): Promise<void> {
  while (r.pending.size > 0) await Promise.allSettled([...r.pending]);
}
