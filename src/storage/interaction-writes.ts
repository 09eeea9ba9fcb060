import type { InteractionColumns } from '../core/data/interaction-log';
import { addToLog, fitsInLog, takeLog } from './append-log';
import type { InteractionTx } from './hearth-db-schema';
import { appendToChunks, concatColumns, mapBatch } from './interaction-chunks';
import { enforceRetention, evictOldest, type StoredRows } from './retention';
import type { RowBatch } from './row-batch';
import { settle } from './settle-request';
import type { RetentionPolicy } from './store-types';
import type { VocabMirror } from './vocab-mirror';

/** What one interaction write did (inside its transaction, before commit). */
export interface WriteOutcome {
  /** Rows stored after the write. */
  readonly total: number;
  /** Rows evicted by the retention policy. */
  readonly evicted: number;
}

/** Rows stored: the chunk-row counter plus the log's record count. */
export async function storedRows<M extends 'readonly' | 'readwrite'>(
  tx: InteractionTx<M>,
): Promise<StoredRows> {
  const [chunkRows, logRows] = await Promise.all([
    tx.objectStore('counters').get('chunkRows'),
    tx.objectStore('log').count(),
  ]);
  return { chunkRows: chunkRows ?? 0, logRows };
}

/**
 * Writes a batch inside `tx`: small batches go to the append log; otherwise (or when the log would
 * reach its compaction size) the log and the batch are written into chunks, log rows first, so
 * insertion order is kept. Then applies the retention policy. Every read-modify-write (counters,
 * vocabularies, tail chunk) happens in this one transaction, so concurrent connections serialize.
 */
export async function writeBatch(
  tx: InteractionTx<'readwrite'>,
  batch: RowBatch,
  mirror: VocabMirror,
  retention: RetentionPolicy,
  now: number,
): Promise<WriteOutcome> {
  const rows = await storedRows(tx);
  if (fitsInLog(batch.length, rows.logRows)) {
    addToLog(tx, batch);
    rows.logRows += batch.length;
  } else {
    const logged = rows.logRows > 0 ? await takeLog(tx) : null;
    rows.logRows = 0;
    await mirror.sync(tx);
    const parts: InteractionColumns[] = [];
    for (const part of logged === null ? [batch] : [logged, batch]) {
      const userMap = mirror.extend(tx, 'user', part.userIds);
      const itemMap = mirror.extend(tx, 'item', part.itemIds);
      parts.push(mapBatch(part, userMap, itemMap));
    }
    const cols = parts.length === 1 ? parts[0]! : concatColumns(parts);
    await appendToChunks(tx, cols);
    rows.chunkRows += cols.length;
  }
  const evicted = await enforceRetention(tx, retention, now, rows);
  settle(tx.objectStore('counters').put(rows.chunkRows, 'chunkRows'));
  return { total: rows.chunkRows + rows.logRows, evicted };
}

/**
 * Moves the append log into chunks inside `tx` (so rows written next come after it in insertion
 * order) and updates the counter. Returns the rows moved.
 */
export async function compactLog(
  tx: InteractionTx<'readwrite'>,
  mirror: VocabMirror,
): Promise<number> {
  const rows = await storedRows(tx);
  const logged = rows.logRows > 0 ? await takeLog(tx) : null;
  if (logged === null) return 0;
  await mirror.sync(tx);
  const userMap = mirror.extend(tx, 'user', logged.userIds);
  const itemMap = mirror.extend(tx, 'item', logged.itemIds);
  await appendToChunks(tx, mapBatch(logged, userMap, itemMap));
  settle(tx.objectStore('counters').put(rows.chunkRows + logged.length, 'chunkRows'));
  return logged.length;
}

/** Evicts the `count` oldest rows inside `tx` and updates the counter. Returns rows evicted. */
export async function evictOldestRows(
  tx: InteractionTx<'readwrite'>,
  count: number,
): Promise<{ readonly evicted: number; readonly total: number }> {
  const rows = await storedRows(tx);
  const evicted = await evictOldest(tx, count, rows);
  settle(tx.objectStore('counters').put(rows.chunkRows, 'chunkRows'));
  return { evicted, total: rows.chunkRows + rows.logRows };
}
