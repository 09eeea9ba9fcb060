/**
 * Round tickets: `<id>.<mac>` with mac = HMAC-SHA256(secret, roundId:id) (128 bits, base64url).
 * Stateless to verify, so tickets survive a restart and work across instances sharing the secret.
 * The id is random (plain rounds) or `s<slot>` (secure rounds); it identifies nothing but the seat.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

function mac(secret: Uint8Array, roundId: string, id: string): string {
  return createHmac('sha256', secret).update(`${roundId}:${id}`).digest('base64url').slice(0, 22);
}

/** Issues a ticket for `id` in `roundId`. */
export function issueTicket(secret: Uint8Array, roundId: string, id: string): string {
  return `${id}.${mac(secret, roundId, id)}`;
}

/** A fresh random ticket id for a plain round. */
export function randomTicketId(): string {
  return `p${randomBytes(12).toString('base64url')}`;
}

/** The ticket's id when its MAC is valid for `roundId`, else null. */
export function verifyTicket(secret: Uint8Array, roundId: string, ticket: string): string | null {
  const dot = ticket.lastIndexOf('.');
  if (dot <= 0) return null;
  const id = ticket.slice(0, dot);
  const given = Buffer.from(ticket.slice(dot + 1));
  const expected = Buffer.from(mac(secret, roundId, id));
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : null;
}

/** Slot of a secure-round ticket id (`s<slot>`), or null. */
export function slotOfTicketId(id: string): number | null {
  const m = /^s(\d{1,9})$/.exec(id);
  return m ? Number(m[1]) : null;
}
