/**
 * The secure round's other requests: the member roster, encrypted share relay (post and inbox),
 * and the unmask answers of the survivors.
 */
import type {
  RoundMembers,
  ShareInbox,
  SharesRequest,
  UnmaskRequest,
} from '../../federated/federated-protocol';
import type { RoundRecord } from '../federated-store';
import { durable, reject, type RoundContext } from './round-context';
import { currentRound, needPhase, once, secureRound, slotOf } from './request-guards';
import { afterRequest } from './secure-phases';

/** Member slots, masking parameters and `slot`'s neighbours' keys (from `sharing` on). */
export function handleMembers(ctx: RoundContext, roundId: string, slot: number): RoundMembers {
  const s = secureRound(currentRound(ctx, roundId));
  if (!s.masking) return reject('wrong-phase', `Round ${roundId} is still gathering members.`);
  if (!s.members.has(slot))
    return reject('not-found', `Slot ${slot} is not a member of ${roundId}.`);
  return s.roster(slot);
}

/** A member's encrypted shares for its neighbours (`sharing`). */
export async function handleShares(
  ctx: RoundContext,
  roundId: string,
  request: SharesRequest,
): Promise<{ readonly accepted: true }> {
  const r = currentRound(ctx, roundId);
  const s = secureRound(r);
  needPhase(r, 'sharing', 'posting shares');
  const slot = slotOf(ctx, r, request.ticket);
  const shares = s.parseShares(slot, request);
  await once(r, `shares:${slot}`, () =>
    durable(ctx, r, { type: 'shares', slot, ...shares }, () => s.addShares(slot, shares)),
  );
  await afterRequest(ctx, r);
  return { accepted: true };
}

/** The encrypted shares addressed to `slot` (from `collecting` on). */
export function handleInbox(ctx: RoundContext, roundId: string, slot: number): ShareInbox {
  const s = secureRound(currentRound(ctx, roundId));
  if (!s.cohort) return reject('wrong-phase', `Round ${roundId} has not fixed its sharers yet.`);
  if (!s.inCohort(slot))
    return reject('not-found', `Slot ${slot} did not share its keys in round ${roundId}.`);
  return s.inbox(slot);
}

/** A survivor's unmask answer (`unmasking`). */
export async function handleUnmask(
  ctx: RoundContext,
  roundId: string,
  request: UnmaskRequest,
): Promise<{ readonly accepted: true }> {
  const r = currentRound(ctx, roundId);
  const s = secureRound(r);
  needPhase(r, 'unmasking', 'unmasking');
  const slot = slotOf(ctx, r, request.ticket);
  if (!s.isSurvivor(slot))
    return reject('bad-ticket', 'Only members whose update arrived can unmask.');
  const answer = s.parseUnmask(slot, request);
  const record: RoundRecord = {
    type: 'unmask',
    slot,
    selfMaskShares: request.selfMaskShares,
    keyShares: request.keyShares,
  };
  await once(r, `unmask:${slot}`, () => durable(ctx, r, record, () => s.addUnmask(slot, answer)));
  // Closing reconstructs every secret: do not hold this answer back for it.
  void afterRequest(ctx, r);
  return { accepted: true };
}
