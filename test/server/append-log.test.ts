import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAppendLog, scanLog } from '../../src/server/append-log';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-log-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const bytes = (...v: number[]): Uint8Array => Uint8Array.from(v);

describe('append log', () => {
  it('returns the records appended before a reopen, in order', async () => {
    const path = join(dir, 'a.log');
    const first = await openAppendLog(path);
    expect(first.records).toEqual([]);
    await Promise.all([
      first.log.append(bytes(1, 2)),
      first.log.append(bytes(3)),
      first.log.append(new Uint8Array(0)),
    ]);
    await first.log.close();
    const second = await openAppendLog(path);
    expect(second.records.map((r) => Array.from(r))).toEqual([[1, 2], [3], []]);
    await second.log.append(bytes(9));
    await second.log.close();
    const third = await openAppendLog(path);
    expect(third.records).toHaveLength(4);
    await third.log.close();
  });

  it('cuts off a torn tail and a corrupted record, keeping what precedes them', async () => {
    const path = join(dir, 'b.log');
    const { log } = await openAppendLog(path);
    await log.append(bytes(1, 1, 1));
    await log.append(bytes(2, 2, 2));
    await log.close();
    const good = statSync(path).size;
    // A crash mid-write: a length prefix promising more bytes than follow.
    appendFileSync(path, Buffer.from([50, 0, 0, 0, 1, 2, 3, 4, 9]));
    const reopened = await openAppendLog(path);
    expect(reopened.records).toHaveLength(2);
    expect(reopened.repairedBytes).toBe(9);
    await reopened.log.close();
    expect(statSync(path).size).toBe(good);
    // Flip a payload byte of the second record: its CRC fails, so only the first survives.
    const raw = readFileSync(path);
    raw[raw.length - 1] = raw[raw.length - 1]! ^ 0xff;
    expect(scanLog(raw).records).toHaveLength(1);
  });

  it('rejects appends after close', async () => {
    const { log } = await openAppendLog(join(dir, 'c.log'));
    await log.close();
    await expect(log.append(bytes(1))).rejects.toThrow(/closed/);
  });
});
