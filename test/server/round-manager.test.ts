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
  type RoundSpec,
} from '../../src/federated/federated-protocol';
import { decodeFederatedModel } from '../../src/federated/federated-model';
import { applyItemStep } from '../../src/federated/item-step';
import { epsilonOf } from '../../src/federated/privacy-accountant';
import { boundRowMoves } from '../../src/federated/update-bound';
import { fromRing, ringAddInPlace } from '../../src/federated/quantize';
import {
  createSecureRoundSession,
  type SecureRoundSession,
} from '../../src/federated/secure-round-session';
import { createStatisticsSmoother } from '../../src/federated/statistics-smoother';
import { encodeUpdateVector, splitParts } from '../../src/federated/update-codec';
import { createDiskStore } from '../../src/server/disk-store';
import { createMemoryStore } from '../../src/server/memory-store';
import { createRoundManager, type RoundManager } from '../../src/server/round-manager';
import type { ServerConfig } from '../../src/server/server-config';
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
    // Room for one round at noise multiplier 1, not for two.
    const budget = 1.2 * epsilonOf({ noiseMultiplier: 1 }, 1e-5);
    const m = await manager(
      testConfig({ noiseMultiplier: 1, epsilonBudget: budget, minCohort: 2, maxCohort: 2 }),
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
      const firstStore = await createDiskStore(dir);
      const first = await createRoundManager({
        store: firstStore,
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
      // The "dead" process's log handle: closed explicitly, not by garbage collection (DEP0137).
      await firstStore.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A device of a secure round driven directly against the manager (no HTTP). */
interface Device {
  readonly u: number;
  readonly session: SecureRoundSession;
  readonly joined: JoinResponse;
}

async function joinDevices(m: RoundManager, n: number): Promise<Device[]> {
  const devices: Device[] = [];
  for (let u = 0; u < n; u++) {
    const session = await createSecureRoundSession();
    const joined = await m.join({
      protocol: 1,
      publicKey: session.publicKey,
      shareKey: session.shareKey,
    });
    devices.push({ u, session, joined });
  }
  return devices;
}

async function shareKeys(m: RoundManager, devices: readonly Device[]): Promise<void> {
  for (const d of devices) {
    const shares = await d.session.shareKeys({
      roundId: 'r1',
      slot: d.joined.slot,
      minCohort: d.joined.round.minCohort,
      members: m.members('r1', d.joined.slot),
    });
    await m.postShares('r1', { protocol: 1, ticket: d.joined.ticket, shares });
  }
}

/** Masks and uploads each device's update; returns the ring sum of the uploaded true updates. */
async function uploadMasked(m: RoundManager, devices: readonly Device[]): Promise<Uint32Array> {
  const spec = devices[0]!.joined.round;
  const length = spec.parts.reduce((s, p) => s + p.length, 0);
  const truth = new Uint32Array(length);
  const sharers = m.roundState('r1', true).sharers;
  for (const d of devices) {
    await d.session.acceptShares({ sharers, inbox: m.shareInbox('r1', d.joined.slot) });
    const mask = await d.session.mask(length, spec.ringBits);
    const update = computeClientUpdate({
      model: smallModel(),
      history: historyOf(d.u),
      rows: spec.rows,
    })!;
    ringAddInPlace(
      truth,
      encodeUpdateVector(update.parts, spec, createRng(100 + d.u)).ring,
      spec.ringBits,
    );
    await m.submitUpdate('r1', frameFor(d.joined, smallModel(), d.u, { mask }));
  }
  return truth;
}

async function answer(m: RoundManager, devices: readonly Device[]): Promise<void> {
  const state = m.roundState('r1', true);
  for (const d of devices) {
    await m.unmask('r1', { protocol: 1, ticket: d.joined.ticket, ...d.session.respond(state) });
  }
}

/** The model the server must publish for the survivors' exact sum `truth`. */
function expectedModel(spec: RoundSpec, truth: Uint32Array, cohort: number) {
  const model = smallModel();
  const sums = splitParts(fromRing(truth, spec.ringBits), spec);
  const smoothed = createStatisticsSmoother({ numItems: 30 }).update({
    rows: spec.rows,
    counts: sums.counts,
    gram: sums.gram,
    stats: sums.stats,
    cohort,
    userWeightNorm: model.userWeightNorm,
  });
  const step = applyItemStep({
    model,
    rows: spec.rows,
    sums,
    cohort,
    userWeightNorm: smoothed.userWeightNorm,
  }).model;
  const { maxRowMove } = testConfig();
  return boundRowMoves({ before: model, after: step, rows: spec.rows, maxRowMove }).model;
}

const secureConfig = (overrides: Partial<ServerConfig> = {}) =>
  testConfig({
    aggregation: 'secure',
    minCohort: 3,
    maxCohort: 4,
    roundDurationMs: 1000,
    ...overrides,
  });

describe('secure rounds', () => {
  it('double masking with a dropout: joining → sharing → collecting → unmasking → exact survivors’ sum', async () => {
    let t = 0;
    const m = await manager(secureConfig(), () => t);
    const devices = await joinDevices(m, 4);
    // Full: sharing starts at once and no one else may join.
    expect(m.roundState('r1').phase).toBe('sharing');
    expect(await reason(m.join({ protocol: 1, publicKey: devices[0]!.session.publicKey }))).toBe(
      'wrong-phase',
    );
    expect(m.members('r1', 0).masking).toEqual({ degree: 3, threshold: 3 });
    expect(await reason(m.submitUpdate('r1', frameFor(devices[0]!.joined, smallModel(), 0)))).toBe(
      'wrong-phase',
    );
    await shareKeys(m, devices);
    expect(m.roundState('r1', true)).toMatchObject({ phase: 'collecting', sharers: [0, 1, 2, 3] });
    // Polls leave the lists out.
    expect(m.roundState('r1').sharers).toEqual([]);
    // Slot 2 drops out after sharing.
    const survivors = devices.filter((d) => d.u !== 2);
    const truth = await uploadMasked(m, survivors);
    expect(m.roundState('r1').phase).toBe('collecting');
    t = 1500;
    await m.tick();
    const state = m.roundState('r1', true);
    expect(state).toMatchObject({ phase: 'unmasking', survivors: [0, 1, 3], dropped: [2] });
    expect(await reason(m.submitUpdate('r1', frameFor(devices[2]!.joined, smallModel(), 2)))).toBe(
      'round-closed',
    );
    // The dropped member cannot unmask; a survivor cannot ask for its own kind of both.
    expect(
      await reason(
        m.unmask('r1', {
          protocol: 1,
          ticket: devices[2]!.joined.ticket,
          selfMaskShares: [],
          keyShares: [],
        }),
      ),
    ).toBe('bad-ticket');
    await answer(m, survivors);
    await m.tick();
    await m.close();
    expect(m.model().version).toBe(1);
    expect(m.status().roundsCompleted).toBe(1);
    const expected = expectedModel(devices[0]!.joined.round, truth, 3);
    const got = decodeFederatedModel(m.model().bytes).model;
    expect(Array.from(got.itemFactors)).toEqual(Array.from(expected.itemFactors));
    expect(Array.from(got.itemBias)).toEqual(Array.from(expected.itemBias));
  });

  it('aborts (no model update, no ε spent) when fewer than t survivors answer', async () => {
    let t = 0;
    const events: { aborted: boolean; reason?: string }[] = [];
    const m = await createRoundManager({
      store: createMemoryStore(),
      config: secureConfig({ noiseMultiplier: 1 }),
      initialModel: smallModel(),
      now: () => t,
      onRoundClosed: (e) => void events.push(e),
    });
    const devices = await joinDevices(m, 4);
    await shareKeys(m, devices);
    await uploadMasked(m, devices);
    // Everyone uploaded: unmasking starts at once. t = 3 of 4; only 2 answer.
    expect(m.roundState('r1', true)).toMatchObject({ phase: 'unmasking', dropped: [] });
    await answer(m, devices.slice(0, 2));
    t = 1500;
    await m.tick();
    await m.close();
    expect(events).toEqual([
      {
        roundId: 'r1',
        modelVersion: 0,
        aborted: true,
        reason: expect.stringMatching(/cannot unmask: slot \d: 2 of the 3/),
      },
    ]);
    expect(m.model().version).toBe(0);
    expect(m.status()).toMatchObject({ roundsCompleted: 0, privacy: { epsilon: 0 } });
  });

  it('aborts when too few members share or upload', async () => {
    let t = 0;
    const m = await manager(secureConfig({ minCohort: 2, maxCohort: 3 }), () => t);
    const devices = await joinDevices(m, 3);
    // Only one member shares: nobody could be unmasked.
    await shareKeys(m, devices.slice(0, 1));
    t = 1500;
    await m.tick();
    expect(m.status()).toMatchObject({
      modelVersion: 0,
      roundsCompleted: 0,
      round: { roundId: 'r2' },
    });
    await m.close();
  });

  it('refuses secure joins without both keys, with invalid points, and stray shares', async () => {
    const m = await manager(secureConfig());
    const s = await createSecureRoundSession();
    expect(await reason(m.join({ protocol: 1, publicKey: s.publicKey }))).toBe('bad-request');
    expect(
      await reason(m.join({ protocol: 1, publicKey: s.publicKey, shareKey: s.publicKey })),
    ).toBe('bad-request');
    expect(await reason(m.join({ protocol: 1, publicKey: 'QUJD', shareKey: s.shareKey }))).toBe(
      'bad-request',
    );
    const devices = await joinDevices(m, 2);
    expect(() => m.members('r1', 0)).toThrow(/gathering/);
    expect(
      await reason(
        m.postShares('r1', { protocol: 1, ticket: devices[0]!.joined.ticket, shares: [] }),
      ),
    ).toBe('wrong-phase');
    await m.close();
  });

  it('a restart at every phase keeps members, shares, uploads and answers (disk store)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-secure-recover-'));
    try {
      let t = 0;
      const config = secureConfig({ maxCohort: 5 });
      const open = async (initial = false) =>
        createRoundManager({
          store: await createDiskStore(dir),
          config,
          now: () => t,
          ...(initial ? { initialModel: smallModel() } : {}),
        });
      let m = await open(true);
      const devices = await joinDevices(m, 4);
      expect(m.roundState('r1').phase).toBe('joining');
      await m.close();
      m = await open();
      t = 1500;
      await m.tick();
      expect(m.roundState('r1').phase).toBe('sharing');
      await shareKeys(m, devices.slice(0, 2));
      await m.close();
      m = await open();
      await shareKeys(m, devices.slice(2));
      expect(m.roundState('r1').phase).toBe('collecting');
      await m.close();
      m = await open();
      // Slot 3 drops; the others upload across a restart.
      const truth = new Uint32Array(await uploadMasked(m, devices.slice(0, 2)));
      await m.close();
      m = await open();
      ringAddInPlace(truth, await uploadMasked(m, devices.slice(2, 3)), 32);
      expect(m.status().round?.accepted).toBe(3);
      t = 3500;
      await m.tick();
      expect(m.roundState('r1', true)).toMatchObject({ phase: 'unmasking', dropped: [3] });
      await answer(m, devices.slice(0, 1));
      await m.close();
      m = await open();
      await answer(m, devices.slice(1, 3));
      await m.tick();
      await m.close();
      m = await open();
      expect(m.model().version).toBe(1);
      const got = decodeFederatedModel(m.model().bytes).model;
      const expected = expectedModel(devices[0]!.joined.round, truth, 3);
      expect(Array.from(got.itemFactors)).toEqual(Array.from(expected.itemFactors));
      await m.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
