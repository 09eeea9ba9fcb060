/**
 * Closing a round: wait for in-flight appends, unmask (secure rounds), build the round's outcome
 * with the training strategy, record its ε, commit the new state and model, and open the next round.
 *
 * A round whose sums cannot make a usable model (the step throws, or the candidate model does not
 * encode, e.g. a non-finite value) is aborted with a logged reason: the model stays as it was, no ε
 * is recorded, and the commit moves on to the next round — so it is never retried, and a replay
 * after a restart cannot bring it back (the commit drops the round's records). Only a failing store
 * commit is retried (by the next tick), from the unchanged durable state.
 */
import { updateLength } from '../../federated/federated-protocol';
import { createStatisticsSmoother } from '../../federated/statistics-smoother';
import type { StoredState } from '../federated-store';
import { servedModel, settle, type OpenRound, type RoundContext } from './round-context';
import { openRound } from './round-replay';
import { strategyFor, type RoundOutcome } from './training-strategy';

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** Restores the smoother from the durable state (its update belongs to a round not committed). */
function resetSmoother(ctx: RoundContext): void {
  ctx.smoother = createStatisticsSmoother({
    numItems: ctx.current.model.numItems,
    state: ctx.state.statistics,
  });
}

/** The outcome of `r` from its sums, or the reason it cannot publish anything. */
async function outcomeOf(
  ctx: RoundContext,
  r: OpenRound,
): Promise<{ readonly outcome: RoundOutcome } | { readonly abort: string }> {
  let delta: Uint32Array | undefined;
  if (r.secure) {
    try {
      delta = await r.secure.unmaskingDelta(updateLength(r.spec.parts), r.spec.ringBits);
    } catch (error) {
      // Too few shares (or inconsistent ones): nothing can be learned, so nothing is published.
      return { abort: `cannot unmask: ${messageOf(error)}` };
    }
  }
  try {
    const { count, weight } = r.aggregator;
    const outcome = strategyFor(ctx).outcome(ctx, r.spec, r.aggregator.sums(delta), count, weight);
    // Encoding checks every value: a candidate that cannot be served is not published.
    servedModel(outcome.next);
    return { outcome };
  } catch (error) {
    resetSmoother(ctx);
    return { abort: `its candidate model is unusable (${messageOf(error)})` };
  }
}

/** Moves to the next round after `r` (aggregating it unless `aborted`). */
async function finishRound(
  ctx: RoundContext,
  r: OpenRound,
  aborted: boolean,
  why?: string,
): Promise<void> {
  r.phase = 'closed';
  // In-flight appends may still be acknowledged: wait so none is left out of the aggregate.
  await settle(r);
  const kept: RoundOutcome = {
    next: ctx.current,
    releasedPopularity: ctx.state.releasedPopularity,
  };
  const result: { readonly outcome: RoundOutcome } | { readonly abort: string | undefined } =
    aborted ? { abort: why } : await outcomeOf(ctx, r);
  const reason = 'abort' in result ? result.abort : undefined;
  const { next, releasedPopularity } = 'outcome' in result ? result.outcome : kept;
  if ('outcome' in result) ctx.ledger.record(r.spec, r.aggregator.count);
  const { releasedPopularity: _previous, ...rest } = ctx.state;
  const nextState: StoredState = {
    ...rest,
    ...(releasedPopularity !== undefined ? { releasedPopularity } : {}),
    modelVersion: next.version,
    roundNumber: r.number + 1,
    roundsCompleted: ctx.state.roundsCompleted + ('outcome' in result ? 1 : 0),
    privacy: ctx.ledger.toJSON(),
    statistics: ctx.smoother.toJSON(),
  };
  const served = servedModel(next);
  await ctx.store.commit(nextState, served.bytes);
  ctx.state = nextState;
  ctx.current = next;
  ctx.served = served;
  if (reason !== undefined) ctx.log(`round ${r.spec.roundId} aborted: ${reason}`);
  ctx.onRoundClosed?.({
    roundId: r.spec.roundId,
    modelVersion: next.version,
    aborted: 'abort' in result,
    ...(reason !== undefined ? { reason } : {}),
  });
  ctx.round = null;
  await openRound(ctx, r.number + 1, []);
}

/**
 * Closes `r` (one close at a time). If nothing could be committed, memory is rolled back to the
 * durable state and the round is left as it was for the next tick to retry; if the next round could
 * not be opened, the next tick opens it.
 */
export function startClose(
  ctx: RoundContext,
  r: OpenRound,
  abort: boolean,
  reason?: string,
): Promise<void> {
  if (ctx.closing) return ctx.closing;
  const phase = r.phase;
  r.phase = 'closed';
  ctx.closing = finishRound(ctx, r, abort, reason)
    .catch((error: unknown) => {
      ctx.log(`closing round ${r.spec.roundId} failed: ${String(error)}`);
      ctx.ledger.reset(ctx.state.privacy);
      resetSmoother(ctx);
      if (ctx.round === r && ctx.state.roundNumber === r.number) r.phase = phase;
    })
    .finally(() => {
      ctx.closing = null;
    });
  return ctx.closing;
}
