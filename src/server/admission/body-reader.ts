/**
 * Reads request bodies with a size cap and a deadline: a body must arrive at
 * `minBytesPerSecond` after a grace period, so a client trickling bytes cannot hold a connection
 * and its buffers for minutes. A client that hangs up mid-body is a {@link ClientAborted}, which the
 * edge counts instead of logging a stack trace.
 */
import type { IncomingMessage } from 'node:http';

/** The body is larger than the route accepts (413). */
export class BodyTooLarge extends Error {}

/** The body arrived slower than the minimum rate; the connection was closed. */
export class SlowBody extends Error {}

/** The client closed the connection before the body was complete. */
export class ClientAborted extends Error {}

/** Time any body may take before the minimum rate applies. */
export const BODY_GRACE_MS = 5_000;

/** Reads a request body up to `limit` bytes. */
export function readBody(
  req: IncomingMessage,
  o: { readonly limit: number; readonly minBytesPerSecond: number; readonly graceMs?: number },
): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > o.limit) return Promise.reject(new BodyTooLarge());
  const expected = Number.isFinite(declared) && declared >= 0 ? declared : o.limit;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (error: Error | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(new Uint8Array(Buffer.concat(chunks, size)));
    };
    const timer = setTimeout(
      () => {
        settle(new SlowBody());
        req.socket.destroy();
      },
      // setTimeout fires at once past 2³¹ − 1 ms; Node's requestTimeout bounds the request anyway.
      Math.min(2 ** 31 - 1, (o.graceMs ?? BODY_GRACE_MS) + (expected / o.minBytesPerSecond) * 1000),
    );
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > o.limit) {
        settle(new BodyTooLarge());
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => settle(null));
    req.on('error', () => settle(new ClientAborted()));
    req.on('close', () => settle(new ClientAborted()));
  });
}
