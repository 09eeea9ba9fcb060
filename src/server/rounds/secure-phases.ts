/**
 * The secure round's phase machine glue (joining → sharing → collecting → unmasking → closed; the
 * cryptographic bookkeeping is `secure-round.ts`), the triggers that move any round on as soon as
 * everyone expected has acted, and the deadlines applied by `tick`.
 *
 * A phase change first refuses new state-changing requests and waits for every in-flight append,
 * so the sets a phase fixes (members, sharers, survivors) are logged before anyone acts on them.
 */
import type { RoundPhase } from '../../federated/federated-protocol';
import { maskingParamsFor } from '../../federated/masking-graph';
import type { PhaseRecord } from '../federated-store';
import type { SecureRound } from '../secure-round';
import { settle, type OpenRound, type RoundContext } from './round-context';
import { startClose } from './round-closer';
import { applyPhase, openRound } from './round-replay';

type PhasePlan = (s: SecureRound) => Promise<PhaseRecord | { abort: string }>;

/**
 * Changes `r`'s phase: refuses state-changing requests, waits for in-flight ones, plans the next
 * phase from the settled state, logs it and applies it — or aborts the round when the plan says so.
 * One change at a time; a failed append leaves the phase as it was (the next tick retries).
 */
function advance(ctx: RoundContext, r: OpenRound, plan: PhasePlan): Promise<void> {
  if (r.advancing) return r.advancing;
  const s = r.secure;
  if (!s) return Promise.resolve();
  r.sealed = true;
  r.advancing = (async () => {
    await settle(r);
    if (ctx.round !== r || r.phase === 'closed') return;
    const next = await plan(s);
    if ('abort' in next) {
      await startClose(ctx, r, true, next.abort);
      return;
    }
    await ctx.store.append(r.number, next);
    await applyPhase(ctx, r, next);
  })().finally(() => {
    r.sealed = false;
    r.advancing = null;
  });
  return r.advancing;
}

const toSharing =
  (ctx: RoundContext): PhasePlan =>
  async (s) => ({
    type: 'phase',
    phase: 'sharing',
    masking: maskingParamsFor({
      cohort: s.members.size,
      degree: ctx.config.maskingDegree,
      thresholdFraction: ctx.config.secureThreshold,
    }),
  });

const toCollecting =
  (ctx: RoundContext): PhasePlan =>
  async (s) => {
    const plan = s.planCollecting(ctx.config.minCohort);
    return 'abort' in plan ? plan : { type: 'phase', phase: 'collecting', cohort: plan.ok };
  };

const toUnmasking =
  (ctx: RoundContext): PhasePlan =>
  async (s) => {
    const plan = s.planUnmasking(ctx.config.minCohort);
    return 'abort' in plan ? plan : { type: 'phase', phase: 'unmasking', ...plan.ok };
  };

/** Moves on as soon as everyone expected has acted (also re-checked after a restart). */
export async function checkTriggers(ctx: RoundContext, r: OpenRound): Promise<void> {
  if (ctx.round !== r || r.phase === 'closed' || r.advancing || ctx.closing) return;
  const s = r.secure;
  if (!s) {
    if (r.aggregator.count >= r.spec.maxCohort) await startClose(ctx, r, false);
    return;
  }
  if (r.phase === 'joining' && s.members.size >= r.spec.maxCohort) {
    await advance(ctx, r, toSharing(ctx));
  } else if (r.phase === 'sharing' && s.sharers.size === s.members.size) {
    await advance(ctx, r, toCollecting(ctx));
  } else if (r.phase === 'collecting' && s.uploaded.size === s.cohort?.length) {
    await advance(ctx, r, toUnmasking(ctx));
  } else if (r.phase === 'unmasking' && s.responded.size === s.survivors?.length) {
    await startClose(ctx, r, false);
  }
}

/** Runs the triggers after a request; a failure is logged and retried by the next tick. */
export function afterRequest(ctx: RoundContext, r: OpenRound): Promise<void> {
  return checkTriggers(ctx, r).catch((error: unknown) => {
    ctx.log(`phase change failed: ${String(error)}`);
  });
}

/** What is busy (a close or a phase change), if anything. */
export function busyWith(ctx: RoundContext, r: OpenRound | null): Promise<void> | undefined {
  return (ctx.closing ?? r?.advancing) || undefined;
}

/** Applies triggers and deadlines to the open round; resolves when any close it started is done. */
export async function tickRounds(ctx: RoundContext): Promise<void> {
  if (!ctx.round && !ctx.closing) {
    // The last close committed but could not open the next round: open it now.
    await openRound(ctx, ctx.state.roundNumber, []);
    return undefined;
  }
  const r = ctx.round;
  if (!r || ctx.closing || r.advancing || r.phase === 'closed') return busyWith(ctx, r);
  await checkTriggers(ctx, r);
  // The triggers may have moved the round on.
  if (ctx.round !== r || (r.phase as RoundPhase) === 'closed' || r.advancing) {
    return busyWith(ctx, r);
  }
  if (ctx.now() < r.deadline) return undefined;
  const min = r.spec.minCohort;
  if (!r.secure) {
    if (r.aggregator.count >= min) return startClose(ctx, r, false);
    r.deadline = ctx.now() + ctx.config.roundDurationMs;
    return undefined;
  }
  if (r.phase === 'joining') {
    if (r.secure.members.size >= Math.max(2, min)) return advance(ctx, r, toSharing(ctx));
    r.deadline = ctx.now() + ctx.config.roundDurationMs;
    return undefined;
  }
  if (r.phase === 'sharing') return advance(ctx, r, toCollecting(ctx));
  if (r.phase === 'collecting') return advance(ctx, r, toUnmasking(ctx));
  return startClose(ctx, r, false);
}
