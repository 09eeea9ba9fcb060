import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random';
import { computeClientUpdate } from '../../src/federated/client-update';
import {
  UpdateRejectedError,
  decodeUpdateFrame,
  encodeUpdateFrame,
  type JoinResponse,
} from '../../src/federated/federated-protocol';
import { decodeFederatedModel } from '../../src/federated/federated-model';
import { applyItemStep } from '../../src/federated/item-step';
import { fromRing, ringAddInPlace } from '../../src/federated/quantize';
import {
  bytesToBase64,
  deriveCohortSeeds,
  generateMaskingKeyPair,
  pairwiseMask,
} from '../../src/federated/secure-aggregation';
import { createStatisticsSmoother } from '../../src/federated/statistics-smoother';
import { encodeUpdateVector, splitParts } from '../../src/federated/update-codec';
import { createDiskStore } from '../../src/server/disk-store';
import { createMemoryStore } from '../../src/server/memory-store';
import { createRoundManager } from '../../src/server/round-manager';
import { frameFor, historyOf, smallModel, testConfig } from './server-test-helpers';

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(UpdateRejectedError);
    return (e as UpdateRejectedError).reason;
  }
  return 'accepted';
}

const manager = (config = testConfig(), now?: () => number) =>
  createRoundManager({
    store: createMemoryStore(),
    config,
    initialModel: smallModel(),
    ...(now ? { now } : {}),
  });

describe('plain rounds', () => {
  it('accepts updates, closes at maxCohort and publishes the next model version', async () => {
    const closed: string[] = [];
    const m = await createRoundManager({
      store: createMemoryStore(),
      config: testConfig(),
      initialModel: smallModel(),
      onRoundClosed: (e) => void closed.push(e.roundId),
    });
    const before = m.model();
    for (let u = 0; u < 4; u++) {
      const joined = await m.join({ protocol: 1 });
      expect(joined.round.roundId).toBe('r1');
      const ack = await m.submitUpdate('r1', frameFor(joined, smallModel(), u));
      expect(ack).toEqual({ accepted: true, roundId: 'r1', received: u + 1 });
    }
    await m.tick();
    await m.close();
    expect(closed).toEqual(['r1']);
    const after = m.model();
    expect(after.version).toBe(1);
    expect(after.etag).not.toBe(before.etag);
    const next = decodeFederatedModel(after.bytes).model;
    expect(Array.from(next.itemBias)).not.toEqual(Array.from(smallModel().itemBias));
    const s = m.status();
    expect(s.roundsCompleted).toBe(1);
    expect(s.acceptedTotal).toBe(4);
    expect(s.round?.roundId).toBe('r2');
  });

  it('rejects replays: the same upload twice, or a fresh ticket with a used nonce', async () => {
    const m = await manager();
    const joined = await m.join({ protocol: 1 });
    const frame = frameFor(joined, smallModel(), 0, { nonce: 'ab'.repeat(16) });
    await m.submitUpdate('r1', frame);
    expect(await reason(m.submitUpdate('r1', frame))).toBe('replay');
    const other = await m.join({ protocol: 1 });
    expect(
      await reason(
        m.submitUpdate('r1', frameFor(other, smallModel(), 1, { nonce: 'ab'.repeat(16) })),
      ),
    ).toBe('replay');
    // Concurrent duplicates: only one is accepted.
    const third = await m.join({ protocol: 1 });
    const dup = frameFor(third, smallModel(), 2);
    const results = await Promise.all([
      reason(m.submitUpdate('r1', dup)),
      reason(m.submitUpdate('r1', dup)),
    ]);
    expect(results.sort()).toEqual(['accepted', 'replay']);
    expect(m.status().round?.accepted).toBe(2);
  });

  it('rejects forged tickets, wrong rounds and mismatched paths', async () => {
    const m = await manager();
    const joined = await m.join({ protocol: 1 });
    const forged = { ...joined, ticket: `${joined.ticket.split('.')[0]}.AAAAAAAAAAAAAAAAAAAAAA` };
    expect(await reason(m.submitUpdate('r1', frameFor(forged, smallModel(), 0)))).toBe(
      'bad-ticket',
    );
    const frame = frameFor(joined, smallModel(), 0);
    expect(await reason(m.submitUpdate('r2', frame))).toBe('bad-request');
    const decoded = decodeUpdateFrame(frame);
    const future = encodeUpdateFrame({
      header: { ...decoded.header, roundId: 'r9' },
      payload: decoded.payload,
    });
    expect(await reason(m.submitUpdate('r9', future))).toBe('unknown-round');
    expect(m.roundState('r1').phase).toBe('collecting');
    expect(() => m.roundState('zzz')).toThrow(/no round/);
  });

  it('rejects a wrong payload size and a forged over-norm update', async () => {
    const m = await manager();
    const joined = await m.join({ protocol: 1 });
    const decoded = decodeUpdateFrame(frameFor(joined, smallModel(), 0));
    const short = encodeUpdateFrame({
      header: decoded.header,
      payload: decoded.payload.subarray(2),
    });
    expect(await reason(m.submitUpdate('r1', short))).toBe('bad-shape');
    const loud = decoded.payload.slice();
    const view = new DataView(loud.buffer);
    for (let j = 0; j < 10; j++) view.setInt16(2 * j, 30_000, true);
    expect(
      await reason(
        m.submitUpdate('r1', encodeUpdateFrame({ header: decoded.header, payload: loud })),
      ),
    ).toBe('norm-exceeded');
    // Rejections consumed neither the ticket nor the nonce.
    expect(await reason(m.submitUpdate('r1', frameFor(joined, smallModel(), 0)))).toBe('accepted');
  });

  it('refuses joins and updates beyond maxCohort while the round closes', async () => {
    const m = await manager(testConfig({ maxCohort: 2 }));
    const tickets = await Promise.all([0, 1, 2].map(() => m.join({ protocol: 1 })));
    await m.submitUpdate('r1', frameFor(tickets[0]!, smallModel(), 0));
    await m.submitUpdate('r1', frameFor(tickets[1]!, smallModel(), 1));
    expect(await reason(m.submitUpdate('r1', frameFor(tickets[2]!, smallModel(), 2)))).toMatch(
      /round-closed|unknown/,
    );
    await m.tick();
    await m.close();
    expect(m.model().version).toBe(1);
  });

  it('closes at the deadline with at least minCohort updates, and extends it otherwise', async () => {
    let t = 0;
    const m = await manager(
      testConfig({ minCohort: 2, maxCohort: 10, roundDurationMs: 1000 }),
      () => t,
    );
    await m.submitUpdate('r1', frameFor(await m.join({ protocol: 1 }), smallModel(), 0));
    t = 1500;
    await m.tick();
    expect(m.model().version).toBe(0);
    await m.submitUpdate('r1', frameFor(await m.join({ protocol: 1 }), smallModel(), 1));
    await m.tick();
    expect(m.model().version).toBe(0);
    t = 3000;
    await m.tick();
    expect(m.model().version).toBe(1);
    expect(m.status().round?.roundId).toBe('r2');
  });

  it('the trimmed-mean aggregator also produces a model', async () => {
    const m = await manager(testConfig({ aggregator: 'trimmed-mean', trimFraction: 0.25 }));
    for (let u = 0; u < 4; u++)
      await m.submitUpdate('r1', frameFor(await m.join({ protocol: 1 }), smallModel(), u));
    await m.tick();
    await m.close();
    expect(m.model().version).toBe(1);
  });

  it('stops opening rounds once the ε budget is spent, and reports ε', async () => {
    const m = await manager(
      testConfig({ noiseMultiplier: 1, epsilonBudget: 1, minCohort: 2, maxCohort: 2 }),
    );
    expect(m.status().privacy.epsilon).toBe(0);
    for (let u = 0; u < 2; u++)
      await m.submitUpdate('r1', frameFor(await m.join({ protocol: 1 }), smallModel(), u));
    await m.tick();
    await m.close();
    const s = m.status();
    expect(s.privacy.epsilon).toBeGreaterThan(1);
    expect(s.privacy.perRoundEpsilon).toBeGreaterThan(1);
    expect(await reason(m.join({ protocol: 1 }))).toBe('round-closed');
  });
});

