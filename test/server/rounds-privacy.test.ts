import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random';
import { OptionError } from '../../src/core/errors';
import { computeClientUpdate } from '../../src/federated/client-update';
import { UpdateRejectedError, type RoundSpec } from '../../src/federated/federated-protocol';
import { epsilonOf } from '../../src/federated/privacy-accountant';
import { roundNoiseMultiplier } from '../../src/federated/round-plan';
import { encodeUpload } from '../../src/federated/update-codec';
import { createMemoryStore } from '../../src/server/memory-store';
import { createRoundManager } from '../../src/server/round-manager';
import { frameFor, historyOf, smallModel, testConfig } from './server-test-helpers';

describe('ε accounting', () => {
  it('#5 trimmed-mean with DP noise is refused with a config error; noise alone picks the mean', () => {
    expect(() => testConfig({ aggregator: 'trimmed-mean', noiseMultiplier: 1 })).toThrow(
      OptionError,
    );
    expect(() => testConfig({ aggregator: 'trimmed-mean', noiseMultiplier: 1 })).toThrow(
      /trimmed-mean.*noise/,
    );
    expect(testConfig({ noiseMultiplier: 1 }).aggregator).toBe('mean');
    expect(testConfig().aggregator).toBe('trimmed-mean');
  });

  it('#5 rounds with DP noise refuse FedAvg weights other than 1', async () => {
    const m = await createRoundManager({
      store: createMemoryStore(),
      config: testConfig({ noiseMultiplier: 1 }),
      initialModel: smallModel(),
    });
    const joined = await m.join({ protocol: 1 });
    const parts = computeClientUpdate({
      model: smallModel(),
      history: historyOf(0),
      rows: joined.round.rows,
    })!.parts;
    const frame = encodeUpload({
      round: joined.round,
      parts,
      ticket: joined.ticket,
      rng: createRng(1),
      weight: 0.5,
    }).frame;
    const error = await m.submitUpdate('r1', frame).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpdateRejectedError);
    expect((error as UpdateRejectedError).reason).toBe('out-of-range');
    await m.close();
  });

  it('#5 --epsilon-budget checks the round about to open: a budget of 8 reached over several rounds is never overshot', async () => {
    const budget = 8;
    const lines: string[] = [];
    const m = await createRoundManager({
      log: (line) => void lines.push(line),
      store: createMemoryStore(),
      config: testConfig({
        noiseMultiplier: 2.5,
        epsilonBudget: budget,
        minCohort: 2,
        maxCohort: 2,
      }),
      initialModel: smallModel(),
    });
    let spec: RoundSpec | null = null;
    let rounds = 0;
    for (;;) {
      const joined = await m.join({ protocol: 1 }).catch((e: unknown) => e);
      if (joined instanceof UpdateRejectedError) {
        expect(joined.reason).toBe('round-closed');
        expect(joined.message).toMatch(/privacy budget/);
        break;
      }
      const first = joined as Awaited<ReturnType<typeof m.join>>;
      spec = first.round;
      await m.submitUpdate(spec.roundId, frameFor(first, smallModel(), 0));
      await m.submitUpdate(spec.roundId, frameFor(await m.join({ protocol: 1 }), smallModel(), 1));
      await m.tick();
      rounds++;
      expect(rounds).toBeLessThan(50);
    }
    const eps = m.status().privacy.epsilon!;
    const z = roundNoiseMultiplier(spec!.parts, 2);
    expect(rounds).toBeGreaterThan(1);
    expect(eps).toBeLessThanOrEqual(budget);
    expect(eps).toBeCloseTo(epsilonOf({ noiseMultiplier: z, rounds }, 1e-5), 6);
    expect(lines.at(-1)).toMatch(
      /not opened: it would bring ε from [\d.]+ to [\d.]+, above the budget 8/,
    );
    // One more round would have overshot the budget.
    expect(epsilonOf({ noiseMultiplier: z, rounds: rounds + 1 }, 1e-5)).toBeGreaterThan(budget);
    await m.close();
  });
});
