import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random';
import { computeReleaseUpdate } from '../../src/federated/client-update';
import { createFederatedClient, participateInRound } from '../../src/federated/federated-client';
import { decodeFederatedModel } from '../../src/federated/federated-model';
import {
  modelFromCooccurrence,
  pairsContribution,
  popularityContribution,
} from '../../src/federated/private-cooccurrence';
import { encodeUpload } from '../../src/federated/update-codec';
import type { MfModel } from '../../src/core/models/mf/mf-model';
import { createDiskStore } from '../../src/server/disk-store';
import { createFederatedHttpServer, type FederatedHttpServer } from '../../src/server/http-server';
import { createMemoryStore } from '../../src/server/memory-store';
import { createRoundManager, type RoundManager } from '../../src/server/round-manager';
import { releaseSettingsOf } from '../../src/server/rounds/release-settings';
import { TOKEN, smallModel, testConfig } from './server-test-helpers';

const CONFIG = testConfig({
  training: 'cooccurrence',
  headSize: 10,
  cooccurrenceRank: 3,
  maxCohort: 12,
});
const USERS = Array.from({ length: 12 }, (_, u) => u);

/** Overlapping random histories, so the co-occurrence spectrum has no ties at the rank cut. */
function historyOf(u: number): { item: number; weight: number }[] {
  const rng = createRng(1000 + u);
  const items = new Set<number>();
  while (items.size < 6) items.add(Math.floor(rng.next() * rng.next() * 30));
  return [...items].map((item) => ({ item, weight: 1 }));
}

/** Q Qᵀ restricted to `items`: sign-free comparison of item factors. */
function itemProducts(model: MfModel, items: readonly number[]): number[] {
  const k = model.factors;
  const out: number[] = [];
  for (const a of items)
    for (const b of items) {
      let s = 0;
      for (let d = 0; d < k; d++)
        s += model.itemFactors[a * k + d]! * model.itemFactors[b * k + d]!;
      out.push(s);
    }
  return out;
}

async function uploadAll(m: RoundManager): Promise<void> {
  for (const u of USERS) {
    const joined = await m.join({ protocol: 1 });
    const update = computeReleaseUpdate({
      release: joined.round.release!,
      numItems: 30,
      history: historyOf(u),
      rows: joined.round.rows,
    })!;
    const { frame } = encodeUpload({
      round: joined.round,
      parts: update.parts,
      ticket: joined.ticket,
      rng: createRng(u),
    });
    await m.submitUpdate(joined.round.roundId, frame);
  }
  await m.tick();
}

