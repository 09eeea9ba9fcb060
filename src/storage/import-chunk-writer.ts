import type { InteractionColumns, InteractionDataset } from '../core/data/interaction-log';
import type { Vocabulary } from '../core/data/vocabulary';
import type { HearthConnection } from './hearth-connection';
import { INTERACTION_STORES, type InteractionTx } from './hearth-db-schema';
import { clearJournal, writeJournal, type ImportJournal } from './import-journal';
import { CHUNK_ROWS, chunkFromColumns, concatColumns, sliceColumns } from './interaction-chunks';
import { storedRows } from './interaction-writes';
import { commitOrAbort, type QuotaSimulator } from './quota';
import { enforceRetention } from './retention';
import { settle } from './settle-request';
import type { RetentionPolicy } from './store-types';

/** What a sliced import writes into. */
export interface SlicedImportTarget {
  readonly connection: HearthConnection;
  readonly retention: RetentionPolicy;
  readonly now: () => number;
  readonly visitorId: string;
  readonly quotaSimulator: QuotaSimulator | undefined;
}

/** Writes an import's rows as whole chunks of its own, journaled in the same transactions. */
export interface ImportChunkWriter {
  /**
   * Stores the whole chunks the rows (with those carried from before) fill, in one transaction
   * with the journal; the rest (fewer than `CHUNK_ROWS`) waits for the next call.
   */
  add(taken: InteractionDataset): Promise<void>;
  /**
   * Stores the rest, applies the retention policy and clears the journal, in one transaction: the
   * import is complete when it commits. Returns the rows the retention policy evicted.
   */
  finish(last: InteractionDataset): Promise<number>;
}

/** Parser-local ints → stored ints, for the ids seen so far. */
interface IdMap {
  map: Int32Array;
  size: number;
}

/**
 * The writer of one import. Its chunks never take rows of anyone else, nor does it add rows to a
 * chunk it did not write: tracked events compacted meanwhile (this tab's or another's) stay in
 * chunks of their own, so the journal's chunks are exactly the import's rows.
 */
export function createImportChunkWriter(
  target: SlicedImportTarget,
  begun: ImportJournal,
): ImportChunkWriter {
  let journal = begun;
  const users: IdMap = { map: new Int32Array(1024), size: 0 };
  const items: IdMap = { map: new Int32Array(1024), size: 0 };
  /** Rows parsed but not yet stored, with parser-local ints. */
  let carried: InteractionColumns | null = null;

  const write = async (taken: InteractionDataset, last: boolean): Promise<number> => {
    const rows =
      carried === null || carried.length === 0
        ? taken.columns
        : concatColumns([carried, taken.columns]);
    const whole = last ? rows.length : rows.length - (rows.length % CHUNK_ROWS);
    if (whole === 0 && !last) {
      carried = rows;
      return 0;
    }
    const { db, mirror } = target.connection;
    const tx = db.transaction(INTERACTION_STORES, 'readwrite');
    const usersBefore = users.size;
    const itemsBefore = items.size;
    try {
      const evicted = await commitOrAbort(
        tx,
        async () => {
          await mirror.sync(tx);
          extendIds(target, tx, 'user', taken.userVocab, users);
          extendIds(target, tx, 'item', taken.itemVocab, items);
          const cols = toStoredInts(sliceColumns(rows, 0, whole), users.map, items.map, target);
          const chunks = tx.objectStore('chunks');
          for (let start = 0; start < whole; start += CHUNK_ROWS) {
            const end = Math.min(whole, start + CHUNK_ROWS);
            settle(chunks.add({ ...chunkFromColumns(cols, start, end), importId: begun.importId }));
          }
          const stored = await storedRows(tx);
          stored.chunkRows += whole;
          const evictedNow = last
            ? await enforceRetention(tx, target.retention, target.now(), stored)
            : 0;
          settle(tx.objectStore('counters').put(stored.chunkRows, 'chunkRows'));
          if (last) clearJournal(tx);
          else writeJournal(tx, { ...journal, rows: journal.rows + whole });
          return evictedNow;
        },
        target.quotaSimulator,
      );
      journal = { ...journal, rows: journal.rows + whole };
      // A copy: the rest must not keep the whole slice's columns alive.
      carried =
        whole < rows.length ? concatColumns([sliceColumns(rows, whole, rows.length)]) : null;
      return evicted;
    } catch (error) {
      // The mirror may hold ids of the failed transaction.
      mirror.invalidate();
      users.size = usersBefore;
      items.size = itemsBefore;
      throw error;
    }
  };
  return {
    add: async (taken) => {
      await write(taken, false);
    },
    finish: (last) => write(last, true),
  };
}

/** Maps the new ids of `vocab` (those past `ids.size`) to stored ints through the mirror. */
function extendIds(
  target: SlicedImportTarget,
  tx: InteractionTx<'readwrite'>,
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

/**
 * Parser ints rewritten to stored ints, rows without a time stamped with `now`: a copy, so the
 * carried rows keep their parser ints should the transaction fail.
 */
function toStoredInts(
  cols: InteractionColumns,
  userMap: Int32Array,
  itemMap: Int32Array,
  target: SlicedImportTarget,
): InteractionColumns {
  const now = target.now();
  const out = concatColumns([cols]);
  for (let i = 0; i < out.length; i++) {
    out.users[i] = userMap[out.users[i]!]!;
    out.items[i] = itemMap[out.items[i]!]!;
    if (out.timestamps[i] !== out.timestamps[i]) out.timestamps[i] = now;
  }
  return out;
}
