/**
 * The aggregation server's state machine, independent of HTTP: the global model, the open round
 * (plain: collecting → closed; secure: joining → sharing → collecting → unmasking → closed, see
 * `secure-round.ts`), validation of every request, durable acceptance of updates, aggregation + the
 * server step at close, the privacy ledger, and recovery from the store after a crash.
 *
 * Invariants: a request's effect is applied in memory only after the store made its record durable;
 * a phase change or a close first refuses new state-changing requests and waits for every in-flight
 * append, so an acknowledged update (or share, or unmask answer) is always either part of what the
 * next phase uses or replayed from the log after a crash, and the sets a phase fixes (members,
 * sharers, survivors) are logged before anyone acts on them.
 */
import { randomBytes } from 'node:crypto';
import { crc32 } from '../core/model-file';
import type { MfModel } from '../core/models/mf/mf-model';
import {
  FEDERATED_PROTOCOL_VERSION,
  UpdateRejectedError,
  decodeUpdateFrame,
  type JoinRequest,
  type JoinResponse,
  type RejectReason,
  type RoundMembers,
  type RoundPhase,
  type RoundSpec,
  type RoundState,
  type ServerStatus,
  type ShareInbox,
  type SharesRequest,
  type UnmaskRequest,
  type UpdateAck,
  FRAME_PREFIX_BYTES,
  MAX_FRAME_HEADER_BYTES,
  payloadBytes,
  updateLength,
} from '../federated/federated-protocol';
import {
  decodeFederatedModel,
  encodeFederatedModel,
  type VersionedModel,
} from '../federated/federated-model';
import { applyItemStep } from '../federated/item-step';
import { maskingParamsFor } from '../federated/masking-graph';
import {
  createPrivacyAccountant,
  epsilonOf,
  type PrivacyAccountant,
} from '../federated/privacy-accountant';
import {
  maxHeadForBudget,
  modelFromCooccurrence,
  padFactors,
  POPULARITY_NOISE_RATIO,
  selectHead,
} from '../federated/private-cooccurrence';
import {
  FRAME_HEADER_ALLOWANCE,
  buildReleaseRoundSpec,
  buildRoundSpec,
  planRoundRows,
  ringBitsFor,
  roundNoiseMultiplier,
  rowsForBudget,
} from '../federated/round-plan';
import { base64ToBytes, importPublicKey } from '../federated/secure-aggregation';
import {
  createStatisticsSmoother,
  type StatisticsSmoother,
} from '../federated/statistics-smoother';
import { checkPlainUpdate, decodePayload } from '../federated/update-codec';
import type { FederatedStore, PhaseRecord, RoundRecord, StoredState } from './federated-store';
import { createRoundAggregator, type RoundAggregator } from './round-aggregator';
import { createSecureRound, type SecureRound } from './secure-round';
import type { ServerConfig } from './server-config';
import { issueTicket, randomTicketId, slotOfTicketId, verifyTicket } from './tickets';

/** The served model: file bytes and cache validator. */
export interface ServedModel {
  readonly version: number;
  readonly bytes: Uint8Array;
  readonly etag: string;
}

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
  readonly onRoundClosed?: (event: {
    roundId: string;
    modelVersion: number;
    aborted: boolean;
    /** Why an aborted round was aborted, when known. */
    reason?: string;
  }) => void;
}

