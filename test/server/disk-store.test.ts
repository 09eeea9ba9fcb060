import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDiskStore } from '../../src/server/disk-store';
import { createMemoryStore } from '../../src/server/memory-store';
import { decodeRecord, encodeRecord, type StoredState } from '../../src/server/federated-store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const state = (modelVersion: number, roundNumber: number): StoredState => ({
  modelVersion,
  roundNumber,
  roundsCompleted: modelVersion,
  privacy: { delta: 1e-5, rounds: 0, rdp: [] },
  statistics: { countSum: [], countRounds: [], statsSum: [0, 0], gram: null },
  secret: 'c2VjcmV0',
});

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
