import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAppendLog } from '../../src/server/append-log';
import { frameRecord, LOG_HEADER_BYTES } from '../../src/server/durability/log-format';
import { createSimulatedDisk } from '../../src/server/durability/simulated-disk';
import { StoreCorruptError, StoreWriteError } from '../../src/server/durability/store-errors';

/** XORs byte `at` of `raw` with `mask`. */
const flip = (raw: Buffer, at: number, mask: number): void => {
  raw.writeUInt8(raw.readUInt8(at) ^ mask, at);
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-log-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const bytes = (...v: number[]): Uint8Array => Uint8Array.from(v);
const fill = (n: number, v: number): Uint8Array => new Uint8Array(n).fill(v);

/** A log at `name` holding `records`, closed; returns its path and each record's offset. */
async function writtenLog(name: string, records: Uint8Array[]): Promise<string> {
  const path = join(dir, name);
  const { log } = await openAppendLog({ path, create: true, round: 1 });
  for (const r of records) await log.append(r);
  await log.close();
  return path;
}

async function refusal(path: string): Promise<StoreCorruptError> {
  const before = readFileSync(path);
  const error = await openAppendLog({ path, round: 1 }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreCorruptError);
  // Refusing changes nothing on disk.
  expect(readFileSync(path).equals(before)).toBe(true);
  return error as StoreCorruptError;
}

const recordOffset = (index: number, size: number): number => LOG_HEADER_BYTES + index * (8 + size);

describe('append log', () => {
  it('returns the records appended before a reopen, in order', async () => {
    const path = join(dir, 'a.log');
    const first = await openAppendLog({ path, create: true });
    expect(first.records).toEqual([]);
    await Promise.all([
      first.log.append(bytes(1, 2)),
      first.log.append(bytes(3)),
      first.log.append(new Uint8Array(0)),
    ]);
    await first.log.close();
    const second = await openAppendLog({ path });
    expect(second.records.map((r) => Array.from(r.body))).toEqual([[1, 2], [3], []]);
    await second.log.append(bytes(9));
    await second.log.close();
    const third = await openAppendLog({ path });
    expect(third.records).toHaveLength(4);
    await third.log.close();
  });

  it('cuts a torn tail (an interrupted append) and keeps appending after it', async () => {
    const path = await writtenLog('b.log', [fill(3, 1), fill(3, 2)]);
    const good = statSync(path).size;
    // A crash mid-write: a length prefix promising more bytes than follow.
    appendFileSync(path, Buffer.from([50, 0, 0, 0, 1, 2, 3, 4, 9]));
    const reopened = await openAppendLog({ path, round: 1 });
    expect(reopened.records).toHaveLength(2);
    expect(reopened.repairedBytes).toBe(9);
    await reopened.log.append(fill(2, 3));
    await reopened.log.close();
    expect(statSync(path).size).toBe(good + 10);
    const again = await openAppendLog({ path, round: 1 });
    expect(again.records.map((r) => r.body[0])).toEqual([1, 2, 3]);
    expect(again.repairedBytes).toBe(0);
    await again.log.close();
  });

  it('cuts a zero-filled tail (sectors allocated but never written) and a header cut short', async () => {
    const path = await writtenLog('z.log', [fill(3, 1)]);
    appendFileSync(path, new Uint8Array(700));
    const zeros = await openAppendLog({ path, round: 1 });
    expect(zeros.records).toHaveLength(1);
    expect(zeros.repairedBytes).toBe(700);
    await zeros.log.close();
    appendFileSync(path, Buffer.from([5, 0, 0]));
    const short = await openAppendLog({ path, round: 1 });
    expect(short.repairedBytes).toBe(3);
    await short.log.close();
  });

  it('#2 a flipped byte mid-log refuses to open, naming the file and the damaged record’s offset', async () => {
    const records = Array.from({ length: 30 }, (_, i) => fill(40, i + 1));
    const path = await writtenLog('c.log', records);
    const raw = readFileSync(path);
    flip(raw, recordOffset(9, 40) + 20, 0x01);
    writeFileSync(path, raw);
    const error = await refusal(path);
    expect(error.code).toBe('STORE_CORRUPT');
    expect(error.file).toBe(path);
    expect(error.offset).toBe(recordOffset(9, 40));
    expect(error.message).toContain(path);
    expect(error.message).toContain(`byte ${recordOffset(9, 40)}`);
    expect(error.message).toMatch(/hearth-recs server --recover/);
  });

  it('#2 a flip in the first record refuses instead of dropping every record', async () => {
    const path = await writtenLog('d.log', [fill(10, 1), fill(10, 2), fill(10, 3)]);
    const raw = readFileSync(path);
    flip(raw, LOG_HEADER_BYTES + 8, 0xff);
    writeFileSync(path, raw);
    expect((await refusal(path)).offset).toBe(LOG_HEADER_BYTES);
  });

  it('#2 a huge length field refuses, even in the last record', async () => {
    const path = await writtenLog('e.log', [fill(10, 1), fill(10, 2)]);
    const raw = readFileSync(path);
    raw.writeUInt32LE(0xfffffff0, recordOffset(1, 10));
    writeFileSync(path, raw);
    const error = await refusal(path);
    expect(error.offset).toBe(recordOffset(1, 10));
    expect(error.message).toMatch(/length field/);
  });

  it('#2 a length pointing past later intact records refuses', async () => {
    const path = await writtenLog('f.log', [fill(10, 1), fill(10, 2), fill(10, 3), fill(10, 4)]);
    const raw = readFileSync(path);
    raw.writeUInt32LE(5000, recordOffset(1, 10));
    writeFileSync(path, raw);
    expect((await refusal(path)).offset).toBe(recordOffset(1, 10));
  });

  it('#2 bytes cut out of a record that is not the last refuse', async () => {
    const path = await writtenLog('g.log', [fill(10, 1), fill(10, 2), fill(10, 3)]);
    const raw = readFileSync(path);
    const at = recordOffset(1, 10) + 12;
    writeFileSync(path, Buffer.concat([raw.subarray(0, at), raw.subarray(at + 3)]));
    expect((await refusal(path)).offset).toBe(recordOffset(1, 10));
  });

  it('#2 a complete last record with a flipped byte refuses (a crash cannot leave one)', async () => {
    const path = await writtenLog('h.log', [fill(10, 1), fill(10, 2)]);
    const raw = readFileSync(path);
    flip(raw, raw.length - 1, 0x10);
    writeFileSync(path, raw);
    expect((await refusal(path)).offset).toBe(recordOffset(1, 10));
  });

  it('#2 an emptied or deleted log refuses', async () => {
    const path = await writtenLog('i.log', [fill(10, 1)]);
    writeFileSync(path, new Uint8Array(0));
    expect((await refusal(path)).message).toMatch(/empty/);
    rmSync(path);
    const missing = await openAppendLog({ path, round: 1 }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(StoreCorruptError);
    expect((missing as Error).message).toMatch(/missing/);
  });

  it('refuses a log whose header names another round', async () => {
    const path = await writtenLog('j.log', [fill(10, 1)]);
    const error = await openAppendLog({ path, round: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreCorruptError);
    expect((error as Error).message).toMatch(/round 1, not round 2/);
  });

  it('record-shaped bytes inside a torn record are not taken for intact records (salted checksum)', async () => {
    const path = join(dir, 'k.log');
    const { log } = await openAppendLog({ path, create: true, round: 1 });
    await log.append(fill(10, 1));
    // An uploader can embed a frame checksummed as it would be without the log's secret salt.
    const embedded = frameRecord({ version: 1, round: 1, salt: 0 }, fill(16, 7));
    const legacy = frameRecord({ version: 0, round: null, salt: 0 }, fill(16, 7));
    const body = new Uint8Array(200);
    body.set(embedded, 20);
    body.set(legacy, 80);
    await log.append(body);
    await log.close();
    // Power loss after the embedded frames reached the disk but before the record's end did.
    const raw = readFileSync(path);
    writeFileSync(path, raw.subarray(0, raw.length - 50));
    const reopened = await openAppendLog({ path, round: 1 });
    expect(reopened.records).toHaveLength(1);
    await reopened.log.close();
  });

  it('reads and appends to a legacy log (no header, checksum over the body only)', async () => {
    const path = join(dir, 'legacy.log');
    const legacy = { version: 0 as const, round: null, salt: 0 };
    writeFileSync(
      path,
      Buffer.concat([frameRecord(legacy, fill(5, 1)), frameRecord(legacy, fill(5, 2))]),
    );
    const opened = await openAppendLog({ path, round: 4 });
    expect(opened.records.map((r) => r.body[0])).toEqual([1, 2]);
    await opened.log.append(fill(5, 3));
    await opened.log.close();
    const again = await openAppendLog({ path, round: 4 });
    expect(again.records.map((r) => r.body[0])).toEqual([1, 2, 3]);
    await again.log.close();
  });

  it('rejects appends after close', async () => {
    const { log } = await openAppendLog({ path: join(dir, 'l.log'), create: true });
    await log.close();
    await expect(log.append(bytes(1))).rejects.toThrow(/closed/);
  });
});

describe('append log after a failed write', () => {
  it('#2 a partial write (ENOSPC) is not acknowledged and is cut before the next append', async () => {
    const disk = createSimulatedDisk();
    await disk.mkdir('/d');
    const path = '/d/round-1.log';
    const { log } = await openAppendLog({ path, layer: disk, create: true, round: 1 });
    await log.append(fill(30, 1));
    disk.injectFault({ op: 'write', code: 'ENOSPC', partialBytes: 17 });
    const failed = await log.append(fill(30, 2)).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(StoreWriteError);
    expect((failed as StoreWriteError).code).toBe('STORE_WRITE_FAILED');
    await log.append(fill(30, 3));
    await log.close();
    // A restart must find both acknowledged records: none cut as if it were a torn tail.
    const reopened = await openAppendLog({ path, layer: disk.restart(), round: 1 });
    expect(reopened.records.map((r) => r.body[0])).toEqual([1, 3]);
    expect(reopened.repairedBytes).toBe(0);
  });

  it('#2 a failed fdatasync is not acknowledged; the log goes on from its last good length', async () => {
    const disk = createSimulatedDisk();
    await disk.mkdir('/d');
    const path = '/d/round-1.log';
    const { log } = await openAppendLog({ path, layer: disk, create: true, round: 1 });
    disk.injectFault({ op: 'datasync', code: 'EIO' });
    await expect(log.append(fill(30, 1))).rejects.toThrow(StoreWriteError);
    await log.append(fill(30, 2));
    await log.close();
    const reopened = await openAppendLog({ path, layer: disk.restart(), round: 1 });
    expect(reopened.records.map((r) => r.body[0])).toEqual([2]);
  });

  it('#2 when the partial bytes cannot be cut, the log refuses further appends', async () => {
    const disk = createSimulatedDisk();
    await disk.mkdir('/d');
    const path = '/d/round-1.log';
    const { log } = await openAppendLog({ path, layer: disk, create: true, round: 1 });
    await log.append(fill(30, 1));
    disk.injectFault({ op: 'write', code: 'EIO', partialBytes: 12 });
    disk.injectFault({ op: 'truncate', code: 'EIO' });
    await expect(log.append(fill(30, 2))).rejects.toThrow(StoreWriteError);
    await expect(log.append(fill(30, 3))).rejects.toThrow(/could not be restored/);
    await log.close();
    // On restart the partial bytes are an (unacknowledged) torn tail.
    const reopened = await openAppendLog({ path, layer: disk.restart(), round: 1 });
    expect(reopened.records.map((r) => r.body[0])).toEqual([1]);
    expect(reopened.repairedBytes).toBe(12);
  });
});
