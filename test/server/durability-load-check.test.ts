import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDiskStore } from '../../src/server/disk-store';
import { compareWithLog } from '../../src/server/load-tool';
import { storedState } from './durability-fixtures';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-load-check-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('load tool durability figure', () => {
  it('#8 counts lost updates by identity: more recovered than acknowledged still shows the missing one', async () => {
    const store = await createDiskStore(dir);
    await store.commit(storedState(0, 1), Uint8Array.of(1));
    // Ten updates from other devices and four of ours; our fifth acknowledged update is missing.
    const logged = [...Array.from({ length: 10 }, (_, i) => `other${i}`), 'a1', 'a2', 'a3', 'a4'];
    for (const ticketId of logged) {
      await store.append(1, {
        type: 'update',
        ticketId,
        nonce: ticketId.padEnd(32, '0'),
        weight: 1,
        payload: Uint8Array.of(1),
      });
    }
    await store.close();
    const result = await compareWithLog(dir, ['a1', 'a2', 'a3', 'a4', 'a5']);
    expect(result.recovered).toBe(14);
    expect(result.lost).toEqual(['a5']);
  });
});
