/**
 * The aggregation server's state machine, independent of HTTP: the global model, the open round
 * (plain: collecting → closed; secure: joining → sharing → collecting → unmasking → closed, see
 * `secure-round.ts`), validation of every request, durable acceptance of updates, aggregation + the
 * server step at close, the privacy ledger, and recovery from the store after a crash.
 *
 * Each concern lives in one file under `rounds/`: `round-context.ts` (shared state),
 * `training-strategy.ts` with `ials-strategy.ts` and `release-strategy.ts` (one per training mode),
 * `update-admission.ts` (what an update must satisfy), `round-replay.ts` (opening and restoring a
 * round), `round-closer.ts` (aggregation, abort and commit), `secure-phases.ts` (phase machine glue,
 * triggers, deadlines), `privacy-ledger.ts` (ε and the budget), and one file per kind of request.
 *
 * Invariants: a request's effect is applied in memory only after the store made its record durable;
 * a phase change or a close first refuses new state-changing requests and waits for every in-flight
 * append, so an acknowledged update (or share, or unmask answer) is always either part of what the
 * next phase uses or replayed from the log after a crash, and the sets a phase fixes (members,
 * sharers, survivors) are logged before anyone acts on them.
 */
import { randomBytes } from 'node:crypto';
import type { MfModel } from '../core/models/mf/mf-model';
import {
  FRAME_PREFIX_BYTES,
  MAX_FRAME_HEADER_BYTES,
  UpdateRejectedError,
  payloadBytes,
  type JoinRequest,
  type JoinResponse,
  type RejectReason,
  type RoundMembers,
  type RoundState,
  type ServerStatus,
  type ShareInbox,
  type SharesRequest,
  type UnmaskRequest,
  type UpdateAck,
} from '../federated/federated-protocol';
import { decodeFederatedModel, encodeFederatedModel } from '../federated/federated-model';
import { createPrivacyAccountant } from '../federated/privacy-accountant';
import { createStatisticsSmoother } from '../federated/statistics-smoother';
import { base64ToBytes } from '../federated/secure-aggregation';
import type { FederatedStore, LoadedState, StoredState } from './federated-store';
import { handleJoin } from './rounds/join-request';
import { createPrivacyLedger } from './rounds/privacy-ledger';
import {
  settle,
  servedModel,
  type RoundClosedEvent,
  type RoundContext,
  type ServedModel,
} from './rounds/round-context';
import { openRound } from './rounds/round-replay';
import { roundStateOf, serverStatus } from './rounds/round-status';
import { handleInbox, handleMembers, handleShares, handleUnmask } from './rounds/secure-requests';
import { checkTriggers, tickRounds } from './rounds/secure-phases';
import { handleUpdate } from './rounds/update-request';
import type { ServerConfig } from './server-config';

export type { RoundClosedEvent, ServedModel } from './rounds/round-context';

/** What the HTTP layer calls. */
export interface RoundManager {
  model(): ServedModel;
  join(request: JoinRequest): Promise<JoinResponse>;
  submitUpdate(roundId: string, body: Uint8Array): Promise<UpdateAck>;
  /** The round's phase; with `lists`, a secure round's sharers, survivors and dropped slots. */
  roundState(roundId: string, lists?: boolean): RoundState;
  /** Secure rounds: member slots, masking parameters and `slot`'s neighbours' keys (`sharing` on). */
  members(roundId: string, slot: number): RoundMembers;
  /** Secure rounds: a member's encrypted shares for its neighbours (`sharing`). */
  postShares(roundId: string, request: SharesRequest): Promise<{ readonly accepted: true }>;
  /** Secure rounds: the encrypted shares addressed to `slot` (from `collecting` on). */
  shareInbox(roundId: string, slot: number): ShareInbox;
  unmask(roundId: string, request: UnmaskRequest): Promise<{ readonly accepted: true }>;
  status(): ServerStatus;
  /** Largest acceptable update body for the open round. */
  maxUpdateBytes(): number;
  /** Largest acceptable JSON body for the open round (shares and unmask answers grow with it). */
  maxJsonBytes(): number;
  /** Counts a rejection made outside the manager (auth, rate limit, routing). */
  countRejection(reason: RejectReason): void;
  /** Applies deadlines; call periodically. Resolves when any close it triggered is done. */
  tick(): Promise<void>;
  /** Waits for in-flight work and closes the store. */
  close(): Promise<void>;
}

