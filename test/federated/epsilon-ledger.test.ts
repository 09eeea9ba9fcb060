import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DEVICE_PRIVACY,
  RoundRefusedError,
  resolveDevicePrivacy,
} from '../../src/federated/device-privacy-floor';
import {
  EPSILON_LEDGER_META_KEY,
  REFUSED_ROUNDS_KEPT,
  createEpsilonLedger,
} from '../../src/federated/epsilon-ledger';
import type { RoundSpec } from '../../src/federated/federated-protocol';
import { epsilonOf } from '../../src/federated/privacy-accountant';
import { createMemoryMetaStore } from './memory-meta-store';
import { testRoundSpec } from './round-spec-fixture';

const spec = (roundId: string, noiseMultiplier: number): RoundSpec =>
  testRoundSpec({ roundId, noiseMultiplier, aggregation: 'secure', minCohort: 5, maxCohort: 50 });

describe('the device ε ledger', () => {
  it('#6 composes what the device computed for each round and stops at its budget', async () => {
    const store = createMemoryMetaStore();
    const ledger = createEpsilonLedger({ store, policy: DEFAULT_DEVICE_PRIVACY, now: () => 7 });
    for (const [j, z] of [1, 2, 2].entries()) {
      await ledger.spend(await ledger.admit(spec(`r${j}`, z)));
    }
    const summary = await ledger.summary();
    expect(summary.roundsContributed).toBe(3);
    // μ² = 1 + 2/4 (GDP composition of unsampled Gaussian rounds), i.e. one round at z = √(2/3).
    expect(summary.epsilonSpent).toBeCloseTo(
      epsilonOf({ noiseMultiplier: Math.sqrt(2 / 3) }, 1e-5),
      3,
    );
    // Rounds at z = 1 cost ≈ 4.4 each: the budget of 16 allows a few more, then refuses.
    let refused: unknown = null;
    for (let j = 3; j < 20 && refused === null; j++) {
      await ledger.admit(spec(`r${j}`, 1)).then(ledger.spend, (e: unknown) => (refused = e));
    }
    expect(refused).toBeInstanceOf(RoundRefusedError);
    expect((refused as RoundRefusedError).reason).toBe('epsilon-budget');
    const after = await ledger.summary();
    expect(after.epsilonSpent).toBeLessThanOrEqual(16);
    expect(after.refused).toEqual([expect.objectContaining({ reason: 'epsilon-budget', at: 7 })]);
  });

  it('keeps the newest refusals only, and a reopened ledger sees the same totals', async () => {
    const store = createMemoryMetaStore();
    const policy = resolveDevicePrivacy({ minNoiseMultiplier: 2 });
    const ledger = createEpsilonLedger({ store, policy });
    await ledger.spend(await ledger.admit(spec('ok', 3)));
    for (let j = 0; j < REFUSED_ROUNDS_KEPT + 3; j++) {
      await expect(ledger.admit(spec(`low${j}`, 1))).rejects.toThrow(/at least 2/);
    }
    // A retry of the last refused round updates its line instead of adding one.
    await expect(ledger.admit(spec(`low${REFUSED_ROUNDS_KEPT + 2}`, 1))).rejects.toThrow();
    const again = await createEpsilonLedger({ store, policy }).summary();
    expect(again.roundsContributed).toBe(1);
    expect(again.refused).toHaveLength(REFUSED_ROUNDS_KEPT);
    expect(again.refused.at(-1)!.roundId).toBe(`low${REFUSED_ROUNDS_KEPT + 2}`);
    expect(again.refused.at(-2)!.roundId).toBe(`low${REFUSED_ROUNDS_KEPT + 1}`);
  });

  it('checks the budget again at send time (another tab may have spent meanwhile)', async () => {
    const store = createMemoryMetaStore();
    const policy = resolveDevicePrivacy({ maxEpsilonTotal: 6 });
    const tabA = createEpsilonLedger({ store, policy });
    const tabB = createEpsilonLedger({ store, policy });
    const a = await tabA.admit(spec('r1', 1));
    const b = await tabB.admit(spec('r1', 1));
    await tabA.spend(a);
    await expect(tabB.spend(b)).rejects.toMatchObject({ reason: 'epsilon-budget' });
    expect((await tabB.summary()).roundsContributed).toBe(1);
  });

  it('an unreadable ledger refuses every round instead of starting again from zero', async () => {
    const store = createMemoryMetaStore();
    await store.setMeta(EPSILON_LEDGER_META_KEY, { version: 1, spent: 'lots', refused: [] });
    const ledger = createEpsilonLedger({ store, policy: DEFAULT_DEVICE_PRIVACY });
    await expect(ledger.admit(spec('r1', 3))).rejects.toThrow(/unreadable/);
    expect((await ledger.summary()).epsilonSpent).toBe(Infinity);
    expect(store.data.get(EPSILON_LEDGER_META_KEY)).toMatchObject({ spent: 'lots' });
  });
});
