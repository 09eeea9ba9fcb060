import { CancelledError } from '../core/errors';
import type { InteractionColumns, InteractionDataset } from '../core/data/interaction-log';
import type { ImportReport, ParseInput } from '../core/data/parse';
import type { Vocabulary } from '../core/data/vocabulary';
import type { HearthConnection } from './hearth-connection';
import { INTERACTION_STORES } from './hearth-db-schema';
import {
  detectDeviceLimits,
  importCapacity,
  logTooLargeError,
  STORED_BYTES_PER_EVENT,
} from './import-capacity';
import { appendToChunks, chunkColumns, chunkFromColumns } from './interaction-chunks';
import { compactLog, storedRows } from './interaction-writes';
import { commitOrAbort, isQuotaError, type QuotaSimulator } from './quota';
import { enforceRetention } from './retention';
import { isSliceable, type InteractionImportOptions, type SliceableInput } from './import-options';
import { settle } from './settle-request';
import type { AppendResult, RetentionPolicy } from './store-types';

/** Bytes read from the file per step: one slice is decoded, parsed and stored at a time. */
export const IMPORT_SLICE_BYTES = 4 << 20;

/** What a sliced import writes into. */
export interface SlicedImportTarget {
  readonly connection: HearthConnection;
  readonly retention: RetentionPolicy;
  readonly now: () => number;
  readonly visitorId: string;
  readonly quotaSimulator: QuotaSimulator | undefined;
}

/** What {@link importInteractionsInto} uses of the store. */
export interface ImportHost extends Omit<SlicedImportTarget, 'connection'> {
  run<T>(write: (connection: HearthConnection) => Promise<T>): Promise<T>;
  /** Appends a parsed dataset in one write (with quota recovery). */
  appendDataset(dataset: InteractionDataset): Promise<AppendResult>;
  /** Tells this and other tabs that `appended` rows were stored. */
  published(appended: number): Promise<void>;
}

/**
 * `HearthStore.importInteractions`: a `File` or `Blob` is imported slice by slice
 * ({@link importLogInSlices}); a string or stream is parsed whole and appended in one write.
 */
export async function importInteractionsInto(
  host: ImportHost,
  source: ParseInput,
  options: InteractionImportOptions,
): Promise<{ readonly report: ImportReport; readonly append: AppendResult }> {
  if (isSliceable(source)) {
    const imported = await host.run((connection) =>
      importLogInSlices({ ...host, connection }, source, options),
    );
    await host.published(imported.append.appended);
    return imported;
  }
  const { parseInteractions } = await import('../core/data/parse/parse-interactions');
  const { dataset, report } = await parseInteractions(source, {
    defaultUserId: host.visitorId,
    ...options,
  });
  return { report, append: await host.appendDataset(dataset) };
}

/** Where the stored rows ended before the import: what a rollback restores. */
interface ImportMark {
  readonly lastChunkId: number | null;
  readonly lastChunkRows: number;
  readonly storedEvents: number;
}

/** Parser-local ints → stored ints, for the ids seen so far. */
interface IdMap {
  map: Int32Array;
  size: number;
}

/**
 * Imports a large interaction file in slices of {@link IMPORT_SLICE_BYTES}: each slice is parsed
 * by the incremental parser and its rows are stored in their own transaction as typed-array
 * chunks, so memory holds one slice, the id lists and nothing of the rows already stored. Before
 * the first write, the size of the log (estimated from the first slice) is checked against the
 * device (`detectDeviceLimits`) and refused with `LOG_TOO_LARGE` when it cannot be stored and
 * trained on; the check repeats with the real count as slices arrive. If anything fails (a
 * cancel, a quota error, a too-large log, a file with no valid row), every row this import wrote
 * is removed again: the rows stored before it are never touched. The retention policy applies once,
 * at the end.
 */
