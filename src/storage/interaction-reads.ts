import type { InteractionColumns, InteractionDataset } from '../core/data/interaction-log';
import { EVENT_TYPES, type Interaction } from '../core/data/types';
import { Vocabulary } from '../core/data/vocabulary';
import type { ChunkRecord, InteractionTx, LogRecord } from './hearth-db-schema';
import { chunkColumns, concatColumns, mapBatch } from './interaction-chunks';
import { batchFromLog } from './row-batch';
import type { VocabMirror } from './vocab-mirror';

function internAll(vocab: Vocabulary, ids: readonly string[]): Int32Array {
  const map = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) map[i] = vocab.add(ids[i]!);
  return map;
}

/**
 * Every stored interaction as one dataset, oldest first (chunks in id order, then the log). The
 * vocabularies are the stored ones in stored order, extended by ids only the log holds; they may
 * include ids whose rows were evicted.
 */
export async function readDataset(
  tx: InteractionTx<'readonly'>,
  mirror: VocabMirror,
): Promise<InteractionDataset> {
  const synced = await mirror.sync(tx);
  const [chunks, log] = await Promise.all([
    tx.objectStore('chunks').getAll(),
    tx.objectStore('log').getAll(),
  ]);
  const userVocab = Vocabulary.from(synced.users.toArray());
  const itemVocab = Vocabulary.from(synced.items.toArray());
  const parts: InteractionColumns[] = chunks.map(chunkColumns);
  if (log.length > 0) {
    const batch = batchFromLog(log);
    parts.push(
      mapBatch(batch, internAll(userVocab, batch.userIds), internAll(itemVocab, batch.itemIds)),
    );
  }
  return { userVocab, itemVocab, columns: concatColumns(parts) };
}

function fromLog(record: LogRecord): Interaction {
  return {
    itemId: record.item,
    userId: record.user,
    type: EVENT_TYPES[record.type]!,
    ...(record.value === record.value ? { value: record.value } : {}),
    timestamp: record.timestamp,
  };
}

function fromChunk(
  chunk: ChunkRecord,
  row: number,
  userId: string,
  itemVocab: Vocabulary,
): Interaction {
  const value = chunk.values[row]!;
  return {
    itemId: itemVocab.idAt(chunk.items[row]!),
    userId,
    type: EVENT_TYPES[chunk.types[row]!]!,
    ...(value === value ? { value } : {}),
    timestamp: chunk.timestamps[row]!,
  };
}

/** The `limit` most recently stored interactions of `userId`, newest last. */
export async function readRecent(
  tx: InteractionTx<'readonly'>,
  mirror: VocabMirror,
  limit: number,
  userId: string,
): Promise<Interaction[]> {
  const newestFirst: Interaction[] = [];
  if (limit <= 0) return newestFirst;
  let log = await tx.objectStore('log').openCursor(null, 'prev');
  while (log !== null && newestFirst.length < limit) {
    if (log.value.user === userId) newestFirst.push(fromLog(log.value));
    log = await log.continue();
  }
  if (newestFirst.length < limit) {
    const { users, items } = await mirror.sync(tx);
    const user = users.get(userId);
    let chunk = user < 0 ? null : await tx.objectStore('chunks').openCursor(null, 'prev');
    while (chunk !== null && newestFirst.length < limit) {
      const c = chunk.value;
      for (let i = c.count - 1; i >= 0 && newestFirst.length < limit; i--) {
        if (c.users[i] === user) newestFirst.push(fromChunk(c, i, userId, items));
      }
      chunk = await chunk.continue();
    }
  }
  return newestFirst.reverse();
}