interface OpenRound {
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

const reject = (reason: RejectReason, message: string): never => {
  throw new UpdateRejectedError(reason, message);
};

const roundIdOf = (n: number): string => `r${n}`;

function servedModel(v: VersionedModel): ServedModel {
  const bytes = encodeFederatedModel(v);
  return { version: v.version, bytes, etag: `"v${v.version}-${crc32(bytes).toString(16)}"` };
}

/** Loads (or initializes) the store and returns a manager with the open round restored. */
export async function createRoundManager(o: RoundManagerOptions): Promise<RoundManager> {
  const { store, config } = o;
  const now = o.now ?? Date.now;
  let loaded = await store.load();
  if (!loaded) {
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
      privacy: createPrivacyAccountant({ delta: config.delta }).toJSON(),
      statistics: createStatisticsSmoother({ numItems: o.initialModel.numItems }).toJSON(),
      secret: randomBytes(32).toString('base64'),
    };
    await store.commit(state, encodeFederatedModel({ version: 0, model: o.initialModel }));
    loaded = await store.load();
    if (!loaded) throw new Error('The store lost the initial state.');
  }
  let state = loaded.state;
  let current = decodeFederatedModel(loaded.model);
  let served = servedModel(current);
  const secret = base64ToBytes(state.secret);
  let accountant: PrivacyAccountant = createPrivacyAccountant({
    delta: config.delta,
    state: state.privacy,
  });
  let smoother: StatisticsSmoother = createStatisticsSmoother({
    numItems: current.model.numItems,
    state: state.statistics,
  });
  const rejected: Partial<Record<RejectReason, number>> = {};
  let acceptedTotal = 0;
  let closing: Promise<void> | null = null;
  let round: OpenRound | null = null;
  const dp = config.noiseMultiplier > 0;

  const countRejection = (reason: RejectReason): void => {
    rejected[reason] = (rejected[reason] ?? 0) + 1;
  };
  const budgetLeft = (): boolean => !dp || accountant.epsilon() < config.epsilonBudget;

  /** The next round of the private co-occurrence release: popularity first, then the head's pairs. */
  const newReleaseSpec = (number: number, windows: number): RoundSpec => {
    const n = current.model.numItems;
    const popularity = state.releasedPopularity;
    const pairs = popularity !== undefined && popularity.length === n;
    const head = pairs
      ? selectHead(popularity, Math.min(config.headSize, releaseHeadLimit(n)))
          .slice()
          .sort((a, b) => a - b)
      : Array.from({ length: n }, (_, i) => i);
    return buildReleaseRoundSpec({
      release: pairs ? 'pairs' : 'popularity',
      roundId: roundIdOf(number),
      modelVersion: current.version,
      rows: head,
      aggregation: config.aggregation,
      minCohort: config.minCohort,
      maxCohort: config.maxCohort,
      deadline: new Date(now() + windows * config.roundDurationMs).toISOString(),
      noiseMultiplier: pairs
        ? config.noiseMultiplier
        : POPULARITY_NOISE_RATIO * config.noiseMultiplier,
      delta: config.delta,
      epsilonSpent: dp ? accountant.epsilon() : null,
    });
  };

  /** Largest head whose pair upload fits the budget at this server's ring width. */
  const releaseHeadLimit = (numItems: number): number =>
    Math.min(
      numItems,
      maxHeadForBudget({
        budgetBytes: config.uploadBudget,
        bytesPerValue: ringBitsFor(config.aggregation) / 8,
        headerBytes: FRAME_HEADER_ALLOWANCE,
      }),
    );

  const newSpec = (number: number): RoundSpec => {
    if (config.training === 'cooccurrence') {
      return newReleaseSpec(number, config.aggregation === 'secure' ? 3 : 1);
    }
    const model = current.model;
    const count = rowsForBudget({
      numItems: model.numItems,
      factors: model.factors,
      ringBits: ringBitsFor(config.aggregation),
      budgetBytes: config.uploadBudget,
    });
    // Secure rounds announce the end of their upload window: after the join and sharing windows.
    const windows = config.aggregation === 'secure' ? 3 : 1;
    return buildRoundSpec({
      model,
      roundId: roundIdOf(number),
      modelVersion: current.version,
      rows: planRoundRows({
        numItems: model.numItems,
        count,
        round: state.roundsCompleted,
        seed: config.rowSeed,
      }),
      aggregation: config.aggregation,
      minCohort: config.minCohort,
      maxCohort: config.maxCohort,
      deadline: new Date(now() + windows * config.roundDurationMs).toISOString(),
      noiseMultiplier: config.noiseMultiplier,
      delta: config.delta,
      epsilonSpent: dp ? accountant.epsilon() : null,
      ...(config.clipFactors ? { clipFactors: config.clipFactors } : {}),
    });
  };