export async function importLogInSlices(
  target: SlicedImportTarget,
  file: SliceableInput,
  options: InteractionImportOptions,
): Promise<{ readonly report: ImportReport; readonly append: AppendResult }> {
  const { onProgress, limits: givenLimits, signal, ...parseOptions } = options;
  const { createInteractionParser } = await import('../core/data/parse/parse-interactions');
  const parser = createInteractionParser({ defaultUserId: target.visitorId, ...parseOptions });
  const limits = givenLimits ?? (await detectDeviceLimits());
  const mark = await markEnd(target.connection);
  const users: IdMap = { map: new Int32Array(1024), size: 0 };
  const items: IdMap = { map: new Int32Array(1024), size: 0 };
  let estimatedEvents = 0;
  let events = 0;
  const check = (newEvents: number, estimated: boolean): void => {
    const capacity = importCapacity({ storedEvents: mark.storedEvents, newEvents, limits });
    if (!capacity.fits) throw logTooLargeError(capacity, estimated);
  };
  const store = async (taken: InteractionDataset): Promise<void> => {
    if (taken.columns.length === 0) return;
    check(events + taken.columns.length, false);
    await writeRows(target, taken, users, items);
    events += taken.columns.length;
  };
  try {
    for (let start = 0; start < file.size; start += IMPORT_SLICE_BYTES) {
      throwIfImportAborted(signal);
      const end = Math.min(file.size, start + IMPORT_SLICE_BYTES);
      const bytes = new Uint8Array(await file.slice(start, end).arrayBuffer());
      if (start === 0) {
        estimatedEvents = estimateEvents(bytes, file.size);
        check(estimatedEvents, end < file.size);
      }
      parser.push(bytes);
      await store(parser.takeRows());
      estimatedEvents = Math.max(estimatedEvents, events);
      onProgress?.({ bytesRead: end, totalBytes: file.size, events, estimatedEvents });
    }
    throwIfImportAborted(signal);
    const { dataset, report } = parser.finish();
    await store(dataset);
    const evicted = await applyRetention(target);
    return { report, append: { appended: events, evicted } };
  } catch (error) {
    await rollBack(target.connection, mark);
    if (isQuotaError(error)) {
      throw logTooLargeError(
        importCapacity({
          storedEvents: mark.storedEvents,
          newEvents: Math.max(estimatedEvents, events),
          // What fit before the browser refused more is the storage this site really has.
          limits: { ...limits, storageBytes: events * STORED_BYTES_PER_EVENT },
        }),
        true,
      );
    }
    throw error;
  }
}

/** Events a file of `totalBytes` holds, from the lines of its first slice. */
export function estimateEvents(first: Uint8Array, totalBytes: number): number {
  let lines = 0;
  for (let i = 0; i < first.length; i++) if (first[i] === 10) lines++;
  if (first.length < totalBytes || first[first.length - 1] !== 10) lines++;
  return Math.ceil((totalBytes / Math.max(1, first.length)) * lines);
}

function throwIfImportAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new CancelledError(
      'The import was cancelled; nothing of it was kept. Start it again to load the data.',
    );
  }
}

/** Moves the append log into chunks (keeping insertion order), then marks the last chunk. */
async function markEnd({ db, mirror }: HearthConnection): Promise<ImportMark> {
  const compaction = db.transaction(INTERACTION_STORES, 'readwrite');
  try {
    // Moves rows already stored without adding any: never a quota failure to simulate.
    await commitOrAbort(compaction, () => compactLog(compaction, mirror), undefined);
  } catch (error) {
    mirror.invalidate();
    throw error;
  }
  const tx = db.transaction(INTERACTION_STORES, 'readonly');
  const [last, rows] = await Promise.all([
    tx.objectStore('chunks').openCursor(null, 'prev'),
    storedRows(tx),
  ]);
  return {
    lastChunkId: last?.value.id ?? null,
    lastChunkRows: last?.value.count ?? 0,
    storedEvents: rows.chunkRows + rows.logRows,
  };
}

