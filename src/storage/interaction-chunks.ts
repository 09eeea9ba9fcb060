import type { InteractionColumns } from '../core/data/interaction-log';
import type { ChunkRecord, InteractionTx } from './hearth-db-schema';
import type { RowBatch } from './row-batch';
import { settle } from './settle-request';

/**
 * Rows per chunk. Measured in headless Chromium on 1M rows (write in one transaction / `getAll`):
 * 4,096 rows 219–249 / 140–227 ms; 8,192 rows 78–102 / 73–133 ms; 16,384 rows 66–72 / 57–78 ms;
 * 32,768 rows 67 / 44 ms. Rewriting the partly filled tail chunk costs 1.1–2.8 ms at 16,384 rows
 * and 3.4–5.5 ms above, so 16,384 is the largest size whose tail rewrite stays near 1–3 ms.
 */
export const CHUNK_ROWS = 16_384;

/** Stored bytes per row: user and item int32, type uint8, value float32, timestamp float64. */
export const BYTES_PER_ROW = 21;

/** Smallest and largest timestamp of rows `start..end-1`. */
function timeRange(timestamps: Float64Array, start: number, end: number): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = start; i < end; i++) {
    const t = timestamps[i]!;
    if (t < min) min = t;
    if (t > max) max = t;
  }
  return [min, max];
}

/** A chunk holding copies of rows `start..end-1` (copies, so no larger buffer gets cloned). */
export function chunkFromColumns(
  cols: InteractionColumns,
  start: number,
  end: number,
  id?: number,
): ChunkRecord {
  const timestamps = cols.timestamps.slice(start, end);
  const [minTs, maxTs] = timeRange(timestamps, 0, timestamps.length);
  return {
    ...(id === undefined ? {} : { id }),
    count: end - start,
    users: cols.users.slice(start, end),
    items: cols.items.slice(start, end),
    types: cols.types.slice(start, end),
    values: cols.values.slice(start, end),
    timestamps,
    minTs,
    maxTs,
  };
}

/** Concatenates columns (chunks and extra rows) into one set of columns. */
export function concatColumns(parts: readonly InteractionColumns[]): InteractionColumns {
  let n = 0;
  for (const part of parts) n += part.length;
  const out = {
    length: n,
    users: new Int32Array(n),
    items: new Int32Array(n),
    types: new Uint8Array(n),
    values: new Float32Array(n),
    timestamps: new Float64Array(n),
  };
  let offset = 0;
  for (const part of parts) {
    const m = part.length;
    out.users.set(part.users.subarray(0, m), offset);
    out.items.set(part.items.subarray(0, m), offset);
    out.types.set(part.types.subarray(0, m), offset);
    out.values.set(part.values.subarray(0, m), offset);
    out.timestamps.set(part.timestamps.subarray(0, m), offset);
    offset += m;
  }
  return out;
}

/** The columns of a stored chunk (views, no copy). */
export function chunkColumns(chunk: ChunkRecord): InteractionColumns {
  return { length: chunk.count, ...pickColumns(chunk) };
}

function pickColumns(c: ChunkRecord): Omit<InteractionColumns, 'length'> {
  return {
    users: c.users,
    items: c.items,
    types: c.types,
    values: c.values,
    timestamps: c.timestamps,
  };
}

/** Rewrites a batch's local ints through `userMap`/`itemMap` into stored ints. */
export function mapBatch(
  batch: RowBatch,
  userMap: Int32Array,
  itemMap: Int32Array,
): InteractionColumns {
  const n = batch.length;
  const users = new Int32Array(n);
  const items = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    users[i] = userMap[batch.users[i]!]!;
    items[i] = itemMap[batch.items[i]!]!;
  }
  return {
    length: n,
    users,
    items,
    types: batch.types,
    values: batch.values,
    timestamps: batch.timestamps,
  };
}

/** A chunk keeping the rows of `chunk` for which `keep(i)` holds (same id), or null when none. */
export function filterChunk(
  chunk: ChunkRecord,
  keep: (row: number) => boolean,
): ChunkRecord | null {
  const idx: number[] = [];
  for (let i = 0; i < chunk.count; i++) if (keep(i)) idx.push(i);
  if (idx.length === 0) return null;
  const n = idx.length;
  const cols = {
    length: n,
    users: new Int32Array(n),
    items: new Int32Array(n),
    types: new Uint8Array(n),
    values: new Float32Array(n),
    timestamps: new Float64Array(n),
  };
  for (let j = 0; j < n; j++) {
    const i = idx[j]!;
    cols.users[j] = chunk.users[i]!;
    cols.items[j] = chunk.items[i]!;
    cols.types[j] = chunk.types[i]!;
    cols.values[j] = chunk.values[i]!;
    cols.timestamps[j] = chunk.timestamps[i]!;
  }
  return chunkFromColumns(cols, 0, n, chunk.id);
}

/**
 * Appends rows to the chunk store: first fills the last chunk up to {@link CHUNK_ROWS} (rewriting
 * it in place), then adds new chunks. Call inside the write transaction; does not wait for commit.
 */
export async function appendToChunks(
  tx: InteractionTx<'readwrite'>,
  cols: InteractionColumns,
): Promise<void> {
  if (cols.length === 0) return;
  const store = tx.objectStore('chunks');
  let offset = 0;
  const tail = await store.openCursor(null, 'prev');
  if (tail !== null && tail.value.count < CHUNK_ROWS) {
    const take = Math.min(CHUNK_ROWS - tail.value.count, cols.length);
    const merged = concatColumns([chunkColumns(tail.value), sliceColumns(cols, 0, take)]);
    settle(tail.update(chunkFromColumns(merged, 0, merged.length, tail.value.id)));
    offset = take;
  }
  for (; offset < cols.length; offset += CHUNK_ROWS) {
    settle(store.add(chunkFromColumns(cols, offset, Math.min(cols.length, offset + CHUNK_ROWS))));
  }
}

/** Rows `start..end-1` of `cols` as views (no copy). */
export function sliceColumns(
  cols: InteractionColumns,
  start: number,
  end: number,
): InteractionColumns {
  return {
    length: end - start,
    users: cols.users.subarray(start, end),
    items: cols.items.subarray(start, end),
    types: cols.types.subarray(start, end),
    values: cols.values.subarray(start, end),
    timestamps: cols.timestamps.subarray(start, end),
  };
}
