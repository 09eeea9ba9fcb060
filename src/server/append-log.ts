/**
 * Append-only record log with group commit (format and torn-tail rules: `durability/log-format.ts`,
 * docs/server-durability.md). Appends queued while a write is in flight go out together in one
 * write + fdatasync, and every append resolves only after its fdatasync. On open, a torn tail (the
 * unacknowledged end of an interrupted append) is cut; any other damage refuses to open with a
 * {@link StoreCorruptError} naming the file and byte offset. After a failed write or sync the log
 * is truncated back to its last good length before anything else is appended, so a later restart
 * never has to cut acknowledged records; if even that fails, the log refuses further appends.
 */
import { randomBytes } from 'node:crypto';
import {
  nodeFileLayer,
  writeFileAtomic,
  writeFully,
  type FileLayer,
} from './durability/file-layer';
import {
  encodeLogHeader,
  frameRecord,
  scanLog,
  type LogHeader,
  type ScannedRecord,
} from './durability/log-format';
import { StoreCorruptError, StoreWriteError } from './durability/store-errors';

/** An open log. */
export interface AppendLog {
  /** Resolves once the record is on stable storage; rejects (not durable) otherwise. */
  append(record: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** Result of opening a log: the intact records already in it. */
export interface OpenedLog {
  readonly log: AppendLog;
  readonly records: readonly ScannedRecord[];
  /** Bytes of torn tail that were cut (an interrupted, unacknowledged append). */
  readonly repairedBytes: number;
}

/** Options of {@link openAppendLog}. */
export interface AppendLogOptions {
  readonly path: string;
  /** File operations (default: the real file system). */
  readonly layer?: FileLayer;
  /** Round the log belongs to: a header naming another round is corruption. */
  readonly round?: number;
  /** Create the log when it does not exist (default: a missing log is an error). */
  readonly create?: boolean;
  /** Told what to do when the log is damaged (default: names the recovery command generically). */
  readonly remedy?: string;
}

const DEFAULT_REMEDY =
  'Nothing was changed; salvage the intact records with "npx hearth-recs server --recover --data-dir DIR".';

/** Creates (or replaces) the log at `path` for `round`: a header only, durable with its entry. */
export async function createLogFile(o: {
  readonly path: string;
  readonly round: number;
  readonly layer?: FileLayer;
}): Promise<void> {
  const salt = randomBytes(4).readUInt32LE(0);
  await writeFileAtomic(o.layer ?? nodeFileLayer, o.path, encodeLogHeader(o.round, salt));
}

/** Reads and checks the log at `o.path`, creating it when allowed; throws on damage. */
async function readCheckedLog(
  o: AppendLogOptions,
  layer: FileLayer,
): Promise<{ header: LogHeader; records: ScannedRecord[]; validLength: number; torn: number }> {
  const remedy = o.remedy ?? DEFAULT_REMEDY;
  let bytes = await layer.readFile(o.path);
  if (!bytes && o.create) {
    await createLogFile({ path: o.path, round: o.round ?? 0, layer });
    bytes = await layer.readFile(o.path);
  }
  if (!bytes) {
    throw new StoreCorruptError({
      file: o.path,
      problem: 'the log of the open round is missing (it is created before the round opens)',
      remedy,
    });
  }
  const scan = scanLog(bytes);
  if (scan.end.kind === 'corrupt' || !scan.header) {
    const end = scan.end.kind === 'corrupt' ? scan.end : { offset: 0, problem: 'no header' };
    throw new StoreCorruptError({ file: o.path, offset: end.offset, problem: end.problem, remedy });
  }
  if (o.round !== undefined && scan.header.round !== null && scan.header.round !== o.round) {
    throw new StoreCorruptError({
      file: o.path,
      offset: 8,
      problem: `the header belongs to round ${scan.header.round}, not round ${o.round}`,
      remedy,
    });
  }
  const torn = scan.end.kind === 'torn' ? scan.end.bytes : 0;
  return { header: scan.header, records: scan.records, validLength: scan.validLength, torn };
}

/** Opens the log at `o.path`, cutting a torn tail; throws {@link StoreCorruptError} on damage. */
export async function openAppendLog(o: AppendLogOptions): Promise<OpenedLog> {
  const layer = o.layer ?? nodeFileLayer;
  const { header, records, validLength, torn } = await readCheckedLog(o, layer);
  const handle = await layer.open(o.path, 'existing');
  if (torn > 0) {
    try {
      await handle.truncate(validLength);
      await handle.datasync();
    } catch (error) {
      await handle.close();
      throw error;
    }
  }
  /** End of the last durable record: where the next write goes. */
  let end = validLength;
  /** Set when the file could not be brought back to `end` after a failed write. */
  let broken: unknown = null;
  let queue: { bytes: Uint8Array; resolve: () => void; reject: (e: unknown) => void }[] = [];
  let flushing: Promise<void> | null = null;
  let closed = false;

  const writeBatch = async (data: Uint8Array): Promise<void> => {
    try {
      await writeFully(handle, data, end);
      await handle.datasync();
      end += data.length;
    } catch (error) {
      try {
        // Cut the partial bytes so the next append follows the last durable record directly.
        await handle.truncate(end);
        await handle.datasync();
      } catch (repair) {
        broken = repair;
      }
      throw new StoreWriteError(
        `Appending to ${o.path} failed (${error instanceof Error ? error.message : String(error)}); ` +
          'the record was not stored and not acknowledged.',
        { cause: error },
      );
    }
  };
  const flush = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        if (broken !== null) {
          throw new StoreWriteError(
            `${o.path} could not be restored to its last good length after a failed write; ` +
              'restart the server (it checks the log on start) once the disk is healthy.',
            { cause: broken },
          );
        }
        const data = new Uint8Array(batch.reduce((s, b) => s + b.bytes.length, 0));
        let pos = 0;
        for (const b of batch) {
          data.set(b.bytes, pos);
          pos += b.bytes.length;
        }
        await writeBatch(data);
        for (const b of batch) b.resolve();
      } catch (error) {
        for (const b of batch) b.reject(error);
      }
    }
    flushing = null;
  };
  return {
    records,
    repairedBytes: torn,
    log: {
      append(record) {
        if (closed) return Promise.reject(new StoreWriteError(`The log ${o.path} is closed.`));
        const framed = frameRecord(header, record);
        return new Promise<void>((resolve, reject) => {
          queue.push({ bytes: framed, resolve, reject });
          flushing ??= flush();
        });
      },
      async close() {
        closed = true;
        await flushing;
        await handle.close();
      },
    },
  };
}
