import type { CounterName, InteractionTx } from './hearth-db-schema';
import type { InterruptedImport } from './import-options';
import { settle } from './settle-request';

/**
 * The journal of a sliced import in progress, kept in the `counters` store and written in the
 * same transactions as the import's rows, so it always says exactly what the import has stored.
 * The import writes only whole chunks of its own, each marked with {@link importId}; rows written
 * by anyone else during the import (tracked events compacted into chunks, another tab) land in
 * other chunks and are never taken for the import's.
 */
export interface ImportJournal {
  /** Marks the import's chunks (`ChunkRecord.importId`). */
  readonly importId: number;
  /** Key of the last chunk before the import (0 when there was none): its chunks come after. */
  readonly afterChunk: number;
  /** Rows the import has stored in its chunks so far. */
  readonly rows: number;
}

const JOURNAL_KEYS = {
  importId: 'importId',
  afterChunk: 'importAfterChunk',
  rows: 'importRows',
} as const satisfies Record<keyof ImportJournal, CounterName>;

/** The journal in the counters store, or null when no import is in progress (or was left). */
export async function readJournal<M extends 'readonly' | 'readwrite'>(
  tx: InteractionTx<M>,
): Promise<ImportJournal | null> {
  const counters = tx.objectStore('counters');
  const [importId, afterChunk, rows] = await Promise.all([
    counters.get(JOURNAL_KEYS.importId),
    counters.get(JOURNAL_KEYS.afterChunk),
    counters.get(JOURNAL_KEYS.rows),
  ]);
  if (importId === undefined) return null;
  return { importId, afterChunk: afterChunk ?? 0, rows: rows ?? 0 };
}

/** Writes the journal inside `tx` (requests only; the caller awaits the transaction). */
export function writeJournal(tx: InteractionTx<'readwrite'>, journal: ImportJournal): void {
  const counters = tx.objectStore('counters');
  settle(counters.put(journal.importId, JOURNAL_KEYS.importId));
  settle(counters.put(journal.afterChunk, JOURNAL_KEYS.afterChunk));
  settle(counters.put(journal.rows, JOURNAL_KEYS.rows));
}

/** Removes the journal inside `tx`: the import completed, or its rows were dealt with. */
export function clearJournal(tx: InteractionTx<'readwrite'>): void {
  const counters = tx.objectStore('counters');
  for (const key of Object.values(JOURNAL_KEYS)) settle(counters.delete(key));
}

/** An id for a new import's chunks: random, so a chunk left by an earlier import never matches. */
export function newImportId(): number {
  return Math.floor(Math.random() * 2 ** 48) + 1;
}

/**
 * Removes the rows of the journaled import inside `tx` and clears the journal: every chunk after
 * `afterChunk` that carries its `importId`, and nothing else, provided they hold exactly the
 * journaled rows. When they do not (the retention policy or a quota eviction removed or rewrote
 * some since, which drops the mark), nothing is removed: a row is never deleted on a guess; the
 * journal is then cleared too, unless `keepUnmatched` (so that a later import reports it).
 * Returns the journal and the rows removed; null without a journal.
 */
export async function undoJournaledImport(
  tx: InteractionTx<'readwrite'>,
  options: { readonly keepUnmatched: boolean },
): Promise<{ readonly journal: ImportJournal; readonly removed: number } | null> {
  const journal = await readJournal(tx);
  if (journal === null) return null;
  const chunks = tx.objectStore('chunks');
  const marked: number[] = [];
  let markedRows = 0;
  let cursor = await chunks.openCursor(IDBKeyRange.lowerBound(journal.afterChunk, true));
  while (cursor !== null) {
    if (cursor.value.importId === journal.importId) {
      marked.push(cursor.primaryKey);
      markedRows += cursor.value.count;
    }
    cursor = await cursor.continue();
  }
  if (markedRows !== journal.rows) {
    if (!options.keepUnmatched) clearJournal(tx);
    return { journal, removed: 0 };
  }
  clearJournal(tx);
  for (const key of marked) settle(chunks.delete(key));
  const counters = tx.objectStore('counters');
  const chunkRows = (await counters.get('chunkRows')) ?? 0;
  settle(counters.put(chunkRows - markedRows, 'chunkRows'));
  return { journal, removed: markedRows };
}

/** The report of an interrupted import that {@link undoJournaledImport} dealt with. */
export function interruptedImport(journal: ImportJournal, removed: number): InterruptedImport {
  const rows = journal.rows.toLocaleString('en-US');
  const undone = removed === journal.rows;
  return {
    journaledRows: journal.rows,
    removedRows: removed,
    undone,
    message: undone
      ? `An earlier import of interactions was interrupted (the tab or worker closed during it) after storing ${rows} events; they were removed, so importing the log again stores each event once.`
      : `An earlier import of interactions was interrupted after storing ${rows} events, and they could not be undone: the retention policy or a full disk has changed the stored rows since, so they can no longer be told apart and were kept. Importing the same log again would store some events twice: erase the stored data (privacy page, or eraseAll()) and import it again.`,
  };
}
