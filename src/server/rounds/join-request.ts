/**
 * `POST /v1/rounds/join`: a plain round hands out a ticket while it has room; a secure round also
 * registers the member's two public keys under the next slot (durably, before answering).
 */
import type { JoinRequest, JoinResponse } from '../../federated/federated-protocol';
import { importPublicKey } from '../../federated/secure-aggregation';
import { issueTicket, randomTicketId } from '../tickets';
import {
  durable,
  reject,
  uploadDeadlineOf,
  type OpenRound,
  type RoundContext,
} from './round-context';
import { afterRequest } from './secure-phases';

const STOPPED_TAKING = 'The secure round stopped taking members; retry after it closes.';

/** Checks a secure join's keys (`bad-request` naming what is wrong). */
async function checkMemberKeys(
  request: JoinRequest,
): Promise<{ publicKey: string; shareKey: string }> {
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
  return { publicKey, shareKey };
}

/** Registers a secure-round member and returns its slot. */
async function joinSecure(ctx: RoundContext, r: OpenRound, request: JoinRequest): Promise<number> {
  const s = r.secure!;
  if (r.phase !== 'joining' || r.sealed) return reject('wrong-phase', STOPPED_TAKING);
  const keys = await checkMemberKeys(request);
  if (s.members.size + r.pendingJoins >= r.spec.maxCohort) {
    return reject('round-full', 'The secure round is full; retry after it closes.');
  }
  // Re-checked after the awaits above: the phase may have changed meanwhile.
  if (r !== ctx.round || r.phase !== 'joining' || r.sealed) {
    return reject('wrong-phase', STOPPED_TAKING);
  }
  const slot = r.nextSlot++;
  r.pendingJoins++;
  try {
    await durable(ctx, r, { type: 'join', slot, ...keys }, () => s.addMember(slot, keys));
  } finally {
    r.pendingJoins--;
  }
  await afterRequest(ctx, r);
  return slot;
}

/** Handles a join request. */
export async function handleJoin(ctx: RoundContext, request: JoinRequest): Promise<JoinResponse> {
  const r = ctx.round;
  if (!r || r.phase === 'closed') {
    return reject(
      'round-closed',
      r && !ctx.closing && r.phase === 'closed' && ctx.dp
        ? 'The privacy budget is spent; training has stopped.'
        : 'The round is closing; retry in a few seconds.',
    );
  }
  const deadline = new Date(uploadDeadlineOf(ctx, r)).toISOString();
  if (r.spec.aggregation === 'plain') {
    if (r.aggregator.count + r.pendingUpdates >= r.spec.maxCohort) {
      return reject('round-full', 'The round has all the updates it needs; retry after it closes.');
    }
    return {
      round: { ...r.spec, deadline },
      ticket: issueTicket(ctx.secret, r.spec.roundId, randomTicketId()),
      slot: -1,
    };
  }
  const slot = await joinSecure(ctx, r, request);
  return {
    round: { ...r.spec, deadline },
    ticket: issueTicket(ctx.secret, r.spec.roundId, `s${slot}`),
    slot,
  };
}
