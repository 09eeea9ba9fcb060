import type { InteractionTx } from './hearth-db-schema';
import { batchFromLog, logRecordsFromBatch, type RowBatch } from './row-batch';
import { settle } from './settle-request';

/**
 * Appends of fewer rows than this go to the append log (one small record per event); larger ones
 * go straight into chunks. Measured in headless Chromium: one durable single-event append to the
 * log takes 0.6 ms, while a chunk append rewrites the 16,384-row tail chunk (1–3 ms). Log batches
 * cost 3.7 ms (16 rows), 4.5 ms (64), 11 ms (256), 42 ms (1,024): past ~64 rows per-record
 * structured clone dominates and a chunk append is cheaper.
 */
export const LOG_MAX_BATCH = 64;

/**
 * The log is compacted into chunks (in the same transaction as the append) when it would reach
 * this many rows. Reading the log back costs about 14 ms per 1,024 records (`getAll` of small
 * objects), 29 ms for 4,096: 1,024 keeps every full read-back and `track()` compaction near 15 ms
 * (≈0.015 ms per event amortized) while a visitor's session rarely reaches it.
 */
export const LOG_COMPACT_ROWS = 1024;

/** Whether `rows` more rows fit in a log that holds `logRows`, without compaction. */
export function fitsInLog(rows: number, logRows: number): boolean {
  return rows < LOG_MAX_BATCH && logRows + rows < LOG_COMPACT_ROWS;
}

/** Adds a batch to the log (requests only; the caller awaits the transaction). */
export function addToLog(tx: InteractionTx<'readwrite'>, batch: RowBatch): void {
  const store = tx.objectStore('log');
  for (const record of logRecordsFromBatch(batch)) settle(store.add(record));
}

/** Removes every log record and returns them as a batch in log order (null when empty). */
export async function takeLog(tx: InteractionTx<'readwrite'>): Promise<RowBatch | null> {
  const store = tx.objectStore('log');
  const records = await store.getAll();
  if (records.length === 0) return null;
  settle(store.clear());
  return batchFromLog(records);
}
