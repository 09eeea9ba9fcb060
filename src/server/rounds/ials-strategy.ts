/**
 * `rounds` training: each round plans a slice of item rows, the cohort uploads iALS statistics for
 * them, and the server takes one preconditioned Newton step on those rows — bounded per row by the
 * server-side update bound, so no single round can move a row further than `maxRowMove`.
 */
import { applyItemStep } from '../../federated/item-step';
import {
  buildRoundSpec,
  planRoundRows,
  ringBitsFor,
  rowsForBudget,
} from '../../federated/round-plan';
import { boundRowMoves } from '../../federated/update-bound';
import { roundIdOf, windowsOf } from './round-context';
import type { TrainingStrategy } from './training-strategy';

/** The strategy of `--training rounds` (the default). */
export function createIalsStrategy(): TrainingStrategy {
  return {
    newSpec(ctx, number) {
      const { config } = ctx;
      const model = ctx.current.model;
      const count = rowsForBudget({
        numItems: model.numItems,
        factors: model.factors,
        ringBits: ringBitsFor(config.aggregation),
        budgetBytes: config.uploadBudget,
      });
      return buildRoundSpec({
        model,
        roundId: roundIdOf(number),
        modelVersion: ctx.current.version,
        rows: planRoundRows({
          numItems: model.numItems,
          count,
          round: ctx.state.roundsCompleted,
          seed: config.rowSeed,
        }),
        aggregation: config.aggregation,
        minCohort: config.minCohort,
        maxCohort: config.maxCohort,
        deadline: new Date(ctx.now() + windowsOf(ctx) * config.roundDurationMs).toISOString(),
        noiseMultiplier: config.noiseMultiplier,
        delta: config.delta,
        epsilonSpent: ctx.dp ? ctx.ledger.epsilon() : null,
        ...(config.clipFactors ? { clipFactors: config.clipFactors } : {}),
      });
    },

    outcome(ctx, spec, sums, _cohort, weight) {
      const { config, current } = ctx;
      const smoothed = ctx.smoother.update({
        rows: spec.rows,
        counts: sums.counts,
        gram: sums.gram,
        stats: sums.stats,
        cohort: weight,
        userWeightNorm: current.model.userWeightNorm,
      });
      const step = applyItemStep({
        model: current.model,
        rows: spec.rows,
        sums: ctx.dp ? { rows: sums.rows, counts: smoothed.counts, gram: smoothed.gram } : sums,
        cohort: weight,
        learningRate: config.learningRate,
        ridge: config.ridge,
        userWeightNorm: smoothed.userWeightNorm,
      });
      const bounded = boundRowMoves({
        before: current.model,
        after: step.model,
        rows: spec.rows,
        maxRowMove: config.maxRowMove,
      });
      return {
        next: { version: current.version + 1, model: bounded.model },
        releasedPopularity: undefined,
      };
    },
  };
}
