/**
 * `cooccurrence` training: each published model takes a popularity round then a pair round over
 * the head it selects (the shared assembly of `src/federated/cooccurrence-assembly.ts`).
 */
import {
  assembleReleasedModel,
  releaseHead,
  releaseHeadLimit,
  releaseSpec,
} from '../../federated/cooccurrence-assembly';
import { padFactors } from '../../federated/private-cooccurrence';
import { roundIdOf, windowsOf } from './round-context';
import type { TrainingStrategy } from './training-strategy';

/** The strategy of `--training cooccurrence`. */
export function createReleaseStrategy(): TrainingStrategy {
  return {
    newSpec(ctx, number) {
      const { config } = ctx;
      const n = ctx.current.model.numItems;
      const popularity = ctx.state.releasedPopularity;
      const pairs = popularity !== undefined && popularity.length === n;
      const limit = releaseHeadLimit({
        numItems: n,
        uploadBudget: config.uploadBudget,
        aggregation: config.aggregation,
      });
      return releaseSpec({
        release: pairs ? 'pairs' : 'popularity',
        rows: pairs
          ? releaseHead(popularity, Math.min(config.headSize, limit))
          : Array.from({ length: n }, (_, i) => i),
        noiseMultiplier: config.noiseMultiplier,
        roundId: roundIdOf(number),
        modelVersion: ctx.current.version,
        aggregation: config.aggregation,
        minCohort: config.minCohort,
        maxCohort: config.maxCohort,
        deadline: new Date(ctx.now() + windowsOf(ctx) * config.roundDurationMs).toISOString(),
        delta: config.delta,
        epsilonSpent: ctx.dp ? ctx.ledger.epsilon() : null,
      });
    },

    outcome(ctx, spec, sums, cohort) {
      const { current } = ctx;
      if (spec.release === 'popularity') {
        return { next: current, releasedPopularity: Array.from(sums.rows) };
      }
      const numItems = current.model.numItems;
      const model = assembleReleasedModel({
        numItems,
        pairSpec: spec,
        pairSums: sums.rows,
        cohort,
        popularity: ctx.state.releasedPopularity ?? new Float64Array(numItems),
        factors: Math.min(ctx.config.cooccurrenceRank, current.model.factors),
      });
      return {
        next: { version: current.version + 1, model: padFactors(model, current.model.factors) },
        releasedPopularity: undefined,
      };
    },
  };
}
