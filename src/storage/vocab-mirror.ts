import { DataError } from '../core/errors';
import { Vocabulary } from '../core/data/vocabulary';
import type { InteractionTx, VocabKind, VocabRecord } from './hearth-db-schema';
import { settle } from './settle-request';

/** Ids per vocabulary record. A write rewrites at most the last, partly filled record. */
export const VOCAB_RECORD_IDS = 4096;

/**
 * The records holding ids `from..size-1` of `vocab`: the record containing `from` is rewritten
 * whole (it may be partly filled), later ones are new.
 */
export function vocabRecords(kind: VocabKind, vocab: Vocabulary, from: number): VocabRecord[] {
  const out: VocabRecord[] = [];
  for (
    let start = Math.floor(from / VOCAB_RECORD_IDS) * VOCAB_RECORD_IDS;
    start < vocab.size;
    start += VOCAB_RECORD_IDS
  ) {
    const end = Math.min(vocab.size, start + VOCAB_RECORD_IDS);
    const part: string[] = [];
    for (let i = start; i < end; i++) part.push(vocab.idAt(i));
    out.push({ kind, start, count: end - start, ids: JSON.stringify(part) });
  }
  return out;
}

/**
 * In-memory copy of the stored user and item vocabularies (append-only), kept per connection.
 * `sync` inside a transaction brings it up to date with what other connections appended, reading
 * only the records past its size; `extend` maps a batch's ids to stored ints and writes the new ids
 * in the same transaction. Callers `invalidate` it when a write transaction fails.
 */
export class VocabMirror {
  private users = new Vocabulary();
  private items = new Vocabulary();

  /** Forgets everything (after a failed write, or when the connection closes). */
  invalidate(): void {
    this.users = new Vocabulary();
    this.items = new Vocabulary();
  }

  /**
   * Loads ids appended since the last sync (by any connection) and returns the synced
   * vocabularies (read-only for the caller).
   */
  async sync<M extends 'readonly' | 'readwrite'>(
    tx: InteractionTx<M>,
  ): Promise<{ readonly users: Vocabulary; readonly items: Vocabulary }> {
    for (const kind of ['user', 'item'] as const) {
      if (!(await this.syncKind(tx, kind))) {
        // The database no longer matches what this mirror saw: reload that vocabulary fully.
        this.replace(kind, new Vocabulary());
        if (!(await this.syncKind(tx, kind))) {
          throw new DataError(
            'UNREADABLE_INPUT',
            `The stored ${kind} id list is inconsistent; export your data (exportAll), erase it (eraseAll) and import it again.`,
          );
        }
      }
    }
    return { users: this.users, items: this.items };
  }

  /**
   * Maps `ids` to stored ints, appending unknown ids to the vocabulary and writing the changed
   * records. Must follow `sync` in the same readwrite transaction.
   */
  extend(tx: InteractionTx<'readwrite'>, kind: VocabKind, ids: readonly string[]): Int32Array {
    const vocab = this.get(kind);
    const before = vocab.size;
    const map = new Int32Array(ids.length);
    for (let i = 0; i < ids.length; i++) map[i] = vocab.add(ids[i]!);
    const store = tx.objectStore('vocab');
    for (const record of vocabRecords(kind, vocab, before)) settle(store.put(record));
    return map;
  }

  private get(kind: VocabKind): Vocabulary {
    return kind === 'user' ? this.users : this.items;
  }

  private replace(kind: VocabKind, vocab: Vocabulary): void {
    if (kind === 'user') this.users = vocab;
    else this.items = vocab;
  }

  /** Appends stored ids past the mirror's size; false when the store does not continue the mirror. */
  private async syncKind<M extends 'readonly' | 'readwrite'>(
    tx: InteractionTx<M>,
    kind: VocabKind,
  ): Promise<boolean> {
    const vocab = this.get(kind);
    const from = Math.floor(vocab.size / VOCAB_RECORD_IDS) * VOCAB_RECORD_IDS;
    const records = await tx
      .objectStore('vocab')
      .getAll(IDBKeyRange.bound([kind, from], [kind, Infinity]));
    const first = records[0];
    if (first === undefined) return vocab.size === from;
    if (first.start !== from) return false;
    for (const record of records) {
      if (record.start > vocab.size) return false;
      const ids = JSON.parse(record.ids) as string[];
      for (let i = vocab.size - record.start; i < ids.length; i++) vocab.add(ids[i]!);
      if (vocab.size !== record.start + record.count) return false;
    }
    return true;
  }
}