/** Options of {@link createRoundManager}. */
export interface RoundManagerOptions {
  readonly store: FederatedStore;
  readonly config: ServerConfig;
  /** Model to start from when the store is empty. */
  readonly initialModel?: MfModel;
  readonly now?: () => number;
  /** Called after each round closes (or aborts) with the new model version. */
  readonly onRoundClosed?: (event: RoundClosedEvent) => void;
  /** Operator log lines (default: stderr, prefixed `hearth-server:`). */
  readonly log?: (message: string) => void;
}

/** The store's state, writing the initial one when the store is empty. */
async function loadOrInitialize(o: RoundManagerOptions): Promise<LoadedState> {
  const loaded = await o.store.load();
  if (loaded) return loaded;
  if (!o.initialModel) {
    throw new UpdateRejectedError(
      'not-found',
      'The store is empty: start the server with an initial model.',
    );
  }
  const state: StoredState = {
    modelVersion: 0,
    roundNumber: 1,
    roundsCompleted: 0,
    privacy: createPrivacyAccountant({ delta: o.config.delta }).toJSON(),
    statistics: createStatisticsSmoother({ numItems: o.initialModel.numItems }).toJSON(),
    secret: randomBytes(32).toString('base64'),
  };
  await o.store.commit(state, encodeFederatedModel({ version: 0, model: o.initialModel }));
  const fresh = await o.store.load();
  if (!fresh) throw new Error('The store lost the initial state.');
  return fresh;
}

/** Loads (or initializes) the store and returns a manager with the open round restored. */
export async function createRoundManager(o: RoundManagerOptions): Promise<RoundManager> {
  const { store, config } = o;
  const loaded = await loadOrInitialize(o);
  const current = decodeFederatedModel(loaded.model);
  const ctx: RoundContext = {
    store,
    config,
    now: o.now ?? Date.now,
    secret: base64ToBytes(loaded.state.secret),
    dp: config.noiseMultiplier > 0,
    state: loaded.state,
    current,
    served: servedModel(current),
    ledger: createPrivacyLedger({ config, state: loaded.state.privacy }),
    smoother: createStatisticsSmoother({
      numItems: current.model.numItems,
      state: loaded.state.statistics,
    }),
    round: null,
    closing: null,
    acceptedTotal: 0,
    rejected: {},
    ...(o.onRoundClosed ? { onRoundClosed: o.onRoundClosed } : {}),
    log: o.log ?? ((message) => void process.stderr.write(`hearth-server: ${message}\n`)),
  };
  await openRound(ctx, loaded.state.roundNumber, loaded.records);
  // A crash may have hit between the last accepted request and the phase change it triggered.
  if (ctx.round) await checkTriggers(ctx, ctx.round);

  return {
    model: () => ctx.served,
    countRejection(reason) {
      ctx.rejected[reason] = (ctx.rejected[reason] ?? 0) + 1;
    },
    maxUpdateBytes: () =>
      FRAME_PREFIX_BYTES + MAX_FRAME_HEADER_BYTES + (ctx.round ? payloadBytes(ctx.round.spec) : 0),
    // A share entry is ~200 bytes of JSON, an unmask entry ~100; one per neighbour (and self).
    maxJsonBytes: () =>
      Math.max(64 * 1024, 4096 + 256 * ((ctx.round?.secure?.masking?.degree ?? 0) + 1)),
    join: (request) => handleJoin(ctx, request),
    submitUpdate: (roundId, body) => handleUpdate(ctx, roundId, body),
    roundState: (roundId, lists = false) => roundStateOf(ctx, roundId, lists),
    members: (roundId, slot) => handleMembers(ctx, roundId, slot),
    postShares: (roundId, request) => handleShares(ctx, roundId, request),
    shareInbox: (roundId, slot) => handleInbox(ctx, roundId, slot),
    unmask: (roundId, request) => handleUnmask(ctx, roundId, request),
    status: () => serverStatus(ctx),
    tick: () => tickRounds(ctx),
    async close() {
      for (;;) {
        const busy = ctx.closing ?? ctx.round?.advancing;
        if (!busy) break;
        await busy.catch(() => undefined);
      }
      if (ctx.round) await settle(ctx.round);
      await store.close();
    },
  };
}