describe('cooccurrence training on the server', () => {
  it('runs a popularity round, then a pair round over the head, and publishes the released model', async () => {
    const m = await createRoundManager({
      store: createMemoryStore(),
      config: CONFIG,
      initialModel: smallModel(),
    });
    const first = await m.join({ protocol: 1 });
    expect(first.round.release).toBe('popularity');
    expect(first.round.rows).toEqual(Array.from({ length: 30 }, (_, i) => i));
    // Tickets are per round: the join above only peeked at the spec.
    await uploadAll(m);
    expect(m.model().version).toBe(0);
    const second = await m.join({ protocol: 1 });
    expect(second.round.release).toBe('pairs');
    const head = second.round.rows;
    expect(head.length).toBe(10);
    expect([...head].sort((a, b) => a - b)).toEqual(head);
    expect(second.round.parts[0]!.length).toBe(55);
    await uploadAll(m);
    const published = decodeFederatedModel(m.model().bytes);
    expect(published.version).toBe(1);
    // Padded to the served model's width so devices can hot-swap it.
    expect(published.model.factors).toBe(4);
    for (let i = 0; i < 30; i++) expect(published.model.itemFactors[i * 4 + 3]).toBe(0);
    // Devices fold their histories in as the release counted them: each distinct item once.
    expect(published.model.historyConfidence).toBe('binary');
    // Same as building the model from the exact (unquantized) sums.
    const pairs = new Float64Array(55);
    const popularity = new Float64Array(30);
    for (const u of USERS) {
      pairsContribution(historyOf(u), head, 30).forEach((v, j) => (pairs[j]! += v));
      popularityContribution(historyOf(u), 30).forEach((v, j) => (popularity[j]! += v));
    }
    const expected = modelFromCooccurrence({
      numItems: 30,
      head,
      pairs,
      pairNoiseStd: 0,
      popularity,
      factors: 3,
    });
    const got = itemProducts(published.model, head);
    itemProducts(expected, head).forEach((v, j) => expect(got[j]!).toBeCloseTo(v, 3));
    await m.close();
  });

  it('accounts both releases and keeps the released popularity across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-cooc-'));
    try {
      const config = { ...CONFIG, noiseMultiplier: 2 };
      const a = await createRoundManager({
        store: await createDiskStore(dir),
        config,
        initialModel: smallModel(),
      });
      const popularityRound = (await a.join({ protocol: 1 })).round;
      await uploadAll(a);
      const afterPopularity = a.status().privacy.epsilon!;
      expect(afterPopularity).toBeGreaterThan(0);
      await a.close();
      const b = await createRoundManager({ store: await createDiskStore(dir), config });
      const pairsRound = (await b.join({ protocol: 1 })).round;
      expect(pairsRound.release).toBe('pairs');
      // The popularity release is noisier than the pair release by the rule's noise split.
      const { popularityNoiseRatio } = releaseSettingsOf(config, 30, 10, 4);
      expect(popularityRound.privacy.noiseMultiplier).toBeCloseTo(
        popularityNoiseRatio * pairsRound.privacy.noiseMultiplier,
        1,
      );
      await uploadAll(b);
      expect(b.model().version).toBe(1);
      expect(b.status().privacy.epsilon!).toBeGreaterThan(afterPopularity);
      // The next cycle starts with a fresh popularity round.
      expect((await b.join({ protocol: 1 })).round.release).toBe('popularity');
      await b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('cooccurrence training over HTTP', () => {
  let http: FederatedHttpServer | null = null;
  let manager: RoundManager | null = null;
  afterEach(async () => {
    await http?.close();
    await manager?.close();
    http = null;
    manager = null;
  });

  it('devices contribute to both releases with participateInRound', async () => {
    manager = await createRoundManager({
      store: createMemoryStore(),
      config: CONFIG,
      initialModel: smallModel(),
    });
    http = createFederatedHttpServer({ manager, config: CONFIG, tickMs: 50 });
    const base = `http://127.0.0.1:${await http.listen(0, '127.0.0.1')}`;
    const client = createFederatedClient({ baseUrl: base, token: TOKEN });
    for (let round = 0; round < 2; round++) {
      const results = await Promise.all(
        USERS.map((u) =>
          participateInRound({ client, history: historyOf(u), rng: createRng(10 * round + u) }),
        ),
      );
      for (const r of results) expect(r!.ack.accepted).toBe(true);
      for (let j = 0; j < 50 && (await client.status()).roundsCompleted === round; j++)
        await new Promise((r) => setTimeout(r, 20));
    }
    const model = await client.fetchModel();
    expect(model!.version).toBe(1);
    expect(model!.model.unobservedWeight).toBe(0);
  });

  it('works with secure aggregation: both releases are masked, unmasked and published', async () => {
    const config = { ...CONFIG, aggregation: 'secure' as const, minCohort: 3, maxCohort: 4 };
    manager = await createRoundManager({
      store: createMemoryStore(),
      config,
      initialModel: smallModel(),
    });
    http = createFederatedHttpServer({ manager, config, tickMs: 20 });
    const base = `http://127.0.0.1:${await http.listen(0, '127.0.0.1')}`;
    const client = createFederatedClient({ baseUrl: base, token: TOKEN });
    for (let round = 0; round < 2; round++) {
      const results = await Promise.all(
        [0, 1, 2, 3].map((u) =>
          participateInRound({
            client,
            history: historyOf(u),
            rng: createRng(10 * round + u),
            pollMs: 20,
          }),
        ),
      );
      for (const r of results) expect(r!.ack.accepted).toBe(true);
      for (let j = 0; j < 100 && (await client.status()).roundsCompleted === round; j++)
        await new Promise((r) => setTimeout(r, 20));
    }
    const model = await client.fetchModel();
    expect(model!.version).toBe(1);
    // Version 1 exists only if both secure rounds were unmasked (an aborted round publishes nothing).
    expect(model!.model.itemFactors.every((v) => Number.isFinite(v) && Math.abs(v) <= 1)).toBe(
      true,
    );
    expect((await client.status()).roundsCompleted).toBe(2);
  }, 30_000);
});
