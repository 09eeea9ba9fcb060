import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAppendLog } from '../../src/server/append-log';
import { createDiskStore } from '../../src/server/disk-store';
import { StoreCorruptError } from '../../src/server/durability/store-errors';
import { createMemoryStore } from '../../src/server/memory-store';
import { decodeRecord, encodeRecord } from '../../src/server/federated-store';
import { storedState as state } from './durability-fixtures';

/** XORs byte `at` of `raw` with `mask`. */
const flip = (raw: Buffer, at: number, mask: number): void => {
  raw.writeUInt8(raw.readUInt8(at) ^ mask, at);
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('records', () => {
  it('encode and decode every kind, update payloads as bytes', () => {
    const update = {
      type: 'update' as const,
      ticketId: 'pX',
      nonce: 'ab'.repeat(16),
      weight: 1,
      payload: Uint8Array.of(1, 2, 3),
    };
    const back = decodeRecord(encodeRecord(update));
    expect(back).toEqual(update);
    const join1 = { type: 'join' as const, slot: 3, publicKey: 'QUJD' };
    expect(decodeRecord(encodeRecord(join1))).toEqual(join1);
  });

  it('encode and decode the secure-round records, share ciphertexts as bytes', () => {
    const records = [
      { type: 'join' as const, slot: 1, publicKey: 'QUJD', shareKey: 'REVG' },
      { type: 'phase' as const, phase: 'sharing' as const, masking: { degree: 3, threshold: 3 } },
      { type: 'phase' as const, phase: 'collecting' as const, cohort: [0, 1, 3] },
      {
        type: 'phase' as const,
        phase: 'unmasking' as const,
        survivors: [0, 1],
        dropped: [3],
      },
      { type: 'shares' as const, slot: 1, to: [0, 3], ciphertexts: Uint8Array.of(9, 8, 7, 6) },
      {
        type: 'unmask' as const,
        slot: 0,
        selfMaskShares: [{ slot: 1, share: 'QUJD' }],
        keyShares: [{ slot: 3, share: 'REVG' }],
      },
    ];
    for (const record of records) expect(decodeRecord(encodeRecord(record))).toEqual(record);
  });
});

describe('disk store', () => {
  it('is empty at first, then returns the committed state, model and the open round’s records', async () => {
    const store = await createDiskStore(dir);
    expect(await store.load()).toBeNull();
    await store.commit(state(0, 1), Uint8Array.of(7, 7));
    await store.append(1, { type: 'phase', phase: 'collecting' });
    await store.append(1, {
      type: 'update',
      ticketId: 'p1',
      nonce: 'a'.repeat(32),
      weight: 0.5,
      payload: Uint8Array.of(4),
    });
    await expect(store.append(2, { type: 'phase', phase: 'closed' })).rejects.toThrow(/open round/);
    await store.close();
    const again = await createDiskStore(dir);
    const loaded = (await again.load())!;
    expect(loaded.state.roundNumber).toBe(1);
    expect(Array.from(loaded.model)).toEqual([7, 7]);
    expect(loaded.records.map((r) => r.type)).toEqual(['phase', 'update']);
    await again.close();
  });

  it('a commit starts an empty round log and prunes old logs and models', async () => {
    const store = await createDiskStore(dir);
    await store.commit(state(0, 1), Uint8Array.of(0));
    await store.append(1, { type: 'phase', phase: 'collecting' });
    await store.commit(state(1, 2), Uint8Array.of(1));
    await store.commit(state(2, 3), Uint8Array.of(2));
    expect(existsSync(join(dir, 'round-1.log'))).toBe(false);
    expect(existsSync(join(dir, 'model-v0.hfm'))).toBe(false);
    expect(existsSync(join(dir, 'model-v1.hfm'))).toBe(true);
    const loaded = (await store.load())!;
    expect(loaded.records).toEqual([]);
    expect(Array.from(loaded.model)).toEqual([2]);
    await store.close();
  });
});

/** A store in `dir` at round 1 holding `updates` update records; closed. */
async function storeWithUpdates(updates: number): Promise<void> {
  const store = await createDiskStore(dir, { onNotice: () => {} });
  await store.commit(state(0, 1), Uint8Array.of(7));
  for (let i = 0; i < updates; i++) {
    await store.append(1, {
      type: 'update',
      ticketId: `p${i}`,
      nonce: String(i).padStart(32, '0'),
      weight: 1,
      payload: Uint8Array.of(i),
    });
  }
  await store.close();
}

async function loadError(): Promise<StoreCorruptError> {
  const store = await createDiskStore(dir, { onNotice: () => {} });
  const error = await store.load().then(
    () => null,
    (e: unknown) => e,
  );
  await store.close();
  expect(error).toBeInstanceOf(StoreCorruptError);
  expect((error as StoreCorruptError).code).toBe('STORE_CORRUPT');
  return error as StoreCorruptError;
}

describe('disk store refuses damage with the file and offset', () => {
  it('#11 a corrupt state.json names the file instead of a bare JSON error', async () => {
    await storeWithUpdates(1);
    writeFileSync(join(dir, 'state.json'), '{"modelVersion": 0, "roundNu');
    const error = await loadError();
    expect(error.file).toBe(join(dir, 'state.json'));
    expect(error.message).toContain(join(dir, 'state.json'));
    expect(error.message).toMatch(/not valid JSON/);
  });

  it('#12 a state.json parse error does not echo terminal escape sequences', async () => {
    await storeWithUpdates(1);
    writeFileSync(join(dir, 'state.json'), '\u001b]0;pwned\u0007\u001b[31m{');
    const error = await loadError();
    expect(error.message).toMatch(/not valid JSON/);
    const controls = [...error.message].filter((c) => c.charCodeAt(0) < 0x20 && c !== '\n');
    expect(controls).toEqual([]);
  });

  it('#11 a state.json with a missing field names the field', async () => {
    await storeWithUpdates(1);
    const parsed = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    delete parsed.secret;
    writeFileSync(join(dir, 'state.json'), JSON.stringify(parsed));
    expect((await loadError()).message).toMatch(/"secret"/);
  });

  it('#11 a record with a valid checksum but undecodable content names the file and the record offset', async () => {
    const store = await createDiskStore(dir);
    await store.commit(state(0, 1), Uint8Array.of(7));
    await store.append(1, { type: 'phase', phase: 'collecting' });
    await store.close();
    const logPath = join(dir, 'round-1.log');
    const raw = await openAppendLog({ path: logPath, round: 1 });
    const json = new TextEncoder().encode('{"type":"update","ticketId":7}');
    const body = new Uint8Array(4 + json.length);
    new DataView(body.buffer).setUint32(0, json.length, true);
    body.set(json, 4);
    await raw.log.append(body);
    await raw.log.close();
    const error = await loadError();
    expect(error.file).toBe(logPath);
    expect(error.offset).toBeGreaterThan(20);
    expect(error.message).toContain(`${logPath} at byte ${error.offset}`);
    expect(error.message).toMatch(/record 2 .*ticketId must be a string/);
  });

  it('#2 a deleted or emptied round log refuses instead of starting an empty round', async () => {
    await storeWithUpdates(3);
    const logPath = join(dir, 'round-1.log');
    writeFileSync(logPath, new Uint8Array(0));
    expect((await loadError()).file).toBe(logPath);
    rmSync(logPath);
    expect((await loadError()).message).toMatch(/missing/);
  });

  it('#2 a flipped byte in the round log refuses and leaves every file as it was', async () => {
    await storeWithUpdates(30);
    const logPath = join(dir, 'round-1.log');
    const raw = readFileSync(logPath);
    flip(raw, 200, 0x04);
    writeFileSync(logPath, raw);
    const error = await loadError();
    expect(error.file).toBe(logPath);
    expect(error.offset).toBeLessThanOrEqual(200);
    expect(readFileSync(logPath).equals(raw)).toBe(true);
  });

  it('a missing model file or a lost state.json with later files refuses', async () => {
    const store = await createDiskStore(dir);
    await store.commit(state(0, 1), Uint8Array.of(1));
    await store.commit(state(1, 2), Uint8Array.of(2));
    await store.close();
    rmSync(join(dir, 'model-v1.hfm'));
    expect((await loadError()).file).toBe(join(dir, 'model-v1.hfm'));
    rmSync(join(dir, 'state.json'));
    expect((await loadError()).message).toMatch(/state\.json: missing/);
  });

  it('a torn tail is cut with a notice, and appends continue', async () => {
    await storeWithUpdates(2);
    const logPath = join(dir, 'round-1.log');
    writeFileSync(logPath, Buffer.concat([readFileSync(logPath), Buffer.from([9, 0, 0, 0, 1])]));
    const notices: string[] = [];
    const store = await createDiskStore(dir, { onNotice: (m) => notices.push(m) });
    expect((await store.load())!.records).toHaveLength(2);
    expect(notices.join()).toMatch(/torn tail of 5 bytes/);
    await store.close();
  });
});

describe('memory store', () => {
  it('behaves like the disk store within one process', async () => {
    const store = createMemoryStore();
    expect(await store.load()).toBeNull();
    await expect(store.append(1, { type: 'phase', phase: 'closed' })).rejects.toThrow(/open round/);
    await store.commit(state(0, 1), Uint8Array.of(1));
    await store.append(1, { type: 'phase', phase: 'collecting' });
    expect((await store.load())!.records).toHaveLength(1);
    await store.commit(state(1, 2), Uint8Array.of(2));
    expect((await store.load())!.records).toHaveLength(0);
  });
});
