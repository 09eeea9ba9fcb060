/**
 * The aggregation server's state machine, independent of HTTP: the global model, the open round
 * (plain: collecting → closed; secure: joining → collecting → [unmasking] → closed), validation of
 * every request, durable acceptance of updates, aggregation + the server step at close, the privacy
 * ledger, and recovery from the store after a crash.
 *
 * Invariant: an update is applied to the in-memory aggregate only after the store made it durable,
 * and a round closes only after every in-flight append settled, so an acknowledged update is always
 * either in the aggregate that produced the next model or replayed from the log after a crash.
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
  type RoundPhase,
  type RoundSpec,
  type RoundState,
  type ServerStatus,
  type UnmaskRequest,
  type UpdateAck,
  FRAME_PREFIX_BYTES,
  MAX_FRAME_HEADER_BYTES,
  payloadBytes,
} from '../federated/federated-protocol';
import {
  decodeFederatedModel,
  encodeFederatedModel,
  type VersionedModel,
} from '../federated/federated-model';
import { applyItemStep } from '../federated/item-step';
import {
  createPrivacyAccountant,
  epsilonOf,
  type PrivacyAccountant,
} from '../federated/privacy-accountant';
import {
  buildRoundSpec,
  planRoundRows,
  ringBitsFor,
  roundNoiseMultiplier,
  rowsForBudget,
} from '../federated/round-plan';
import { base64ToBytes, type RevealedSeed } from '../federated/secure-aggregation';
import {
  createStatisticsSmoother,
  type StatisticsSmoother,
} from '../federated/statistics-smoother';
import { checkPlainUpdate, decodePayload } from '../federated/update-codec';
import type { FederatedStore, RoundRecord, StoredState } from './federated-store';
import { createRoundAggregator, type RoundAggregator } from './round-aggregator';
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
  roundState(roundId: string): RoundState;
  unmask(roundId: string, request: UnmaskRequest): Promise<{ readonly accepted: true }>;
  status(): ServerStatus;
  /** Largest acceptable update body for the open round. */
  maxUpdateBytes(): number;
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
  }) => void;
}

interface OpenRound {
  readonly number: number;
  readonly spec: RoundSpec;
  phase: RoundPhase;
  joinDeadline: number;
  uploadDeadline: number;
  unmaskDeadline: number;
  /** Secure: durable participants (slot → key) and the next slot to hand out. */
  readonly participants: Map<number, string>;
  nextSlot: number;
  pendingJoins: number;
  readonly usedTickets: Set<string>;
  readonly nonces: Set<string>;
  readonly pending: Set<Promise<unknown>>;
  /** Tickets whose update is being written (a second upload with one is a replay). */
  readonly pendingTickets: Set<string>;
  pendingUpdates: number;
  readonly uploadedSlots: Set<number>;
  dropped: number[];
  readonly unmasked: Set<number>;
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

  const newSpec = (number: number): RoundSpec => {
    const model = current.model;
    const count = rowsForBudget({
      numItems: model.numItems,
      factors: model.factors,
      ringBits: ringBitsFor(config.aggregation),
      budgetBytes: config.uploadBudget,
    });
    const windows = config.aggregation === 'secure' ? 2 : 1;
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
    const t = now();
    const d = config.roundDurationMs;
    const secure = spec.aggregation === 'secure';
    return {
      number,
      spec,
      phase: secure ? 'joining' : 'collecting',
      joinDeadline: t + d,
      uploadDeadline: t + (secure ? 2 : 1) * d,
      unmaskDeadline: t + 3 * d,
      participants: new Map(),
      nextSlot: 0,
      pendingJoins: 0,
      usedTickets: new Set(),
      nonces: new Set(),
      pending: new Set(),
      pendingTickets: new Set(),
      pendingUpdates: 0,
      uploadedSlots: new Set(),
      dropped: [],
      unmasked: new Set(),
      aggregator: createRoundAggregator(spec, config.aggregator, config.trimFraction),
    };
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
    if (slot !== null) r.uploadedSlots.add(slot);
  };

