/**
 * Checks shared by the request handlers: which round a request addresses, whether the round is in
 * the phase the request needs, secure-round membership of a ticket, and one write per request key.
 */
import type { RoundPhase } from '../../federated/federated-protocol';
import type { SecureRound } from '../secure-round';
import { slotOfTicketId, verifyTicket } from '../tickets';
import { reject, type OpenRound, type RoundContext } from './round-context';

const PHASE_ORDER: readonly RoundPhase[] = [
  'joining',
  'sharing',
  'collecting',
  'unmasking',
  'closed',
];

/** The open round if `roundId` names it, else `round-closed` (an earlier one) or `unknown-round`. */
export function currentRound(ctx: RoundContext, roundId: string): OpenRound {
  const r = ctx.round;
  if (!r || roundId !== r.spec.roundId) {
    const n = /^r(\d+)$/.exec(roundId);
    if (n && r && Number(n[1]) < r.number)
      return reject('round-closed', `Round ${roundId} is over; join the current round.`);
    return reject('unknown-round', `There is no round ${roundId}.`);
  }
  return r;
}

/** The round's secure state, or `not-found` for a plain round. */
export function secureRound(r: OpenRound): SecureRound {
  if (!r.secure) return reject('not-found', `Round ${r.spec.roundId} is not a secure round.`);
  return r.secure;
}

/** The slot of a secure-round ticket, or a `bad-ticket` rejection. */
export function slotOf(ctx: RoundContext, r: OpenRound, ticket: string): number {
  const id = verifyTicket(ctx.secret, r.spec.roundId, ticket);
  const slot = id === null ? null : slotOfTicketId(id);
  if (slot === null || !r.secure?.members.has(slot)) {
    return reject('bad-ticket', 'The ticket is not a member of this secure round.');
  }
  return slot;
}

/** Runs `write` unless another request with the same `key` is being written (`replay`). */
export async function once(r: OpenRound, key: string, write: () => Promise<void>): Promise<void> {
  if (r.pendingTickets.has(key)) return reject('replay', 'The same request is already in flight.');
  r.pendingTickets.add(key);
  try {
    await write();
  } finally {
    r.pendingTickets.delete(key);
  }
}

/** Refuses requests of `phase` while the round is elsewhere or changing phase. */
export function needPhase(r: OpenRound, phase: RoundPhase, what: string): void {
  if (r.sealed && r.phase === phase) {
    reject('wrong-phase', `Round ${r.spec.roundId} is changing phase; retry in a moment.`);
  }
  if (r.phase === phase) return;
  if (PHASE_ORDER.indexOf(r.phase) > PHASE_ORDER.indexOf(phase)) {
    reject('round-closed', `Round ${r.spec.roundId} is past ${phase}; ${what} is too late.`);
  }
  reject('wrong-phase', `Round ${r.spec.roundId} is ${r.phase}; ${what} comes later.`);
}