describe('recovery', () => {
  it('a new manager on the same directory keeps every accepted update of the open round', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-recover-'));
    try {
      const config = testConfig({ maxCohort: 3 });
      const first = await createRoundManager({
        store: await createDiskStore(dir),
        config,
        initialModel: smallModel(),
      });
      const a = await first.join({ protocol: 1 });
      await first.submitUpdate('r1', frameFor(a, smallModel(), 0));
      await first.submitUpdate('r1', frameFor(await first.join({ protocol: 1 }), smallModel(), 1));
      // No close: as if the process died here.
      const second = await createRoundManager({ store: await createDiskStore(dir), config });
      expect(second.status().round?.accepted).toBe(2);
      expect(await reason(second.submitUpdate('r1', frameFor(a, smallModel(), 0)))).toBe('replay');
      // Tickets issued before the crash stay valid (stateless MAC with the stored secret).
      const b = await first.join({ protocol: 1 });
      await second.submitUpdate('r1', frameFor(b, smallModel(), 2));
      await second.tick();
      await second.close();
      expect(second.model().version).toBe(1);
      const third = await createRoundManager({ store: await createDiskStore(dir), config });
      expect(third.model().version).toBe(1);
      expect(third.status().round).toMatchObject({ roundId: 'r2', accepted: 0 });
      await third.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('secure rounds', () => {
  it('masked uploads with a dropout and unmasking yield exactly the survivors’ aggregate', async () => {
    const config = testConfig({
      aggregation: 'secure',
      minCohort: 3,
      maxCohort: 4,
      roundDurationMs: 1000,
    });
    let t = 0;
    const m = await manager(config, () => t);
    const model = smallModel();
    const members = await Promise.all(
      [0, 1, 2, 3].map(async () => ({ keys: await generateMaskingKeyPair() })),
    );
    const joined: JoinResponse[] = [];
    for (const member of members)
      joined.push(await m.join({ protocol: 1, publicKey: member.keys.publicKey }));
    expect(await reason(m.join({ protocol: 1, publicKey: members[0]!.keys.publicKey }))).toBe(
      'wrong-phase',
    );
    const state = m.roundState('r1');
    expect(state.phase).toBe('collecting');
    expect(state.participants).toHaveLength(4);
    const spec = joined[0]!.round;
    const truth = new Uint32Array(spec.parts.reduce((s, p) => s + p.length, 0));
    const seedsBySlot = new Map<number, Awaited<ReturnType<typeof deriveCohortSeeds>>>();
    // Slot 2 drops out after joining.
    for (const u of [0, 1, 3]) {
      const j = joined[u]!;
      const seeds = await deriveCohortSeeds({
        privateKey: members[u]!.keys.privateKey,
        slot: j.slot,
        participants: state.participants,
        roundId: 'r1',
      });
      seedsBySlot.set(j.slot, seeds);
      const update = computeClientUpdate({ model, history: historyOf(u), rows: spec.rows })!;
      ringAddInPlace(
        truth,
        encodeUpdateVector(update.parts, spec, createRng(100 + u)).ring,
        spec.ringBits,
      );
      const mask = pairwiseMask({
        slot: j.slot,
        peers: seeds,
        length: truth.length,
        bits: spec.ringBits,
      });
      await m.submitUpdate('r1', frameFor(j, model, u, { mask }));
    }
    t = 2500;
    await m.tick();
    const unmasking = m.roundState('r1');
    expect(unmasking.phase).toBe('unmasking');
    expect(unmasking.dropped).toEqual([joined[2]!.slot]);
    const lateFrame = frameFor(joined[2]!, model, 2);
    expect(await reason(m.submitUpdate('r1', lateFrame))).toBe('round-closed');
    for (const [slot, seeds] of seedsBySlot) {
      const reveal = seeds
        .filter((s) => s.slot === joined[2]!.slot)
        .map((s) => ({ slot: s.slot, seed: bytesToBase64(s.seed) }));
      const ticket = joined.find((j) => j.slot === slot)!.ticket;
      if (slot === 0)
        expect(await reason(m.unmask('r1', { protocol: 1, ticket, seeds: [] }))).toBe(
          'bad-request',
        );
      await m.unmask('r1', { protocol: 1, ticket, seeds: reveal });
    }
    await m.tick();
    await m.close();
    expect(m.model().version).toBe(1);
    // What the server should have computed from the survivors' unmasked sum.
    const sums = splitParts(fromRing(truth, spec.ringBits), spec);
    const smoothed = createStatisticsSmoother({ numItems: 30 }).update({
      rows: spec.rows,
      counts: sums.counts,
      gram: sums.gram,
      stats: sums.stats,
      cohort: 3,
      userWeightNorm: model.userWeightNorm,
    });
    const expected = applyItemStep({
      model,
      rows: spec.rows,
      sums,
      cohort: 3,
      userWeightNorm: smoothed.userWeightNorm,
    }).model;
    const got = decodeFederatedModel(m.model().bytes).model;
    expect(Array.from(got.itemFactors)).toEqual(Array.from(expected.itemFactors));
    expect(Array.from(got.itemBias)).toEqual(Array.from(expected.itemBias));
  });

  it('aborts the round (same model) when too few members upload', async () => {
    let t = 0;
    const m = await manager(
      testConfig({ aggregation: 'secure', minCohort: 2, maxCohort: 2, roundDurationMs: 1000 }),
      () => t,
    );
    const keys = await Promise.all([0, 1].map(() => generateMaskingKeyPair()));
    for (const k of keys) await m.join({ protocol: 1, publicKey: k.publicKey });
    expect(await reason(m.join({ protocol: 1 }))).toBe('wrong-phase');
    t = 2500;
    await m.tick();
    await m.close();
    expect(m.model().version).toBe(0);
    expect(m.status().round?.roundId).toBe('r2');
    expect(m.status().roundsCompleted).toBe(0);
  });
});

describe('recovery of a full round', () => {
  it('closes a round that was full when the process died before closing it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-recover-full-'));
    try {
      const config = testConfig({ maxCohort: 2 });
      const store = await createDiskStore(dir);
      const first = await createRoundManager({ store, config, initialModel: smallModel() });
      const frames = [];
      for (let u = 0; u < 2; u++)
        frames.push(frameFor(await first.join({ protocol: 1 }), smallModel(), u));
      // Write the records directly, as if the process died right after the second fsync.
      for (const frame of frames) {
        const { header, payload } = decodeUpdateFrame(frame);
        await store.append(1, {
          type: 'update',
          ticketId: header.ticket.split('.')[0]!,
          nonce: header.nonce,
          weight: 1,
          payload: payload.slice(),
        });
      }
      const second = await createRoundManager({ store: await createDiskStore(dir), config });
      expect(second.model().version).toBe(1);
      expect(second.status().round?.roundId).toBe('r2');
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