  const revealedOf = (
    slot: number,
    seeds: readonly { slot: number; seed: string }[],
  ): RevealedSeed[] =>
    seeds.map((s) => ({ survivor: slot, dropped: s.slot, seed: base64ToBytes(s.seed) }));

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
        r.participants.set(rec.slot, rec.publicKey);
        r.nextSlot = Math.max(r.nextSlot, rec.slot + 1);
      } else if (rec.type === 'phase') {
        r.phase = rec.phase;
        r.dropped = [...(rec.dropped ?? [])];
      } else if (rec.type === 'update') {
        applyUpdate(r, rec.ticketId, rec.nonce, rec.weight, rec.payload);
        acceptedTotal++;
      } else if (rec.type === 'unmask') {
        r.aggregator.unmask(revealedOf(rec.slot, rec.seeds));
        r.unmasked.add(rec.slot);
      }
    }
    round = r;
  };

  /** Moves to the next round after `r` (aggregating it unless `abort`). */
  const finishRound = async (r: OpenRound, abort: boolean): Promise<void> => {
    r.phase = 'closed';
    // In-flight appends may still be acknowledged: wait so none is left out of the aggregate.
    while (r.pending.size > 0) await Promise.allSettled([...r.pending]);
    let next = current;
    if (!abort) {
      const sums = r.aggregator.sums();
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
    const nextState: StoredState = {
      ...state,
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
    o.onRoundClosed?.({ roundId: r.spec.roundId, modelVersion: next.version, aborted: abort });
    await openRound(r.number + 1, []);
  };

  const startClose = (r: OpenRound, abort: boolean): Promise<void> => {
    if (closing) return closing;
    const phase = r.phase;
    r.phase = 'closed';
    closing = finishRound(r, abort)
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

  const setPhase = async (r: OpenRound, phase: RoundPhase, dropped?: number[]): Promise<void> => {
    await store.append(r.number, { type: 'phase', phase, ...(dropped ? { dropped } : {}) });
    r.phase = phase;
    if (dropped) r.dropped = dropped;
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
  // A crash may have hit between the last accepted update and the close it triggered.
  const recovered = round as OpenRound | null;
  if (recovered && recovered.phase !== 'closed') {
    const full =
      recovered.spec.aggregation === 'plain'
        ? recovered.aggregator.count >= recovered.spec.maxCohort
        : recovered.phase === 'unmasking'
          ? recovered.unmasked.size === recovered.uploadedSlots.size
          : recovered.phase === 'collecting' &&
            recovered.uploadedSlots.size === recovered.participants.size &&
            recovered.participants.size >= recovered.spec.minCohort;
    if (full) await startClose(recovered, false);
  }

  const manager: RoundManager = {
    model: () => served,
    countRejection,
    maxUpdateBytes: () =>
      FRAME_PREFIX_BYTES + MAX_FRAME_HEADER_BYTES + (round ? payloadBytes(round.spec) : 0),

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
      const deadline = new Date(r.uploadDeadline).toISOString();
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
      if (r.phase !== 'joining')
        return reject(
          'wrong-phase',
          'The secure round stopped taking members; retry after it closes.',
        );
      if (!request.publicKey)
        return reject('bad-request', 'Secure rounds need a publicKey in the join request.');
      if (r.participants.size + r.pendingJoins >= r.spec.maxCohort) {
        return reject('round-full', 'The secure round is full; retry after it closes.');
      }
      const slot = r.nextSlot++;
      r.pendingJoins++;
      try {
        await store.append(r.number, { type: 'join', slot, publicKey: request.publicKey });
      } finally {
        r.pendingJoins--;
      }
      r.participants.set(slot, request.publicKey);
      if (r.participants.size >= r.spec.maxCohort && r.phase === 'joining')
        await setPhase(r, 'collecting');
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
      if (r.phase === 'joining')
        return reject(
          'wrong-phase',
          'The secure round is still gathering members; upload after it starts collecting.',
        );
      if (r.phase !== 'collecting')
        return reject('round-closed', `Round ${h.roundId} no longer accepts updates.`);
      const ticketId = verifyTicket(secret, r.spec.roundId, h.ticket);
      if (ticketId === null)
        return reject('bad-ticket', 'The ticket is not valid for this round; join again.');
      const slot = slotOfTicketId(ticketId);
      if (r.spec.aggregation === 'secure') {
        if (slot === null || !r.participants.has(slot))
          return reject('bad-ticket', 'The ticket is not a member of this secure round.');
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
      const write = store.append(r.number, {
        type: 'update',
        ticketId,
        nonce: h.nonce,
        weight: h.weight,
        payload,
      });
      r.pending.add(write);
      try {
        await write;
      } catch (error) {
        r.nonces.delete(h.nonce);
        throw error;
      } finally {
        r.pending.delete(write);
        r.pendingTickets.delete(ticketId);
        r.pendingUpdates--;
      }
      applyUpdate(r, ticketId, h.nonce, h.weight, payload);
      acceptedTotal++;
      const received = r.aggregator.count;
      if (r.phase === 'collecting') {
        const full =
          r.spec.aggregation === 'secure'
            ? r.uploadedSlots.size === r.participants.size &&
              r.participants.size >= r.spec.minCohort
            : received >= r.spec.maxCohort;
        if (full) void startClose(r, false);
      }
      return { accepted: true, roundId: r.spec.roundId, received };
    },

    roundState(roundId) {
      const r = currentRound(roundId);
      const listed = r.spec.aggregation === 'secure' && r.phase !== 'joining';
      return {
        protocol: FEDERATED_PROTOCOL_VERSION,
        roundId: r.spec.roundId,
        phase: r.phase,
        participants: listed
          ? [...r.participants].map(([slot, publicKey]) => ({ slot, publicKey }))
          : [],
        dropped: r.phase === 'unmasking' ? [...r.dropped] : [],
      };
    },

    async unmask(roundId, request) {
      const r = currentRound(roundId);
      if (r.phase !== 'unmasking')
        return reject('wrong-phase', `Round ${roundId} is not unmasking.`);
      const id = verifyTicket(secret, r.spec.roundId, request.ticket);
      const slot = id === null ? null : slotOfTicketId(id);
      if (slot === null || !r.uploadedSlots.has(slot))
        return reject('bad-ticket', 'Only members whose update arrived can unmask.');
      if (r.unmasked.has(slot)) return reject('replay', 'This member already revealed its seeds.');
      const want = [...r.dropped].sort((a, b) => a - b).join(',');
      const got = request.seeds
        .map((s) => s.slot)
        .sort((a, b) => a - b)
        .join(',');
      if (want !== got)
        return reject(
          'bad-request',
          `Reveal exactly the seeds shared with dropped slots [${want}].`,
        );
      const revealed = revealedOf(slot, request.seeds);
      if (revealed.some((s) => s.seed.length !== 32))
        return reject('bad-request', 'Every seed has 32 bytes.');
      r.unmasked.add(slot);
      try {
        await store.append(r.number, { type: 'unmask', slot, seeds: request.seeds });
      } catch (error) {
        r.unmasked.delete(slot);
        throw error;
      }
      r.aggregator.unmask(revealed);
      if (r.unmasked.size === r.uploadedSlots.size && r.phase === 'unmasking')
        void startClose(r, false);
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
              joined: r.spec.aggregation === 'secure' ? r.participants.size : r.aggregator.count,
              accepted: r.aggregator.count,
              minCohort: r.spec.minCohort,
              maxCohort: r.spec.maxCohort,
              deadline: new Date(r.uploadDeadline).toISOString(),
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
      if (!r || closing || r.phase === 'closed') return closing ?? undefined;
      const t = now();
      const d = config.roundDurationMs;
      const min = r.spec.minCohort;
      if (r.phase === 'joining' && t >= r.joinDeadline) {
        if (r.participants.size >= min) await setPhase(r, 'collecting');
        else r.joinDeadline = t + d;
      } else if (r.phase === 'collecting' && t >= r.uploadDeadline) {
        const got = r.aggregator.count;
        if (r.spec.aggregation === 'plain') {
          if (got >= min) return startClose(r, false);
          r.uploadDeadline = t + d;
        } else if (r.uploadedSlots.size < min) {
          return startClose(r, true);
        } else if (r.uploadedSlots.size === r.participants.size) {
          return startClose(r, false);
        } else {
          const dropped = [...r.participants.keys()].filter((s) => !r.uploadedSlots.has(s));
          r.unmaskDeadline = t + d;
          await setPhase(r, 'unmasking', dropped);
        }
      } else if (r.phase === 'unmasking' && t >= r.unmaskDeadline) {
        return startClose(r, true);
      }
      return undefined;
    },

    async close() {
      while (closing) await closing;
      const r = round;
      if (r) while (r.pending.size > 0) await Promise.allSettled([...r.pending]);
      await store.close();
    },
  };
  return manager;
}
