import { OptionError } from '../core/errors';
import type { InteractionTx } from './hearth-db-schema';
import { chunkColumns, chunkFromColumns, filterChunk } from './interaction-chunks';
import { settle } from './settle-request';
import type { RetentionPolicy } from './store-types';

/** Rows currently stored, updated in place by the eviction functions. */
export interface StoredRows {
  chunkRows: number;
  logRows: number;
}

/**
 * Checks a retention policy.
 *
 * @throws OptionError when `maxEvents` is not a non-negative integer or `maxAgeMs` not a positive number.
 */
export function checkRetention(policy: RetentionPolicy): void {
  const { maxEvents, maxAgeMs } = policy;
  if (maxEvents !== undefined && (!Number.isInteger(maxEvents) || maxEvents < 0)) {
    throw new OptionError(`retention.maxEvents must be a non-negative integer, got ${maxEvents}.`);
  }
  if (maxAgeMs !== undefined && !(maxAgeMs > 0)) {
    throw new OptionError(
      `retention.maxAgeMs must be a positive number of milliseconds, got ${maxAgeMs}.`,
    );
  }
}

/**
 * Evicts the `count` oldest rows (insertion order): whole leading chunks, then the head of the
 * next chunk (rewritten), then the oldest log records. Returns the rows evicted.
 */
export async function evictOldest(
  tx: InteractionTx<'readwrite'>,
  count: number,
  rows: StoredRows,
): Promise<number> {
  let left = count;
  let cursor = left > 0 ? await tx.objectStore('chunks').openCursor() : null;
  while (cursor !== null && left > 0) {
    const chunk = cursor.value;
    if (chunk.count <= left) {
      settle(cursor.delete());
      left -= chunk.count;
      rows.chunkRows -= chunk.count;
    } else {
      settle(cursor.update(chunkFromColumns(chunkColumns(chunk), left, chunk.count, chunk.id)));
      rows.chunkRows -= left;
      left = 0;
      break;
    }
    cursor = await cursor.continue();
  }
  let logCursor = left > 0 ? await tx.objectStore('log').openCursor() : null;
  while (logCursor !== null && left > 0) {
    settle(logCursor.delete());
    left--;
    rows.logRows--;
    logCursor = await logCursor.continue();
  }
  return count - left;
}

/** Evicts every row with a timestamp before `cutoff`. Returns the rows evicted. */
export async function evictOlderThan(
  tx: InteractionTx<'readwrite'>,
  cutoff: number,
  rows: StoredRows,
): Promise<number> {
  const older = IDBKeyRange.upperBound(cutoff, true);
  const chunks = tx.objectStore('chunks');
  let evicted = 0;
  let whole = await chunks.index('maxTs').openCursor(older);
  while (whole !== null) {
    evicted += whole.value.count;
    rows.chunkRows -= whole.value.count;
    settle(whole.delete());
    whole = await whole.continue();
  }
  let partial = await chunks.index('minTs').openCursor(older);
  while (partial !== null) {
    const chunk = partial.value;
    const kept = filterChunk(chunk, (i) => chunk.timestamps[i]! >= cutoff);
    const removed = chunk.count - (kept?.count ?? 0);
    evicted += removed;
    rows.chunkRows -= removed;
    settle(kept === null ? partial.delete() : partial.update(kept));
    partial = await partial.continue();
  }
  let log = await tx.objectStore('log').index('timestamp').openCursor(older);
  while (log !== null) {
    evicted++;
    rows.logRows--;
    settle(log.delete());
    log = await log.continue();
  }
  return evicted;
}

/** Applies `policy` (age first, then count) at time `now`. Returns the rows evicted. */
export async function enforceRetention(
  tx: InteractionTx<'readwrite'>,
  policy: RetentionPolicy,
  now: number,
  rows: StoredRows,
): Promise<number> {
  let evicted = 0;
  if (policy.maxAgeMs !== undefined)
    evicted += await evictOlderThan(tx, now - policy.maxAgeMs, rows);
  const total = rows.chunkRows + rows.logRows;
  if (policy.maxEvents !== undefined && total > policy.maxEvents) {
    evicted += await evictOldest(tx, total - policy.maxEvents, rows);
  }
  return evicted;
}