/** Maps the new ids of `vocab` (those past `ids.size`) to stored ints through the mirror. */
function extendIds(
  target: SlicedImportTarget,
  tx: Parameters<HearthConnection['mirror']['extend']>[0],
  kind: 'user' | 'item',
  vocab: Vocabulary,
  ids: IdMap,
): void {
  const fresh: string[] = [];
  for (let i = ids.size; i < vocab.size; i++) fresh.push(vocab.idAt(i));
  const stored = target.connection.mirror.extend(tx, kind, fresh);
  if (ids.map.length < vocab.size) {
    const grown = new Int32Array(Math.max(vocab.size, ids.map.length * 2));
    grown.set(ids.map.subarray(0, ids.size));
    ids.map = grown;
  }
  ids.map.set(stored, ids.size);
  ids.size = vocab.size;
}

/** Stores parsed rows (their ints rewritten in place to stored ints) in one transaction. */
async function writeRows(
  target: SlicedImportTarget,
  taken: InteractionDataset,
  users: IdMap,
  items: IdMap,
): Promise<void> {
  const { db, mirror } = target.connection;
  const tx = db.transaction(INTERACTION_STORES, 'readwrite');
  const usersBefore = users.size;
  const itemsBefore = items.size;
  try {
    await commitOrAbort(
      tx,
      async () => {
        await mirror.sync(tx);
        extendIds(target, tx, 'user', taken.userVocab, users);
        extendIds(target, tx, 'item', taken.itemVocab, items);
        const cols = toStoredInts(taken.columns, users.map, items.map, target.now());
        await appendToChunks(tx, cols);
        const rows = await storedRows(tx);
        settle(tx.objectStore('counters').put(rows.chunkRows + cols.length, 'chunkRows'));
      },
      target.quotaSimulator,
    );
  } catch (error) {
    // The mirror may hold ids of the failed transaction.
    mirror.invalidate();
    users.size = usersBefore;
    items.size = itemsBefore;
    throw error;
  }
}

/** Rewrites parser ints to stored ints and stamps rows without a time with `now` (in place). */
function toStoredInts(
  cols: InteractionColumns,
  userMap: Int32Array,
  itemMap: Int32Array,
  now: number,
): InteractionColumns {
  for (let i = 0; i < cols.length; i++) {
    cols.users[i] = userMap[cols.users[i]!]!;
    cols.items[i] = itemMap[cols.items[i]!]!;
    if (cols.timestamps[i] !== cols.timestamps[i]) cols.timestamps[i] = now;
  }
  return cols;
}

/** Applies the retention policy once to everything stored; returns the rows evicted. */
async function applyRetention(target: SlicedImportTarget): Promise<number> {
  const tx = target.connection.db.transaction(INTERACTION_STORES, 'readwrite');
  // Evictions free space: they never go through the quota simulator.
  return commitOrAbort(
    tx,
    async () => {
      const rows = await storedRows(tx);
      const evicted = await enforceRetention(tx, target.retention, target.now(), rows);
      settle(tx.objectStore('counters').put(rows.chunkRows, 'chunkRows'));
      return evicted;
    },
    undefined,
  );
}

/**
 * Removes every row written after `mark`: chunks added since, and rows appended to the chunk that
 * was last then. Ids added to the vocabularies stay (unused ids are allowed, as after eviction).
 */
async function rollBack({ db, mirror }: HearthConnection, mark: ImportMark): Promise<void> {
  mirror.invalidate();
  const tx = db.transaction(INTERACTION_STORES, 'readwrite');
  await commitOrAbort(
    tx,
    async () => {
      const chunks = tx.objectStore('chunks');
      let removed = 0;
      const after =
        mark.lastChunkId === null ? null : IDBKeyRange.lowerBound(mark.lastChunkId, true);
      let cursor = await chunks.openCursor(after);
      while (cursor !== null) {
        removed += cursor.value.count;
        settle(cursor.delete());
        cursor = await cursor.continue();
      }
      if (mark.lastChunkId !== null) {
        const last = await chunks.get(mark.lastChunkId);
        if (last !== undefined && last.count > mark.lastChunkRows) {
          removed += last.count - mark.lastChunkRows;
          const kept = chunkFromColumns(chunkColumns(last), 0, mark.lastChunkRows, last.id);
          settle(chunks.put(kept));
        }
      }
      const rows = await storedRows(tx);
      settle(tx.objectStore('counters').put(rows.chunkRows - removed, 'chunkRows'));
    },
    undefined,
  );
}
