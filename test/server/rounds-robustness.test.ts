import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random';
import type { MfModel } from '../../src/core/models/mf/mf-model';
import { computeClientUpdate, type ClientUpdateParts } from '../../src/federated/client-update';
import { createInitialModel, decodeFederatedModel } from '../../src/federated/federated-model';
import { UpdateRejectedError, type JoinResponse } from '../../src/federated/federated-protocol';
import { encodeUpload } from '../../src/federated/update-codec';
import { createMemoryStore } from '../../src/server/memory-store';
import { createRoundManager } from '../../src/server/round-manager';
import type { ServerConfig } from '../../src/server/server-config';
import { SERVER_FLAGS, configFromFlags } from '../../src/server/server-flags';
import { historyOf, testConfig } from './server-test-helpers';

const ITEMS = 40;
const COHORT = 50;
const SYBILS = 5;

/** A 40-item, 4-factor starting model (the honest rounds and the attacked one share it). */
const startModel = (): MfModel => ({
  ...createInitialModel({ numItems: ITEMS, seed: 3, hyper: { factors: 4 } }),
  userWeightNorm: 2,
});

/** Client `u`'s honest update for the joined round. */
function honestParts(joined: JoinResponse, model: MfModel, u: number): ClientUpdateParts {
  const rows = joined.round.rows;
  // The targeted item (the round's first row) is a popular one: about every other user holds it.
  const target = rows[0]!;
  const history = historyOf(u, ITEMS).filter((h) => h.item !== target);
  if (createRng(1000 + u).next() < 0.5) history.push({ item: target, weight: 1 + (u % 3) });
  return computeClientUpdate({ model, history, rows })!.parts;
}

/**
 * A Sybil's update: a real user vector (so it is not refused as empty), a typical confidence for
 * the targeted row (so it counts as one of the row's holders) and its whole `rows` norm on the
 * targeted coordinate (the encoder clips it to the round's clip bound).
 */
function sybilParts(joined: JoinResponse, model: MfModel, target: number): ClientUpdateParts {
  const parts = honestParts(joined, model, 0);
  const d = model.factors + 1;
  const rows = new Float64Array(parts.rows.length);
  rows[target] = 1e6;
  const counts = new Float64Array(parts.counts.length);
  counts[Math.floor(target / d)] = Math.max(...parts.counts);
  return { ...parts, rows, counts };
}

interface RoundResult {
  readonly before: MfModel;
  readonly after: MfModel;
  readonly rows: readonly number[];
}

/**
 * One round of `cohort` clients from {@link startModel}: honest users (offset `first`), then
 * `sybils` attackers aiming at row `rows[0]`, factor 0.
 */
async function runRound(
  config: ServerConfig,
  first: number,
  sybils: number,
  cohort = COHORT,
): Promise<RoundResult> {
  const before = startModel();
  const m = await createRoundManager({ store: createMemoryStore(), config, initialModel: before });
  const rng = createRng(first + 1);
  let rows: readonly number[] = [];
  for (let c = 0; c < cohort; c++) {
    const joined = await m.join({ protocol: 1 });
    rows = joined.round.rows;
    const k = before.factors;
    const parts =
      c < cohort - sybils
        ? honestParts(joined, before, first + c)
        : sybilParts(joined, before, 0 * (k + 1));
    await m.submitUpdate(
      joined.round.roundId,
      encodeUpload({ round: joined.round, parts, ticket: joined.ticket, rng }).frame,
    );
  }
  await m.tick();
  await m.close();
  expect(m.model().version).toBe(1);
  return { before, after: decodeFederatedModel(m.model().bytes).model, rows };
}

/** |move| of the targeted factor (row `rows[0]`, factor 0). */
const targetMove = (r: RoundResult): number => {
  const i = r.rows[0]!;
  const k = r.before.factors;
  return Math.abs(r.after.itemFactors[i * k]! - r.before.itemFactors[i * k]!);
};

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

const config = (overrides: Partial<ServerConfig> = {}) =>
  testConfig({
    minCohort: COHORT,
    maxCohort: COHORT,
    ...overrides,
  });

