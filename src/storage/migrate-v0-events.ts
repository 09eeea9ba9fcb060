import type { IDBPDatabase, IDBPTransaction } from 'idb';
import { Vocabulary } from '../core/data/vocabulary';
import type { Interaction } from '../core/data/types';
import type { UpgradeTx } from './hearth-db-schema';
import { CHUNK_ROWS, chunkFromColumns } from './interaction-chunks';
import { batchFromInteractions, checkInteraction } from './row-batch';
import { settle } from './settle-request';
import { vocabRecords } from './vocab-mirror';

/** Name of the prototype layout's store of plain `Interaction` objects. */
export const V0_EVENTS_STORE = 'events';

/** Meta key recording what the v0 migration kept and skipped. */
export const V0_MIGRATION_META_KEY = 'hearth:migratedFromV0';

/**
 * Moves the prototype layout's `events` store (one object per event, key order = insertion order)
 * into columnar chunks and vocabularies, then deletes it. Runs inside the `upgrade` transaction,
 * right after the v1 stores were created (so they are empty and local ints are the stored ints);
 * rows a v1 append would reject are skipped and counted in meta {@link V0_MIGRATION_META_KEY}.
 */
export async function migrateV0Events(tx: UpgradeTx, visitorId: string): Promise<void> {
  // The v0 store is not part of the typed schema.
  const legacyTx = tx as unknown as IDBPTransaction<unknown, string[], 'versionchange'>;
  const rows = (await legacyTx.objectStore(V0_EVENTS_STORE).getAll()) as unknown[];
  const valid: Interaction[] = [];
  for (let i = 0; i < rows.length; i++) {
    if (checkInteraction(rows[i], i) === null) valid.push(rows[i] as Interaction);
  }
  const batch = batchFromInteractions(valid, visitorId);
  const vocab = tx.objectStore('vocab');
  for (const record of vocabRecords('user', Vocabulary.from(batch.userIds), 0))
    settle(vocab.put(record));
  for (const record of vocabRecords('item', Vocabulary.from(batch.itemIds), 0))
    settle(vocab.put(record));
  const chunks = tx.objectStore('chunks');
  for (let start = 0; start < batch.length; start += CHUNK_ROWS) {
    settle(chunks.add(chunkFromColumns(batch, start, Math.min(batch.length, start + CHUNK_ROWS))));
  }
  settle(tx.objectStore('counters').put(batch.length, 'chunkRows'));
  settle(
    tx
      .objectStore('meta')
      .put({ migrated: batch.length, skipped: rows.length - batch.length }, V0_MIGRATION_META_KEY),
  );
  (tx.db as unknown as IDBPDatabase<unknown>).deleteObjectStore(V0_EVENTS_STORE);
}
