/**
 * The secure-round steps of `participateInRound` (federated-client.ts) between joining and returning: waiting for
 * the cohort, sharing keys, reading this device's shares, building the upload mask, and answering
 * the unmasking request — with polling and retries that ride out rate limits, network failures and
 * server restarts. Browser-safe.
 */
import { DataError } from '../core/errors';
import type { FederatedClient } from './federated-client';
import {
  FEDERATED_PROTOCOL_VERSION,
  UpdateRejectedError,
  updateLength,
  type JoinResponse,
  type RoundSpec,
  type RoundState,
} from './federated-protocol';
import type { SecureRoundSession } from './secure-round-session';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Failures worth another poll: rate limiting, the network, 5xx answers (e.g. a server restart). */
function isTransient(error: unknown): boolean {
  if (error instanceof UpdateRejectedError) return error.reason === 'rate-limited';
  if (error instanceof DataError) return error.code === 'UPDATE_REJECTED';
  return error instanceof TypeError;
}

/** Retries `call` on transient failures until `untilMs`; then rethrows. */
async function retrying<T>(call: () => Promise<T>, pollMs: number, untilMs: number): Promise<T> {
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!isTransient(error) || Date.now() > untilMs) throw error;
      await sleep(pollMs);
    }
  }
}

/**
 * Polls the round (without its slot lists) until `done` holds, then returns the state with its
 * lists; returns null when `untilMs` passes first.
 */
async function pollRound(
  client: FederatedClient,
  roundId: string,
  pollMs: number,
  untilMs: number,
  done: (state: RoundState) => boolean,
): Promise<RoundState | null> {
  for (;;) {
    let state: RoundState | null = null;
    try {
      state = await client.roundState(roundId);
    } catch (error) {
      if (!isTransient(error)) throw error;
    }
    if (state && done(state)) {
      return retrying(() => client.roundState(roundId, { lists: true }), pollMs, untilMs);
    }
    if (Date.now() > untilMs) return null;
    await sleep(pollMs);
  }
}

const moved = (roundId: string, state: RoundState | null, what: string): UpdateRejectedError =>
  new UpdateRejectedError(
    'round-closed',
    state
      ? `Round ${roundId} moved to ${state.phase} before this device could ${what}.`
      : `Round ${roundId} did not reach the point where this device could ${what} in time.`,
  );

/** Grace added to the server's phase deadlines (ticks, clock granularity, slow networks). */
const graceMs = (pollMs: number): number => Math.max(10_000, 5 * pollMs);

/** Secure rounds up to the upload: share keys, read the shares sent to this device, build the mask. */
export async function prepareSecureUpload(o: {
  readonly client: FederatedClient;
  readonly session: SecureRoundSession;
  readonly joined: JoinResponse;
  readonly round: RoundSpec;
  readonly waitMs: number;
  readonly pollMs: number;
}): Promise<{ mask: Uint32Array; uploadDeadline: number }> {
  const { client, session, joined, round, pollMs } = o;
  const roundId = round.roundId;
  const sharing = await pollRound(
    client,
    roundId,
    pollMs,
    Date.now() + o.waitMs,
    (s) => s.phase !== 'joining',
  );
  if (sharing?.phase !== 'sharing') {
    throw sharing
      ? moved(roundId, sharing, 'share its keys')
      : new UpdateRejectedError('round-closed', `Round ${roundId} did not fill in time.`);
  }
  const sharingEnds = Date.now() + sharing.phaseEndsInMs + graceMs(pollMs);
  const members = await retrying(() => client.members(roundId, joined.slot), pollMs, sharingEnds);
  const shares = await session.shareKeys({
    roundId,
    slot: joined.slot,
    minCohort: round.minCohort,
    maxCohort: round.maxCohort,
    members,
  });
  await retrying(
    () =>
      client.postShares(roundId, {
        protocol: FEDERATED_PROTOCOL_VERSION,
        ticket: joined.ticket,
        shares,
      }),
    pollMs,
    sharingEnds,
  );
  const collecting = await pollRound(
    client,
    roundId,
    pollMs,
    sharingEnds,
    (s) => s.phase !== 'sharing',
  );
  if (collecting?.phase !== 'collecting') throw moved(roundId, collecting, 'upload');
  const uploadDeadline = Date.now() + collecting.phaseEndsInMs + graceMs(pollMs);
  const inbox = await retrying(
    () => client.shareInbox(roundId, joined.slot),
    pollMs,
    uploadDeadline,
  );
  await session.acceptShares({ sharers: collecting.sharers, inbox });
  return { mask: await session.mask(updateLength(round.parts), round.ringBits), uploadDeadline };
}

/** Answers a secure round's unmasking request once (waiting for it, or on demand). */
export function createUnmaskAnswer(o: {
  readonly client: FederatedClient;
  readonly session: SecureRoundSession;
  readonly joined: JoinResponse;
  readonly pollMs: number;
}): { await(untilMs: number): Promise<boolean>; now(): Promise<void> } {
  const { client, session, joined, pollMs } = o;
  const roundId = joined.round.roundId;
  let done = false;
  const answer = async (state: RoundState): Promise<void> => {
    // Throws SECURE_ROUND_REFUSED for an unsafe request: the caller must learn of it.
    const shares = session.respond(state);
    const untilMs = Date.now() + state.phaseEndsInMs + graceMs(pollMs);
    try {
      await retrying(
        () =>
          client.unmask(roundId, {
            protocol: FEDERATED_PROTOCOL_VERSION,
            ticket: joined.ticket,
            ...shares,
          }),
        pollMs,
        untilMs,
      );
    } catch (error) {
      if (!(error instanceof UpdateRejectedError)) throw error;
      // Too late: the round closed without this answer (it had enough, or it was aborted).
      if (error.reason === 'round-closed' || error.reason === 'wrong-phase') return;
      // Otherwise only a replay is fine: an earlier attempt went through but its answer was lost.
      if (error.reason !== 'replay') throw error;
    }
    done = true;
  };
  /** The round's state, or null once it is over (the server moved to the next round). */
  const stateOrOver = async (
    wait: (() => Promise<RoundState | null>) | null,
  ): Promise<RoundState | null> => {
    try {
      return wait ? await wait() : await client.roundState(roundId, { lists: true });
    } catch (error) {
      if (error instanceof UpdateRejectedError && error.reason === 'round-closed') return null;
      throw error;
    }
  };
  return {
    async await(untilMs) {
      const state = await stateOrOver(() =>
        pollRound(client, roundId, pollMs, untilMs, (s) => s.phase !== 'collecting'),
      );
      if (state?.phase === 'unmasking') await answer(state);
      return done;
    },
    async now() {
      if (done) return;
      const state = await stateOrOver(null);
      if (state?.phase === 'unmasking') await answer(state);
    },
  };
}
