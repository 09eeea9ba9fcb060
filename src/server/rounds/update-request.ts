/**
 * `POST /v1/rounds/:id/update`: checks the frame (round, phase, ticket, replay, weight, payload)
 * and makes the update durable before acknowledging it; a plain round closes when it is full.
 */
import { decodeUpdateFrame, type UpdateAck } from '../../federated/federated-protocol';
import type { RoundRecord } from '../federated-store';
import { slotOfTicketId, verifyTicket } from '../tickets';
import { durable, reject, type OpenRound, type RoundContext } from './round-context';
import { startClose } from './round-closer';
import { applyUpdate } from './round-replay';
import { currentRound, needPhase } from './request-guards';
import { afterRequest } from './secure-phases';
import { admitUpdate } from './update-admission';

/** Refuses a ticket that is not a current secure-round member allowed to upload. */
function checkSecureUploader(r: OpenRound, ticketId: string): void {
  const slot = slotOfTicketId(ticketId);
  if (slot === null || !r.secure!.members.has(slot))
    reject('bad-ticket', 'The ticket is not a member of this secure round.');
  if (!r.secure!.inCohort(slot!))
    reject(
      'bad-ticket',
      'This member did not share its keys in time; it cannot upload in this round.',
    );
}

/** Handles an update upload posted to round `pathRoundId`. */
export async function handleUpdate(
  ctx: RoundContext,
  pathRoundId: string,
  body: Uint8Array,
): Promise<UpdateAck> {
  const frame = decodeUpdateFrame(body);
  const h = frame.header;
  if (h.roundId !== pathRoundId) {
    return reject(
      'bad-request',
      `The update is for round ${h.roundId} but was posted to round ${pathRoundId}.`,
    );
  }
  const r = currentRound(ctx, h.roundId);
  if (r.secure) needPhase(r, 'collecting', 'an update');
  if (r.phase !== 'collecting')
    return reject('round-closed', `Round ${h.roundId} no longer accepts updates.`);
  const ticketId = verifyTicket(ctx.secret, r.spec.roundId, h.ticket);
  if (ticketId === null)
    return reject('bad-ticket', 'The ticket is not valid for this round; join again.');
  if (r.secure) checkSecureUploader(r, ticketId);
  if (r.usedTickets.has(ticketId) || r.pendingTickets.has(ticketId)) {
    return reject('replay', 'This ticket already delivered an update in this round.');
  }
  if (r.nonces.has(h.nonce)) return reject('replay', 'This nonce was already used in this round.');
  const update = admitUpdate(r.spec, h.weight, frame.payload);
  if (r.aggregator.count + r.pendingUpdates >= r.spec.maxCohort) {
    return reject('round-full', 'The round has all the updates it needs; retry after it closes.');
  }
  r.nonces.add(h.nonce);
  r.pendingTickets.add(ticketId);
  r.pendingUpdates++;
  const record: RoundRecord = {
    type: 'update',
    ticketId,
    nonce: h.nonce,
    weight: h.weight,
    payload: frame.payload.slice(),
  };
  try {
    await durable(ctx, r, record, () => {
      applyUpdate(r, ticketId, h.nonce, h.weight, update);
      ctx.acceptedTotal++;
    });
  } catch (error) {
    r.nonces.delete(h.nonce);
    throw error;
  } finally {
    r.pendingTickets.delete(ticketId);
    r.pendingUpdates--;
  }
  const received = r.aggregator.count;
  if (r.secure) await afterRequest(ctx, r);
  else if (r.phase === 'collecting' && received >= r.spec.maxCohort) void startClose(ctx, r, false);
  return { accepted: true, roundId: r.spec.roundId, received };
}
