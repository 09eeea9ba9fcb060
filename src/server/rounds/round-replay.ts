/**
 * Opening a round and restoring one from its durable records after a restart. Records are replayed
 * through the same checks as live requests: an update the current rules refuse (e.g. a subnormal
 * weight written by an older server) is skipped with a logged reason, never resurrected.
 */
import {
  FEDERATED_PROTOCOL_VERSION,
  UpdateRejectedError,
} from '../../federated/federated-protocol';
import type { PhaseRecord, RoundRecord } from '../federated-store';
import { slotOfTicketId } from '../tickets';
import { makeRound, type OpenRound, type RoundContext } from './round-context';
import { strategyFor } from './training-strategy';
import { admitUpdate } from './update-admission';

/** Applies an already-durable update to the round (its checks passed when it was accepted). */
export function applyUpdate(
  r: OpenRound,
  ticketId: string,
  nonce: string,
  weight: number,
  update: Int32Array | Uint32Array,
): void {
  r.aggregator.add(update, weight);
  r.usedTickets.add(ticketId);
  r.nonces.add(nonce);
  const slot = slotOfTicketId(ticketId);
  if (slot !== null) r.secure?.addUpload(slot);
}

/** Applies a durable phase record (live and on replay). */
export async function applyPhase(ctx: RoundContext, r: OpenRound, rec: PhaseRecord): Promise<void> {
  const s = r.secure;
  if (s && rec.phase === 'sharing' && rec.masking) await s.startSharing(rec.masking);
  if (s && rec.phase === 'collecting' && rec.cohort) s.startCollecting(rec.cohort);
  if (s && rec.phase === 'unmasking' && rec.survivors && rec.dropped) {
    s.startUnmasking(rec.survivors, rec.dropped);
  }
  r.phase = rec.phase;
  r.deadline = ctx.now() + ctx.config.roundDurationMs;
}

/** Replays one logged update; a record the checks refuse is logged and left out. */
function replayUpdate(
  ctx: RoundContext,
  r: OpenRound,
  rec: Extract<RoundRecord, { type: 'update' }>,
): void {
  let update: Int32Array | Uint32Array;
  try {
    update = admitUpdate(r.spec, rec.weight, rec.payload);
  } catch (error) {
    if (!(error instanceof UpdateRejectedError)) throw error;
    ctx.log(
      `round ${r.spec.roundId}: logged update ${rec.ticketId} skipped on replay: ${error.message}`,
    );
    return;
  }
  applyUpdate(r, rec.ticketId, rec.nonce, rec.weight, update);
  ctx.acceptedTotal++;
}

/** Replays the records after a round's `open` record. */
async function replay(
  ctx: RoundContext,
  r: OpenRound,
  records: readonly RoundRecord[],
): Promise<void> {
  for (const rec of records) {
    if (rec.type === 'join') {
      r.secure?.addMember(rec.slot, { publicKey: rec.publicKey, shareKey: rec.shareKey ?? '' });
      r.nextSlot = Math.max(r.nextSlot, rec.slot + 1);
    } else if (rec.type === 'phase') {
      await applyPhase(ctx, r, rec);
    } else if (rec.type === 'shares') {
      r.secure?.addShares(rec.slot, { to: rec.to, ciphertexts: rec.ciphertexts });
    } else if (rec.type === 'update') {
      replayUpdate(ctx, r, rec);
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
}

/**
 * Opens round `number`, restoring it from `records` when it already has some. A new round opens
 * only when the privacy budget allows it; otherwise it stays `closed` (training has stopped).
 */
export async function openRound(
  ctx: RoundContext,
  number: number,
  records: readonly RoundRecord[],
): Promise<void> {
  const first = records[0];
  if (first?.type === 'open') {
    const r = makeRound(ctx, number, first.spec);
    await replay(ctx, r, records.slice(1));
    ctx.round = r;
    return;
  }
  const spec = strategyFor(ctx).newSpec(ctx, number);
  const allowed = ctx.ledger.canOpen(spec);
  if (allowed) await ctx.store.append(number, { type: 'open', spec });
  const r = makeRound(ctx, number, spec);
  if (!allowed) {
    r.phase = 'closed';
    ctx.log(
      `round ${spec.roundId} not opened: it would bring ε from ${ctx.ledger.epsilon().toFixed(3)} to ${ctx.ledger.epsilonAfter(spec).toFixed(3)}, above the budget ${ctx.config.epsilonBudget}; training has stopped`,
    );
  } else await replay(ctx, r, records);
  ctx.round = r;
}
