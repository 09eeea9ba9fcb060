import type { RoundSpec } from '../../src/federated/federated-protocol';
import { buildRoundSpec, type RoundSpecOptions } from '../../src/federated/round-plan';

/** Options of a small round (30 items × 4 factors, plain, cohorts 10–100, z = 1); `o` overrides. */
export function roundSpecOptions(o: Partial<RoundSpecOptions> = {}): RoundSpecOptions {
  return {
    model: { factors: 4, numItems: 30, userWeightNorm: 2 },
    roundId: 'r1',
    modelVersion: 0,
    rows: [0, 3, 7, 12],
    aggregation: 'plain',
    minCohort: 10,
    maxCohort: 100,
    deadline: new Date(0).toISOString(),
    noiseMultiplier: 1,
    delta: 1e-5,
    epsilonSpent: null,
    ...o,
  };
}

/** {@link buildRoundSpec} of {@link roundSpecOptions}. */
export function testRoundSpec(o: Partial<RoundSpecOptions> = {}): RoundSpec {
  return buildRoundSpec(roundSpecOptions(o));
}