  const makeRound = (number: number, spec: RoundSpec): OpenRound => {
    const secure = spec.aggregation === 'secure';
    return {
      number,
      spec,
      phase: secure ? 'joining' : 'collecting',
      deadline: now() + config.roundDurationMs,
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
      aggregator: createRoundAggregator(spec, config.aggregator, config.trimFraction),
    };
  };

  /** End of the upload window as announced to clients (secure rounds: estimated before it starts). */
  const uploadDeadlineOf = (r: OpenRound): number => {
    const d = config.roundDurationMs;
    if (r.phase === 'joining') return r.deadline + 2 * d;
    if (r.phase === 'sharing') return r.deadline + d;
    return r.deadline;
  };

  /** Appends `record` and then applies `apply`; phase changes and closes wait for both. */
  const durable = async (r: OpenRound, record: RoundRecord, apply: () => void): Promise<void> => {
    const op = store.append(r.number, record).then(apply);
    r.pending.add(op);
    try {
      await op;
    } finally {
      r.pending.delete(op);
    }
  };

  const settle = async (r: OpenRound): Promise<void> => {
    while (r.pending.size > 0) await Promise.allSettled([...r.pending]);
  };

  /** Applies an already-durable update to the round. */
  const applyUpdate = (
    r: OpenRound,
    ticketId: string,
    nonce: string,
    weight: number,
    payload: Uint8Array,
  ): void => {
    const ring = decodePayload(payload, r.spec);
    r.aggregator.add(
      r.spec.aggregation === 'secure' ? ring : checkPlainUpdate(ring, r.spec),
      weight,
    );
    r.usedTickets.add(ticketId);
    r.nonces.add(nonce);
    const slot = slotOfTicketId(ticketId);
    if (slot !== null) r.secure?.addUpload(slot);
  };

  /** Applies a durable phase record (live and on replay). */
  const applyPhase = async (r: OpenRound, rec: PhaseRecord): Promise<void> => {
    const s = r.secure;
    if (s && rec.phase === 'sharing' && rec.masking) await s.startSharing(rec.masking);
    if (s && rec.phase === 'collecting' && rec.cohort) s.startCollecting(rec.cohort);
    if (s && rec.phase === 'unmasking' && rec.survivors && rec.dropped) {
      s.startUnmasking(rec.survivors, rec.dropped);
    }
    r.phase = rec.phase;
    r.deadline = now() + config.roundDurationMs;
  };

  /** Opens round `number`, restoring it from `records` when it already has some. */
  const openRound = async (number: number, records: readonly RoundRecord[]): Promise<void> => {
    const first = records[0];
    let spec: RoundSpec;
    if (first?.type === 'open') {
      spec = first.spec;
    } else {
      spec = newSpec(number);
      if (budgetLeft()) await store.append(number, { type: 'open', spec });
    }
    const r = makeRound(number, spec);
    if (!budgetLeft() && first?.type !== 'open') r.phase = 'closed';
    for (const rec of records.slice(first?.type === 'open' ? 1 : 0)) {
      if (rec.type === 'join') {
        r.secure?.addMember(rec.slot, { publicKey: rec.publicKey, shareKey: rec.shareKey ?? '' });
        r.nextSlot = Math.max(r.nextSlot, rec.slot + 1);
      } else if (rec.type === 'phase') {
        await applyPhase(r, rec);
      } else if (rec.type === 'shares') {
        r.secure?.addShares(rec.slot, { to: rec.to, ciphertexts: rec.ciphertexts });
      } else if (rec.type === 'update') {
        applyUpdate(r, rec.ticketId, rec.nonce, rec.weight, rec.payload);
        acceptedTotal++;
      } else if (rec.type === 'unmask' && r.secure) {
        const answer = r.secure.parseUnmask(rec.slot, {
          protocol: FEDERATED_PROTOCOL_VERSION,
          ticket: '',
          selfMaskShares: rec.selfMaskShares,
          keyShares: rec.keyShares,
        });
        r.secure.addUnmask(rec.slot, answer);
      }
    }
    round = r;
  };

