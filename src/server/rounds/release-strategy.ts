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
import { releaseSettingsOf } from './release-settings';
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
        uploadBudget: config.pairUploadBudget,
        aggregation: config.aggregation,
      });
      const settings = releaseSettingsOf(config, n, limit, ctx.current.model.factors);
      return releaseSpec({
        release: pairs ? 'pairs' : 'popularity',
        rows: pairs
          ? releaseHead(popularity, settings.headSize)
          : Array.from({ length: n }, (_, i) => i),
        noiseMultiplier: config.noiseMultiplier,
        popularityNoiseRatio: settings.popularityNoiseRatio,
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
      const limit = releaseHeadLimit({
        numItems,
        uploadBudget: ctx.config.pairUploadBudget,
        aggregation: ctx.config.aggregation,
      });
      const settings = releaseSettingsOf(ctx.config, numItems, limit, current.model.factors);
      const model = assembleReleasedModel({
        numItems,
        pairSpec: spec,
        pairSums: sums.rows,
        cohort,
        popularity: ctx.state.releasedPopularity ?? new Float64Array(numItems),
        factors: settings.rank,
        ...(settings.shrinkage !== undefined ? { shrinkage: settings.shrinkage } : {}),
      });
      return {
        next: { version: current.version + 1, model: padFactors(model, current.model.factors) },
        releasedPopularity: undefined,
      };
    },
  };
}
