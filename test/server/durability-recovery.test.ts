import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDiskStore } from '../../src/server/disk-store';
import { formatRecoveryReport, recoverDataDir } from '../../src/server/durability/recover-data-dir';
import { frameRecord } from '../../src/server/durability/log-format';
import { StoreCorruptError } from '../../src/server/durability/store-errors';
import { storedState } from './durability-fixtures';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-recover-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const state = storedState(0, 1);
const now = (): Date => new Date('2026-12-07T08:00:00Z');
const logPath = (): string => join(dir, 'round-1.log');

/** A store at round 1 with `n` updates of equal size (ticket ids u00, u01, …). */
async function storeWithUpdates(n: number): Promise<void> {
  const store = await createDiskStore(dir);
  await store.commit(state, Uint8Array.of(1));
  for (let i = 0; i < n; i++) {
    await store.append(1, {
      type: 'update',
      ticketId: `u${String(i).padStart(2, '0')}`,
      nonce: String(i).padStart(32, '0'),
      weight: 1,
      payload: new Uint8Array(50).fill(i),
    });
  }
  await store.close();
}

async function loadedTickets(): Promise<string[]> {
  const store = await createDiskStore(dir, { onNotice: () => {} });
  const loaded = (await store.load())!;
  await store.close();
  return loaded.records.flatMap((r) => (r.type === 'update' ? [r.ticketId] : []));
}

describe('recovery command', () => {
  it('#2 keeps the intact records before mid-log damage, keeps the damaged bytes aside, and the store starts again', async () => {
    await storeWithUpdates(30);
    const raw = readFileSync(logPath());
    // Record k starts at 20 + k × (8 + 4 + header + 50); damage the 10th update's payload.
    const recordBytes = (raw.length - 20) / 30;
    const at = 20 + 9 * recordBytes + recordBytes - 5;
    raw.writeUInt8(raw.readUInt8(at) ^ 0x20, at);
    writeFileSync(logPath(), raw);
    await expect(loadedTickets()).rejects.toThrow(StoreCorruptError);

    const report = await recoverDataDir({ dir, now });
    expect(report.status).toBe('recovered');
    expect(report.keptUpdates).toBe(9);
    expect(report.damage?.offset).toBe(20 + 9 * recordBytes);
    expect(report.droppedBytes).toBe(21 * recordBytes);
    expect(report.damagedCopy).toBe(`${logPath()}.damaged-2026-12-07T08-00-00-000Z`);
    expect(readFileSync(report.damagedCopy!).equals(raw)).toBe(true);
    expect(await loadedTickets()).toEqual(Array.from({ length: 9 }, (_, i) => `u0${i}`));
    const text = formatRecoveryReport(report);
    expect(text).toContain(`at byte ${20 + 9 * recordBytes}`);
    expect(text).toContain('kept 9 records (9 updates)');
    // The damaged copy survives the next round's pruning.
    const store = await createDiskStore(dir);
    await store.load();
    await store.commit({ ...state, modelVersion: 1, roundNumber: 2 }, Uint8Array.of(2));
    await store.close();
    expect(existsSync(report.damagedCopy!)).toBe(true);
  });

  it('#11 keeps the records before an undecodable one', async () => {
    await storeWithUpdates(3);
    const raw = readFileSync(logPath());
    const recordBytes = (raw.length - 20) / 3;
    // Make the third record's JSON header unparsable and fix up its checksum as a writer bug would.
    const salt = raw.readUInt32LE(12);
    const body = new Uint8Array(raw.subarray(20 + 2 * recordBytes + 8));
    body[5] = 0x7b; // '{' where '"' was: invalid JSON
    const framed = frameRecord({ version: 1, round: 1, salt }, body);
    writeFileSync(logPath(), Buffer.concat([raw.subarray(0, 20 + 2 * recordBytes), framed]));
    await expect(loadedTickets()).rejects.toThrow(
      /record 3 has a valid checksum but cannot be decoded/,
    );
    const report = await recoverDataDir({ dir, now });
    expect(report.keptUpdates).toBe(2);
    expect(await loadedTickets()).toEqual(['u00', 'u01']);
  });

  it('#2 a deleted log gets a fresh empty one; a healthy directory is left alone', async () => {
    await storeWithUpdates(2);
    const before = readFileSync(logPath());
    const healthy = await recoverDataDir({ dir, now });
    expect(healthy).toMatchObject({ status: 'healthy', keptUpdates: 2 });
    expect(readFileSync(logPath()).equals(before)).toBe(true);
    expect(readdirSync(dir).filter((n) => n.includes('damaged'))).toEqual([]);
    rmSync(logPath());
    const report = await recoverDataDir({ dir, now });
    expect(report).toMatchObject({ status: 'recovered', keptRecords: 0, damagedCopy: null });
    expect(await loadedTickets()).toEqual([]);
  });

  it('refuses to guess a damaged state.json and changes nothing', async () => {
    await storeWithUpdates(1);
    writeFileSync(join(dir, 'state.json'), '{');
    const names = readdirSync(dir).sort();
    await expect(recoverDataDir({ dir, now })).rejects.toThrow(
      /state\.json: not valid JSON.*backup/,
    );
    expect(readdirSync(dir).sort()).toEqual(names);
  });

  it('says so for an empty directory', async () => {
    const report = await recoverDataDir({ dir, now });
    expect(report.status).toBe('empty');
    expect(formatRecoveryReport(report)).toMatch(/nothing to recover/);
  });
});
