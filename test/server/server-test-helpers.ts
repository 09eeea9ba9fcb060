import { createRng, type Rng } from '../../src/core/random';
import type { WeightedItem } from '../../src/core/models/mf/fold-in';
import type { MfModel } from '../../src/core/models/mf/mf-model';
import { computeClientUpdate } from '../../src/federated/client-update';
import type { JoinResponse } from '../../src/federated/federated-protocol';
import { createInitialModel } from '../../src/federated/federated-model';
import { encodeUpload } from '../../src/federated/update-codec';
import { resolveServerConfig, type ServerConfig } from '../../src/server/server-config';

/** Token used by server tests. */
export const TOKEN = 'test-token-0123456789';

/** A small model: 30 items × 4 factors. */
export function smallModel(): MfModel {
  return {
    ...createInitialModel({ numItems: 30, seed: 1, hyper: { factors: 4 } }),
    userWeightNorm: 2,
  };
}

/** Config for tests: small cohorts, no rate limit or join admission cost unless asked. */
export function testConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  return resolveServerConfig({
    token: TOKEN,
    minCohort: 2,
    maxCohort: 4,
    roundDurationMs: 60_000,
    rateLimit: { perSecond: 10_000, burst: 10_000 },
    // Every test client is on loopback: admission tests set their own costs and budgets.
    joinDifficulty: 0,
    joinsPerAddress: 0,
    ...overrides,
  });
}

/** A deterministic history for user `u`. */
export function historyOf(u: number, items = 30): WeightedItem[] {
  return Array.from({ length: 5 }, (_, j) => ({
    item: (u * 7 + j * 5) % items,
    weight: 1 + (j % 2),
  }));
}

/** Encodes user `u`'s update for a joined round (plain, unmasked). */
export function frameFor(
  joined: JoinResponse,
  model: MfModel,
  u: number,
  o: { rng?: Rng; nonce?: string; mask?: Uint32Array; weight?: number } = {},
): Uint8Array<ArrayBuffer> {
  const update = computeClientUpdate({
    model,
    history: historyOf(u, model.numItems),
    rows: joined.round.rows,
  })!;
  return encodeUpload({
    round: joined.round,
    parts: update.parts,
    ticket: joined.ticket,
    rng: o.rng ?? createRng(100 + u),
    ...(o.nonce ? { nonce: o.nonce } : {}),
    ...(o.mask ? { mask: o.mask } : {}),
    ...(o.weight !== undefined ? { weight: o.weight } : {}),
  }).frame;
}
