/** The read-only views of the manager: `GET /v1/status` and a round's phase. */
import {
  FEDERATED_PROTOCOL_VERSION,
  type RoundState,
  type ServerStatus,
} from '../../federated/federated-protocol';
import { uploadDeadlineOf, type RoundContext } from './round-context';
import { currentRound } from './request-guards';

/** The server's status: model, open round, privacy ledger and request counters. */
export function serverStatus(ctx: RoundContext): ServerStatus {
  const { config } = ctx;
  const r = ctx.round;
  return {
    protocol: FEDERATED_PROTOCOL_VERSION,
    modelVersion: ctx.current.version,
    roundsCompleted: ctx.state.roundsCompleted,
    round: r
      ? {
          roundId: r.spec.roundId,
          phase: r.phase,
          aggregation: r.spec.aggregation,
          joined: r.secure ? r.secure.members.size : r.aggregator.count,
          accepted: r.aggregator.count,
          minCohort: r.spec.minCohort,
          maxCohort: r.spec.maxCohort,
          deadline: new Date(uploadDeadlineOf(ctx, r)).toISOString(),
          rows: r.spec.rows.length,
        }
      : null,
    privacy: {
      noiseMultiplier: config.noiseMultiplier,
      delta: config.delta,
      epsilon: ctx.dp ? ctx.ledger.epsilon() : null,
      perRoundEpsilon: ctx.ledger.perRoundEpsilon(),
      epsilonBudget: Number.isFinite(config.epsilonBudget) ? config.epsilonBudget : null,
    },
    acceptedTotal: ctx.acceptedTotal,
    rejected: { ...ctx.rejected },
  };
}

/** The round's phase; with `lists`, a secure round's sharers, survivors and dropped slots. */
export function roundStateOf(ctx: RoundContext, roundId: string, lists: boolean): RoundState {
  const r = currentRound(ctx, roundId);
  const s = lists ? r.secure : null;
  const unmasking = r.phase === 'unmasking';
  return {
    protocol: FEDERATED_PROTOCOL_VERSION,
    roundId: r.spec.roundId,
    phase: r.phase,
    phaseEndsInMs: Math.max(0, Math.round(r.deadline - ctx.now())),
    sharers: s?.cohort ? [...s.cohort] : [],
    survivors: unmasking && s?.survivors ? [...s.survivors] : [],
    dropped: unmasking && s?.dropped ? [...s.dropped] : [],
  };
}
