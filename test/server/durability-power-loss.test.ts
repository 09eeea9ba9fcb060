import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../../src/core/random';
import { createDiskStore } from '../../src/server/disk-store';
import {
  createSimulatedDisk,
  type SimulatedDisk,
} from '../../src/server/durability/simulated-disk';
import type { FederatedStore } from '../../src/server/federated-store';
import { storedState as state } from './durability-fixtures';

const DIR = '/data';
const CRASH_POINTS = 200;
const STEPS = 40;

/** Model bytes of `version` (distinct per version, a few sectors long). */
const modelBytes = (version: number): Uint8Array => new Uint8Array(1500).fill(version + 1);
const digest = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** What the workload did, by update identity (ticket id → payload hash). */
interface Ledger {
  /** Every update appended (acknowledged or not): id → round and payload hash. */
  readonly attempted: Map<string, { round: number; hash: string }>;
  /** Updates whose append resolved: id → round. */
  readonly acknowledged: Map<string, number>;
  /** Highest round whose opening commit resolved. */
  committedRound: number;
}

const newLedger = (): Ledger => ({
  attempted: new Map(),
  acknowledged: new Map(),
  committedRound: 0,
});

/** Appends one update with a fresh id and random payload; records it in `ledger`. */
function upload(store: FederatedStore, ledger: Ledger, round: number, rng: Rng): Promise<void> {
  const id = `p${ledger.attempted.size}`;
  const payload = Uint8Array.from({ length: 40 + rng.int(800) }, () => rng.int(256));
  ledger.attempted.set(id, { round, hash: digest(payload) });
  const record = {
    type: 'update' as const,
    ticketId: id,
    nonce: id.padEnd(32, '0'),
    weight: 1,
    payload,
  };
  return store.append(round, record).then(() => void ledger.acknowledged.set(id, round));
}

/**
 * A stream of concurrent upload bursts, phase records and round closes (commits) against a store
 * on `disk`, until `STEPS` steps are done or the disk loses power.
 */
async function workload(disk: SimulatedDisk, ledger: Ledger, seed: number): Promise<void> {
  const rng = createRng(seed);
  let store: FederatedStore | null = null;
  try {
    const open = await createDiskStore(DIR, { layer: disk, onNotice: () => {} });
    store = open;
    await open.commit(state(0, 1), modelBytes(0));
    ledger.committedRound = 1;
    let round = 1;
    for (let step = 0; step < STEPS && !disk.dead; step++) {
      const action = rng.int(10);
      if (action < 7) {
        const burst = Array.from({ length: 1 + rng.int(6) }, () =>
          upload(open, ledger, round, rng),
        );
        await Promise.allSettled(burst);
      } else if (action < 9) {
        await open.append(round, { type: 'phase', phase: 'collecting' }).catch(() => {});
      } else {
        await open.commit(state(round, round + 1), modelBytes(round));
        round++;
        ledger.committedRound = round;
      }
    }
  } catch (error) {
    if (!disk.dead) throw error;
  } finally {
    await store?.close().catch(() => {});
  }
}

/** Restarts on `disk` and checks, by identity, that every acknowledged update survived. */
async function checkRecovered(
  disk: SimulatedDisk,
  ledger: Ledger,
): Promise<{ store: FederatedStore; round: number }> {
  const store = await createDiskStore(DIR, { layer: disk, onNotice: () => {} });
  const loaded = await store.load();
  if (!loaded) {
    // Power went before the first commit was durable: then nothing was acknowledged either.
    expect(ledger.committedRound, 'the store lost its committed state').toBe(0);
    expect(ledger.acknowledged.size).toBe(0);
    return { store, round: 0 };
  }
  const round = loaded.state.roundNumber;
  expect(round).toBeGreaterThanOrEqual(ledger.committedRound);
  expect(Array.from(loaded.model)).toEqual(Array.from(modelBytes(loaded.state.modelVersion)));
  const recovered = new Map<string, string>();
  for (const record of loaded.records) {
    if (record.type === 'update') recovered.set(record.ticketId, digest(record.payload));
  }
  // Nothing recovered that was not sent for this round, and no payload changed.
  for (const [id, hash] of recovered) {
    expect(ledger.attempted.get(id), `phantom update ${id}`).toEqual({ round, hash });
  }
  const lost = [...ledger.acknowledged]
    .filter(([id, r]) => r === round && !recovered.has(id))
    .map(([id]) => id);
  expect(lost, 'acknowledged updates lost').toEqual([]);
  for (const r of ledger.acknowledged.values()) expect(r).toBeLessThanOrEqual(round);
  return { store, round };
}

describe('simulated power loss', () => {
  it(`at ${CRASH_POINTS} random points loses no acknowledged update (checked by identity)`, async () => {
    // Size the stream once without a crash, then cut power at seeded random operations of it.
    const probe = createSimulatedDisk();
    await workload(probe, newLedger(), 1);
    const operations = probe.operations;
    expect(operations).toBeGreaterThan(100);
    const points = createRng(42);
    let acknowledgedChecked = 0;
    for (let trial = 0; trial < CRASH_POINTS; trial++) {
      const disk = createSimulatedDisk();
      const ledger = newLedger();
      disk.schedulePowerLoss(1 + points.int(operations), createRng(1000 + trial));
      await workload(disk, ledger, 1);
      expect(disk.dead).toBe(true);
      let restarted = disk.restart();
      // Every other trial loses power again while recovering (cutting the torn tail, appending).
      if (trial % 2 === 1) restarted.schedulePowerLoss(1 + points.int(12), createRng(5000 + trial));
      const first = await checkRecovered(restarted, ledger).catch((error: unknown) => {
        if (!restarted.dead) throw error;
        return null;
      });
      if (first && first.round > 0) {
        await upload(first.store, ledger, first.round, createRng(trial)).catch(() => {});
        await first.store.close().catch(() => {});
      }
      restarted = restarted.restart();
      await (await checkRecovered(restarted, ledger)).store.close();
      acknowledgedChecked += ledger.acknowledged.size;
    }
    // The crash points fell throughout the stream, not only before the first acknowledgement.
    expect(acknowledgedChecked).toBeGreaterThan(CRASH_POINTS * 10);
  }, 120_000);

  it('#8 acknowledging before fdatasync would be caught: a power loss drops unsynced appends', async () => {
    const disk = createSimulatedDisk();
    await disk.mkdir('/d');
    const handle = await disk.open('/d/f', 'create');
    await disk.syncDirectory('/d');
    await handle.write(Uint8Array.of(1, 2, 3), 0);
    await handle.datasync();
    await handle.write(Uint8Array.of(4, 5, 6), 3);
    // Mode "drop": everything after the last sync is gone; the synced part always stays.
    disk.powerLoss({ next: () => 0, int: () => 0, normal: () => 0 });
    expect(Array.from((await disk.restart().readFile('/d/f'))!)).toEqual([1, 2, 3]);
  });

  it('a rename whose directory was not synced is undone at power loss', async () => {
    const disk = createSimulatedDisk();
    await disk.mkdir('/d');
    const handle = await disk.open('/d/a.tmp', 'create');
    await handle.write(Uint8Array.of(1), 0);
    await handle.sync();
    await disk.syncDirectory('/d');
    await disk.rename('/d/a.tmp', '/d/a');
    disk.powerLoss(createRng(1));
    const after = disk.restart();
    expect(await after.readFile('/d/a')).toBeNull();
    expect(Array.from((await after.readFile('/d/a.tmp'))!)).toEqual([1]);
  });
});