  /** Moves to the next round after `r` (aggregating it unless `abort`). */
  const finishRound = async (r: OpenRound, aborted: boolean, why?: string): Promise<void> => {
    r.phase = 'closed';
    // In-flight appends may still be acknowledged: wait so none is left out of the aggregate.
    await settle(r);
    let abort = aborted;
    let reason = why;
    let delta: Uint32Array | undefined;
    if (!abort && r.secure) {
      try {
        delta = await r.secure.unmaskingDelta(updateLength(r.spec.parts), r.spec.ringBits);
      } catch (error) {
        // Too few shares (or inconsistent ones): nothing can be learned, so nothing is published.
        abort = true;
        reason = `cannot unmask: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    let next = current;
    let releasedPopularity = state.releasedPopularity;
    if (!abort && r.spec.release) {
      const sums = r.aggregator.sums(delta);
      const cohort = r.aggregator.count;
      if (r.spec.release === 'popularity') {
        releasedPopularity = Array.from(sums.rows);
      } else {
        const part = r.spec.parts[0]!;
        next = {
          version: current.version + 1,
          model: padFactors(
            modelFromCooccurrence({
              numItems: current.model.numItems,
              head: r.spec.rows,
              pairs: sums.rows,
              // Each of `cohort` clients added its share: the sum's noise per entry.
              pairNoiseStd: part.noiseStd * Math.sqrt(cohort),
              popularity: releasedPopularity ?? new Float64Array(current.model.numItems),
              factors: Math.min(config.cooccurrenceRank, current.model.factors),
            }),
            current.model.factors,
          ),
        };
        releasedPopularity = undefined;
      }
      accountant.addRounds({
        noiseMultiplier: roundNoiseMultiplier(r.spec.parts, cohort),
        samplingRate: config.samplingRate,
      });
    } else if (!abort) {
      const sums = r.aggregator.sums(delta);
      const cohort = r.aggregator.count;
      const smoothed = smoother.update({
        rows: r.spec.rows,
        counts: sums.counts,
        gram: sums.gram,
        stats: sums.stats,
        cohort,
        userWeightNorm: current.model.userWeightNorm,
      });
      const step = applyItemStep({
        model: current.model,
        rows: r.spec.rows,
        sums: dp ? { rows: sums.rows, counts: smoothed.counts, gram: smoothed.gram } : sums,
        cohort,
        learningRate: config.learningRate,
        ridge: config.ridge,
        userWeightNorm: smoothed.userWeightNorm,
      });
      accountant.addRounds({
        noiseMultiplier: roundNoiseMultiplier(r.spec.parts, cohort),
        samplingRate: config.samplingRate,
      });
      next = { version: current.version + 1, model: step.model };
    }
    const { releasedPopularity: _previous, ...rest } = state;
    const nextState: StoredState = {
      ...rest,
      ...(releasedPopularity !== undefined ? { releasedPopularity } : {}),
      modelVersion: next.version,
      roundNumber: r.number + 1,
      roundsCompleted: state.roundsCompleted + (abort ? 0 : 1),
      privacy: accountant.toJSON(),
      statistics: smoother.toJSON(),
    };
    await store.commit(nextState, encodeFederatedModel(next));
    state = nextState;
    current = next;
    served = servedModel(next);
    if (abort && reason) {
      process.stderr.write(`hearth-server: round ${r.spec.roundId} aborted: ${reason}\n`);
    }
    o.onRoundClosed?.({
      roundId: r.spec.roundId,
      modelVersion: next.version,
      aborted: abort,
      ...(abort && reason ? { reason } : {}),
    });
    await openRound(r.number + 1, []);
  };

  const startClose = (r: OpenRound, abort: boolean, reason?: string): Promise<void> => {
    if (closing) return closing;
    const phase = r.phase;
    r.phase = 'closed';
    closing = finishRound(r, abort, reason)
      .catch((error: unknown) => {
        // Nothing was committed: roll memory back to the durable state; the next deadline retries.
        process.stderr.write(
          `hearth-server: closing round ${r.spec.roundId} failed: ${String(error)}\n`,
        );
        accountant = createPrivacyAccountant({ delta: config.delta, state: state.privacy });
        smoother = createStatisticsSmoother({
          numItems: current.model.numItems,
          state: state.statistics,
        });
        if (round === r) r.phase = phase;
      })
      .finally(() => {
        closing = null;
      });
    return closing;
  };

  /**
   * Changes `r`'s phase: refuses state-changing requests, waits for in-flight ones, plans the next
   * phase from the settled state, logs it and applies it — or aborts the round when the plan says so.
   * One change at a time; a failed append leaves the phase as it was (the next tick retries).
   */
  const advance = (
    r: OpenRound,
    plan: (s: SecureRound) => Promise<PhaseRecord | { abort: string }>,
  ): Promise<void> => {
    if (r.advancing) return r.advancing;
    const s = r.secure;
    if (!s) return Promise.resolve();
    r.sealed = true;
    r.advancing = (async () => {
      await settle(r);
      if (round !== r || r.phase === 'closed') return;
      const next = await plan(s);
      if ('abort' in next) {
        await startClose(r, true, next.abort);
        return;
      }
      await store.append(r.number, next);
      await applyPhase(r, next);
    })().finally(() => {
      r.sealed = false;
      r.advancing = null;
    });
    return r.advancing;
  };

  const toSharing = async (s: SecureRound): Promise<PhaseRecord> => ({
    type: 'phase',
    phase: 'sharing',
    masking: maskingParamsFor({
      cohort: s.members.size,
      degree: config.maskingDegree,
      thresholdFraction: config.secureThreshold,
    }),
  });
  const toCollecting = async (s: SecureRound): Promise<PhaseRecord | { abort: string }> => {
    const plan = s.planCollecting(config.minCohort);
    return 'abort' in plan ? plan : { type: 'phase', phase: 'collecting', cohort: plan.ok };
  };
  const toUnmasking = async (s: SecureRound): Promise<PhaseRecord | { abort: string }> => {
    const plan = s.planUnmasking(config.minCohort);
    return 'abort' in plan ? plan : { type: 'phase', phase: 'unmasking', ...plan.ok };
  };

  /** Moves on as soon as everyone expected has acted (also re-checked after a restart). */
  const checkTriggers = async (r: OpenRound): Promise<void> => {
    if (round !== r || r.phase === 'closed' || r.advancing || closing) return;
    const s = r.secure;
    if (!s) {
      if (r.aggregator.count >= r.spec.maxCohort) await startClose(r, false);
      return;
    }
    if (r.phase === 'joining' && s.members.size >= r.spec.maxCohort) {
      await advance(r, toSharing);
    } else if (r.phase === 'sharing' && s.sharers.size === s.members.size) {
      await advance(r, toCollecting);
    } else if (r.phase === 'collecting' && s.uploaded.size === s.cohort?.length) {
      await advance(r, toUnmasking);
    } else if (r.phase === 'unmasking' && s.responded.size === s.survivors?.length) {
      await startClose(r, false);
    }
  };

  /** Runs the triggers after a request; a failure is logged and retried by the next tick. */
  const afterRequest = (r: OpenRound): Promise<void> =>
    checkTriggers(r).catch((error: unknown) => {
      process.stderr.write(`hearth-server: phase change failed: ${String(error)}\n`);
    });

  const secureRound = (r: OpenRound): SecureRound => {
    if (!r.secure) return reject('not-found', `Round ${r.spec.roundId} is not a secure round.`);
    return r.secure;
  };

  /** The slot of a secure-round ticket, or a `bad-ticket` rejection. */
  const slotOf = (r: OpenRound, ticket: string): number => {
    const id = verifyTicket(secret, r.spec.roundId, ticket);
    const slot = id === null ? null : slotOfTicketId(id);
    if (slot === null || !r.secure?.members.has(slot)) {
      return reject('bad-ticket', 'The ticket is not a member of this secure round.');
    }
    return slot;
  };

  /** Runs `write` unless another request with the same `key` is being written (`replay`). */
  const once = async (r: OpenRound, key: string, write: () => Promise<void>): Promise<void> => {
    if (r.pendingTickets.has(key))
      return reject('replay', 'The same request is already in flight.');
    r.pendingTickets.add(key);
    try {
      await write();
    } finally {
      r.pendingTickets.delete(key);
    }
  };

  /** Refuses requests of `phase` while the round is elsewhere or changing phase. */
  const needPhase = (r: OpenRound, phase: RoundPhase, what: string): void => {
    if (r.sealed && r.phase === phase) {
      reject('wrong-phase', `Round ${r.spec.roundId} is changing phase; retry in a moment.`);
    }
    if (r.phase === phase) return;
    const order: RoundPhase[] = ['joining', 'sharing', 'collecting', 'unmasking', 'closed'];
    if (order.indexOf(r.phase) > order.indexOf(phase)) {
      reject('round-closed', `Round ${r.spec.roundId} is past ${phase}; ${what} is too late.`);
    }
    reject('wrong-phase', `Round ${r.spec.roundId} is ${r.phase}; ${what} comes later.`);
  };

  const currentRound = (roundId: string): OpenRound => {
    const r = round;
    if (!r || roundId !== r.spec.roundId) {
      const n = /^r(\d+)$/.exec(roundId);
      if (n && r && Number(n[1]) < r.number)
        return reject('round-closed', `Round ${roundId} is over; join the current round.`);
      return reject('unknown-round', `There is no round ${roundId}.`);
    }
    return r;
  };

  await openRound(state.roundNumber, loaded.records);
  // A crash may have hit between the last accepted request and the phase change it triggered.
  const recovered = round as OpenRound | null;
  if (recovered) await checkTriggers(recovered);

  const manager: RoundManager = {
    model: () => served,
    countRejection,
    maxUpdateBytes: () =>
      FRAME_PREFIX_BYTES + MAX_FRAME_HEADER_BYTES + (round ? payloadBytes(round.spec) : 0),
    // A share entry is ~200 bytes of JSON, an unmask entry ~100; one per neighbour (and self).
    maxJsonBytes: () =>
      Math.max(64 * 1024, 4096 + 256 * ((round?.secure?.masking?.degree ?? 0) + 1)),

    async join(request) {
      const r = round;
      if (!r || r.phase === 'closed') {
        return reject(
          'round-closed',
          budgetLeft()
            ? 'The round is closing; retry in a few seconds.'
            : 'The privacy budget is spent; training has stopped.',
        );
      }
      const deadline = new Date(uploadDeadlineOf(r)).toISOString();
      if (r.spec.aggregation === 'plain') {
        if (r.aggregator.count + r.pendingUpdates >= r.spec.maxCohort) {
          return reject(
            'round-full',
            'The round has all the updates it needs; retry after it closes.',
          );
        }
        const id = randomTicketId();
        return {
          round: { ...r.spec, deadline },
          ticket: issueTicket(secret, r.spec.roundId, id),
          slot: -1,
        };
      }
      const s = secureRound(r);
      if (r.phase !== 'joining' || r.sealed)
        return reject(
          'wrong-phase',
          'The secure round stopped taking members; retry after it closes.',
        );
      const { publicKey, shareKey } = request;
      if (!publicKey || !shareKey) {
        return reject(
          'bad-request',
          'Secure rounds need a publicKey and a shareKey in the join request.',
        );
      }
      try {
        await Promise.all([importPublicKey(publicKey), importPublicKey(shareKey)]);
      } catch {
        return reject('bad-request', 'publicKey and shareKey must be raw P-256 points (base64).');
      }
      if (publicKey === shareKey) {
        return reject('bad-request', 'publicKey and shareKey must be different key pairs.');
      }
      if (s.members.size + r.pendingJoins >= r.spec.maxCohort) {
        return reject('round-full', 'The secure round is full; retry after it closes.');
      }
      // Re-checked after the awaits above: the phase may have changed meanwhile.
      if (r !== round || r.phase !== 'joining' || r.sealed) {
        return reject(
          'wrong-phase',
          'The secure round stopped taking members; retry after it closes.',
        );
      }
      const slot = r.nextSlot++;
      r.pendingJoins++;
      try {
        await durable(r, { type: 'join', slot, publicKey, shareKey }, () =>
          s.addMember(slot, { publicKey, shareKey }),
        );
      } finally {
        r.pendingJoins--;
      }
      await afterRequest(r);
      return {
        round: { ...r.spec, deadline },
        ticket: issueTicket(secret, r.spec.roundId, `s${slot}`),
        slot,
      };
    },

    async submitUpdate(pathRoundId, body) {
      const frame = decodeUpdateFrame(body);
      const h = frame.header;
      if (h.roundId !== pathRoundId) {
        return reject(
          'bad-request',
          `The update is for round ${h.roundId} but was posted to round ${pathRoundId}.`,
        );
      }
      const r = currentRound(h.roundId);
      if (r.secure) needPhase(r, 'collecting', 'an update');
      if (r.phase !== 'collecting')
        return reject('round-closed', `Round ${h.roundId} no longer accepts updates.`);
      const ticketId = verifyTicket(secret, r.spec.roundId, h.ticket);
      if (ticketId === null)
        return reject('bad-ticket', 'The ticket is not valid for this round; join again.');
      const slot = slotOfTicketId(ticketId);
      if (r.secure) {
        if (slot === null || !r.secure.members.has(slot))
          return reject('bad-ticket', 'The ticket is not a member of this secure round.');
        if (!r.secure.inCohort(slot))
          return reject(
            'bad-ticket',
            'This member did not share its keys in time; it cannot upload in this round.',
          );
        if (h.weight !== 1)
          return reject(
            'out-of-range',
            'Secure rounds only accept weight 1 (masked sums cannot be weighted).',
          );
      }
      if (r.usedTickets.has(ticketId) || r.pendingTickets.has(ticketId)) {
        return reject('replay', 'This ticket already delivered an update in this round.');
      }
      if (r.nonces.has(h.nonce))
        return reject('replay', 'This nonce was already used in this round.');
      const ring = decodePayload(frame.payload, r.spec);
      if (r.spec.aggregation === 'plain') checkPlainUpdate(ring, r.spec);
      if (r.aggregator.count + r.pendingUpdates >= r.spec.maxCohort) {
        return reject(
          'round-full',
          'The round has all the updates it needs; retry after it closes.',
        );
      }
      r.nonces.add(h.nonce);
      r.pendingTickets.add(ticketId);
      r.pendingUpdates++;
      const payload = frame.payload.slice();
      const record: RoundRecord = {
        type: 'update',
        ticketId,
        nonce: h.nonce,
        weight: h.weight,
        payload,
      };
      try {
        await durable(r, record, () => {
          applyUpdate(r, ticketId, h.nonce, h.weight, payload);
          acceptedTotal++;
        });
      } catch (error) {
        r.nonces.delete(h.nonce);
        throw error;
      } finally {
        r.pendingTickets.delete(ticketId);
        r.pendingUpdates--;
      }
      const received = r.aggregator.count;
      if (r.secure) await afterRequest(r);
      else if (r.phase === 'collecting' && received >= r.spec.maxCohort) void startClose(r, false);
      return { accepted: true, roundId: r.spec.roundId, received };
    },

    roundState(roundId, lists = false) {
      const r = currentRound(roundId);
      const s = lists ? r.secure : null;
      const unmasking = r.phase === 'unmasking';
      return {
        protocol: FEDERATED_PROTOCOL_VERSION,
        roundId: r.spec.roundId,
        phase: r.phase,
        phaseEndsInMs: Math.max(0, Math.round(r.deadline - now())),
        sharers: s?.cohort ? [...s.cohort] : [],
        survivors: unmasking && s?.survivors ? [...s.survivors] : [],
        dropped: unmasking && s?.dropped ? [...s.dropped] : [],
      };
    },

    members(roundId, slot) {
      const r = currentRound(roundId);
      const s = secureRound(r);
      if (!s.masking) return reject('wrong-phase', `Round ${roundId} is still gathering members.`);
      if (!s.members.has(slot))
        return reject('not-found', `Slot ${slot} is not a member of ${roundId}.`);
      return s.roster(slot);
    },

    async postShares(roundId, request) {
      const r = currentRound(roundId);
      const s = secureRound(r);
      needPhase(r, 'sharing', 'posting shares');
      const slot = slotOf(r, request.ticket);
      const shares = s.parseShares(slot, request);
      await once(r, `shares:${slot}`, () =>
        durable(r, { type: 'shares', slot, ...shares }, () => s.addShares(slot, shares)),
      );
      await afterRequest(r);
      return { accepted: true };
    },

    shareInbox(roundId, slot) {
      const r = currentRound(roundId);
      const s = secureRound(r);
      if (!s.cohort)
        return reject('wrong-phase', `Round ${roundId} has not fixed its sharers yet.`);
      if (!s.inCohort(slot))
        return reject('not-found', `Slot ${slot} did not share its keys in round ${roundId}.`);
      return s.inbox(slot);
    },

    async unmask(roundId, request) {
      const r = currentRound(roundId);
      const s = secureRound(r);
      needPhase(r, 'unmasking', 'unmasking');
      const slot = slotOf(r, request.ticket);
      if (!s.isSurvivor(slot))
        return reject('bad-ticket', 'Only members whose update arrived can unmask.');
      const answer = s.parseUnmask(slot, request);
      const record: RoundRecord = {
        type: 'unmask',
        slot,
        selfMaskShares: request.selfMaskShares,
        keyShares: request.keyShares,
      };
      await once(r, `unmask:${slot}`, () => durable(r, record, () => s.addUnmask(slot, answer)));
      // Closing reconstructs every secret: do not hold this answer back for it.
      void afterRequest(r);
      return { accepted: true };
    },

    status() {
      const r = round;
      const eps = dp ? accountant.epsilon() : null;
      const perRound = dp
        ? epsilonOf(
            { noiseMultiplier: config.noiseMultiplier, samplingRate: config.samplingRate },
            config.delta,
          )
        : null;
      return {
        protocol: FEDERATED_PROTOCOL_VERSION,
        modelVersion: current.version,
        roundsCompleted: state.roundsCompleted,
        round: r
          ? {
              roundId: r.spec.roundId,
              phase: r.phase,
              aggregation: r.spec.aggregation,
              joined: r.secure ? r.secure.members.size : r.aggregator.count,
              accepted: r.aggregator.count,
              minCohort: r.spec.minCohort,
              maxCohort: r.spec.maxCohort,
              deadline: new Date(uploadDeadlineOf(r)).toISOString(),
              rows: r.spec.rows.length,
            }
          : null,
        privacy: {
          noiseMultiplier: config.noiseMultiplier,
          delta: config.delta,
          epsilon: eps,
          perRoundEpsilon: perRound,
          epsilonBudget: Number.isFinite(config.epsilonBudget) ? config.epsilonBudget : null,
        },
        acceptedTotal,
        rejected: { ...rejected },
      };
    },

    async tick() {
      const r = round;
      if (!r || closing || r.advancing || r.phase === 'closed') {
        return (closing ?? r?.advancing) || undefined;
      }
      await checkTriggers(r);
      // The triggers may have moved the round on.
      if (round !== r || (r.phase as RoundPhase) === 'closed' || r.advancing) {
        return (closing ?? r.advancing) || undefined;
      }
      if (now() < r.deadline) return undefined;
      const min = r.spec.minCohort;
      if (!r.secure) {
        if (r.aggregator.count >= min) return startClose(r, false);
        r.deadline = now() + config.roundDurationMs;
        return undefined;
      }
      if (r.phase === 'joining') {
        if (r.secure.members.size >= Math.max(2, min)) return advance(r, toSharing);
        r.deadline = now() + config.roundDurationMs;
        return undefined;
      }
      if (r.phase === 'sharing') return advance(r, toCollecting);
      if (r.phase === 'collecting') return advance(r, toUnmasking);
      return startClose(r, false);
    },

    async close() {
      for (;;) {
        const busy = closing ?? round?.advancing;
        if (!busy) break;
        await busy.catch(() => undefined);
      }
      const r = round;
      if (r) await settle(r);
      await store.close();
    },
  };
  return manager;
}
