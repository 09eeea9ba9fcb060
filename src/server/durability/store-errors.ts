/**
 * Errors of the server's durable store. A damaged store never starts silently: the message names
 * the file, the byte offset where relevant, and what to run.
 */
import { HearthError } from '../../core/errors';

/** The command that salvages a damaged data directory (documented in docs/server-durability.md). */
export function recoverCommand(dataDir: string): string {
  return `npx hearth-recs server --recover --data-dir ${JSON.stringify(dataDir)}`;
}

/**
 * A file of the data directory is damaged in a way a crash cannot cause (a flipped byte before
 * intact records, an impossible length, a missing or emptied log, an undecodable record or state).
 * Nothing was changed on disk.
 */
export class StoreCorruptError extends HearthError {
  /** The damaged file. */
  readonly file: string;
  /** Byte offset of the damage in `file`, when it has one. */
  readonly offset: number | undefined;

  constructor(o: { file: string; offset?: number; problem: string; remedy: string }) {
    const where = o.offset === undefined ? o.file : `${o.file} at byte ${o.offset}`;
    super('STORE_CORRUPT', `${where}: ${o.problem}. ${o.remedy}`);
    this.name = 'StoreCorruptError';
    this.file = o.file;
    this.offset = o.offset;
  }
}

/**
 * A write to the store failed (disk full, I/O error). The failed record was not acknowledged; when
 * the log could not be restored to its last good length it refuses further appends until reopened.
 */
export class StoreWriteError extends HearthError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORE_WRITE_FAILED', message);
    this.name = 'StoreWriteError';
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}