/** Targeted-factor moves of eight honest rounds (different cohorts) and of one attacked round. */
async function measure(overrides: Partial<ServerConfig> = {}) {
  const honest: number[] = [];
  for (let t = 0; t < 8; t++) honest.push(targetMove(await runRound(config(overrides), 50 * t, 0)));
  const attacked = targetMove(await runRound(config(overrides), 0, SYBILS));
  return { honest, typical: median(honest), attacked };
}

describe('robust aggregation by default', () => {
  it('10% Sybils in a 50-client round move the targeted factor no more than an honest round typically does', async () => {
    expect(config().aggregator).toBe('trimmed-mean');
    const { typical, attacked } = await measure();
    expect(attacked).toBeLessThanOrEqual(typical);
  });

  it('the same Sybils move it well past an honest round with the mean (the bar can fail)', async () => {
    const { typical, attacked } = await measure({ aggregator: 'mean' });
    expect(attacked).toBeGreaterThan(3 * typical);
  });
});

describe('server-side update bound', () => {
  it('#3 a clamp-sized spike moves no row further than maxRowMove (mean aggregator)', async () => {
    const maxRowMove = config().maxRowMove;
    // A small round: one spike among three honest updates.
    const small = testConfig({ aggregator: 'mean', minCohort: 4, maxCohort: 4 });
    const r = await runRound(small, 0, 1, 4);
    const k = r.before.factors;
    let largest = 0;
    for (let i = 0; i < ITEMS; i++) {
      let sq = (r.after.itemBias[i]! - r.before.itemBias[i]!) ** 2;
      for (let a = 0; a < k; a++)
        sq += (r.after.itemFactors[i * k + a]! - r.before.itemFactors[i * k + a]!) ** 2;
      largest = Math.max(largest, Math.sqrt(sq));
    }
    // float32 storage of the model: a hair of slack.
    expect(largest).toBeLessThanOrEqual(maxRowMove * (1 + 1e-6));
    const before = Math.max(...r.before.itemFactors.map(Math.abs));
    expect(Math.max(...r.after.itemFactors.map(Math.abs))).toBeLessThan(before + maxRowMove);
  });
});

describe('server flags', () => {
  it('--max-row-move sets the bound; the aggregator defaults to trimmed-mean, or mean with noise', () => {
    const flags = (...args: string[]) =>
      configFromFlags(
        parseArgs({ options: SERVER_FLAGS, args: ['--token', 'x'.repeat(16), ...args] }).values,
        {},
      );
    expect(flags('--max-row-move', '0.25')).toMatchObject({
      maxRowMove: 0.25,
      aggregator: 'trimmed-mean',
      trimFraction: 0.2,
    });
    expect(flags('--noise-multiplier', '1').aggregator).toBe('mean');
    expect(() => flags('--max-row-move', '0')).toThrow(/maxRowMove/);
  });
});

describe('all-zero updates', () => {
  it('#3 an all-zero update is refused, so zeros cannot pull the round rows to 0', async () => {
    const before = startModel();
    const m = await createRoundManager({
      store: createMemoryStore(),
      config: testConfig({ minCohort: 2, maxCohort: 4 }),
      initialModel: before,
    });
    const rng = createRng(9);
    for (let c = 0; c < 4; c++) {
      const joined = await m.join({ protocol: 1 });
      const honest = honestParts(joined, before, c);
      const zero: ClientUpdateParts = {
        rows: new Float64Array(honest.rows.length),
        counts: new Float64Array(honest.counts.length),
        gram: new Float64Array(honest.gram.length),
        stats: new Float64Array(honest.stats.length),
      };
      const frame = encodeUpload({ round: joined.round, parts: zero, ticket: joined.ticket, rng });
      const error = await m.submitUpdate(joined.round.roundId, frame.frame).catch((e) => e);
      expect(error).toBeInstanceOf(UpdateRejectedError);
      expect((error as UpdateRejectedError).reason).toBe('out-of-range');
    }
    expect(m.status().round?.accepted).toBe(0);
    await m.close();
  });
});
