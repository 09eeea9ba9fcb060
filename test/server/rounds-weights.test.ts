import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random';
import { computeClientUpdate } from '../../src/federated/client-update';
import { createInitialModel, encodeFederatedModel } from '../../src/federated/federated-model';
import {
  UpdateRejectedError,
  decodeUpdateFrame,
  type JoinResponse,
} from '../../src/federated/federated-protocol';
import { createPrivacyAccountant } from '../../src/federated/privacy-accountant';
import { createStatisticsSmoother } from '../../src/federated/statistics-smoother';
import { packRing } from '../../src/federated/quantize';
import { encodeUpdateVector } from '../../src/federated/update-codec';
import { createDiskStore } from '../../src/server/disk-store';
import { testRoundSpec } from '../federated/round-spec-fixture';
import { createMemoryStore } from '../../src/server/memory-store';
import { createRoundManager, type RoundManager } from '../../src/server/round-manager';
import { frameFor, historyOf, smallModel, testConfig } from './server-test-helpers';

const SUBNORMAL = 5e-324;

/** User `u`'s update for `joined`, with FedAvg weight `weight`. */
function weightedFrame(joined: JoinResponse, u: number, weight: number): Uint8Array {
  return frameFor(joined, smallModel(), u, { rng: createRng(u + 1), weight });
}

async function reasonOf(p: Promise<unknown>): Promise<string> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpdateRejectedError);
  return (error as UpdateRejectedError).reason;
}

/** Fills the open round with honest updates of users `from`… and waits for it to close. */
async function honestRound(m: RoundManager, from: number, count: number): Promise<void> {
  for (let u = from; u < from + count; u++) {
    const joined = await m.join({ protocol: 1 });
    await m.submitUpdate(joined.round.roundId, frameFor(joined, smallModel(), u));
  }
  await m.tick();
}

describe('FedAvg weights', () => {
  it('#1 five 5e-324 updates are refused; the round then closes on honest updates and training goes on', async () => {
    const m = await createRoundManager({
      store: createMemoryStore(),
      config: testConfig({ minCohort: 2, maxCohort: 5 }),
      initialModel: smallModel(),
    });
    for (let u = 0; u < 5; u++) {
      const joined = await m.join({ protocol: 1 });
      expect(await reasonOf(m.submitUpdate('r1', weightedFrame(joined, u, SUBNORMAL)))).toBe(
        'out-of-range',
      );
    }
    await honestRound(m, 10, 5);
    expect(m.model().version).toBe(1);
    expect(m.status().round?.roundId).toBe('r2');
    // The next round takes joins (no permanent round-full).
    expect((await m.join({ protocol: 1 })).round.roundId).toBe('r2');
    await m.close();
  });

  it('#1 weights below the floor are refused; weights in [0.001, 1] count as part of a user', async () => {
    const m = await createRoundManager({
      store: createMemoryStore(),
      config: testConfig({ aggregator: 'mean', minCohort: 2, maxCohort: 3 }),
      initialModel: smallModel(),
    });
    for (const w of [1e-9, 1e-4]) {
      const joined = await m.join({ protocol: 1 });
      expect(await reasonOf(m.submitUpdate('r1', weightedFrame(joined, 0, w)))).toBe(
        'out-of-range',
      );
    }
    for (const [u, w] of [
      [1, 0.001],
      [2, 0.5],
      [3, 1],
    ] as const) {
      const joined = await m.join({ protocol: 1 });
      await m.submitUpdate('r1', weightedFrame(joined, u, w));
    }
    await m.tick();
    expect(m.model().version).toBe(1);
    await m.close();
  });

  it('#1 a log holding 5e-324 updates (written by an older server) is not resurrected after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-subnormal-'));
    const lines: string[] = [];
    try {
      const config = testConfig({ minCohort: 2, maxCohort: 5 });
      const store = await createDiskStore(dir);
      const first = await createRoundManager({ store, config, initialModel: smallModel() });
      for (let u = 0; u < 5; u++) {
        const { header, payload } = decodeUpdateFrame(
          weightedFrame(await first.join({ protocol: 1 }), u, 1),
        );
        await store.append(1, {
          type: 'update',
          ticketId: header.ticket.split('.')[0]!,
          nonce: header.nonce,
          weight: SUBNORMAL,
          payload: payload.slice(),
        });
      }
      await first.close();
      const second = await createRoundManager({
        store: await createDiskStore(dir),
        config,
        log: (line) => void lines.push(line),
      });
      expect(second.status().round).toMatchObject({ roundId: 'r1', accepted: 0 });
      expect(lines.filter((l) => l.includes('skipped on replay'))).toHaveLength(5);
      await honestRound(second, 10, 5);
      expect(second.model().version).toBe(1);
      expect((await second.join({ protocol: 1 })).round.roundId).toBe('r2');
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a round whose candidate model is unusable', () => {
  it('#1 is aborted once with a logged reason, the next round opens, and a restart does not bring it back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-unusable-'));
    const lines: string[] = [];
    const closed: { roundId: string; aborted: boolean }[] = [];
    try {
      const config = testConfig({ minCohort: 2, maxCohort: 2 });
      const model = smallModel();
      // A round opened for another model shape (e.g. the model file was swapped under the log):
      // its sums cannot make a step on this model.
      const other = createInitialModel({ numItems: 30, seed: 2, hyper: { factors: 6 } });
      const spec = testRoundSpec({
        model: other,
        minCohort: 2,
        maxCohort: 2,
        noiseMultiplier: 0,
      });
      const store = await createDiskStore(dir);
      await store.commit(
        {
          modelVersion: 0,
          roundNumber: 1,
          roundsCompleted: 0,
          privacy: createPrivacyAccountant({ delta: 1e-5 }).toJSON(),
          statistics: createStatisticsSmoother({ numItems: 30 }).toJSON(),
          secret: Buffer.alloc(32, 7).toString('base64'),
        },
        encodeFederatedModel({ version: 0, model }),
      );
      await store.append(1, { type: 'open', spec });
      for (let u = 0; u < 2; u++) {
        const parts = computeClientUpdate({
          model: other,
          history: historyOf(u),
          rows: spec.rows,
        })!.parts;
        const { ring } = encodeUpdateVector(parts, spec, createRng(u));
        await store.append(1, {
          type: 'update',
          ticketId: `t${u}`,
          nonce: String(u).repeat(32),
          weight: 1,
          payload: packRing(ring, spec.ringBits),
        });
      }
      await store.close();
      const m = await createRoundManager({
        store: await createDiskStore(dir),
        config,
        log: (line) => void lines.push(line),
        onRoundClosed: (e) => void closed.push({ roundId: e.roundId, aborted: e.aborted }),
      });
      await m.tick();
      expect(closed).toEqual([{ roundId: 'r1', aborted: true }]);
      expect(lines.some((l) => /round r1 aborted: its candidate model is unusable/.test(l))).toBe(
        true,
      );
      expect(m.model().version).toBe(0);
      expect(m.status().round?.roundId).toBe('r2');
      expect((await m.join({ protocol: 1 })).round.roundId).toBe('r2');
      await m.close();
      const again = await createRoundManager({ store: await createDiskStore(dir), config });
      expect(again.status().round).toMatchObject({ roundId: 'r2', accepted: 0 });
      await honestRound(again, 0, 2);
      expect(again.model().version).toBe(1);
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
