/**
 * Issues an IndexedDB request without awaiting it and without an unhandled rejection: if it fails,
 * the transaction aborts and its `done` promise (which the caller awaits) carries the error.
 */
export function settle(request: Promise<unknown>): void {
  request.catch(() => undefined);
}
