/**
 * Append-only record log with group commit: each record is framed as [u32 length][u32 CRC-32]
 * [bytes]; appends queued while a write is in flight go out together in one write + fdatasync, and
 * every append resolves only after its fsync. On open, a torn or corrupt tail (a crash mid-write) is
 * cut off at the last intact record.
 */
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { crc32 } from '../core/model-file';

/** An open log. */
export interface AppendLog {
  /** Resolves once the record is on stable storage. */
  append(record: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** Result of opening a log: the intact records already in it. */
export interface OpenedLog {
  readonly log: AppendLog;
  readonly records: readonly Uint8Array[];
  /** Bytes of torn or corrupt tail that were removed. */
  readonly repairedBytes: number;
}

const FRAME = 8;

/** Reads the intact records of a log file's bytes; returns them and the intact length. */
export function scanLog(bytes: Uint8Array): { records: Uint8Array[]; validLength: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: Uint8Array[] = [];
  let pos = 0;
  while (pos + FRAME <= bytes.length) {
    const length = view.getUint32(pos, true);
    const sum = view.getUint32(pos + 4, true);
    if (pos + FRAME + length > bytes.length) break;
    const body = bytes.subarray(pos + FRAME, pos + FRAME + length);
    if (crc32(body) !== sum) break;
    records.push(body.slice());
    pos += FRAME + length;
  }
  return { records, validLength: pos };
}

/** Fsyncs a directory so a created or renamed entry in it is durable. */
export async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function writeFully(handle: FileHandle, data: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
}

/** Opens (creating if needed) the log at `path`, repairing a torn tail. */
export async function openAppendLog(path: string): Promise<OpenedLog> {
  let existing: Uint8Array | null = null;
  try {
    existing = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  let records: Uint8Array[] = [];
  let repairedBytes = 0;
  if (existing) {
    const scan = scanLog(existing);
    records = scan.records;
    repairedBytes = existing.length - scan.validLength;
    if (repairedBytes > 0) {
      const fix = await open(path, 'r+');
      try {
        await fix.truncate(scan.validLength);
        await fix.sync();
      } finally {
        await fix.close();
      }
    }
  }
  const handle = await open(path, 'a');
  if (!existing) {
    try {
      await syncDirectory(dirname(path));
    } catch (error) {
      await handle.close();
      throw error;
    }
  }
  let queue: { bytes: Uint8Array; resolve: () => void; reject: (e: unknown) => void }[] = [];
  let flushing: Promise<void> | null = null;
  let closed = false;
  const flush = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        const total = batch.reduce((s, b) => s + b.bytes.length, 0);
        const data = new Uint8Array(total);
        let pos = 0;
        for (const b of batch) {
          data.set(b.bytes, pos);
          pos += b.bytes.length;
        }
        await writeFully(handle, data);
        await handle.datasync();
        for (const b of batch) b.resolve();
      } catch (error) {
        for (const b of batch) b.reject(error);
      }
    }
    flushing = null;
  };
  return {
    records,
    repairedBytes,
    log: {
      append(record) {
        if (closed) return Promise.reject(new Error('The log is closed.'));
        const framed = new Uint8Array(FRAME + record.length);
        const view = new DataView(framed.buffer);
        view.setUint32(0, record.length, true);
        view.setUint32(4, crc32(record), true);
        framed.set(record, FRAME);
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
