/**
 * One strategy per training mode: how a round's spec is built and what model (and carried state)
 * its cohort sums publish. `rounds`: iALS item steps ({@link createIalsStrategy});
 * `cooccurrence`: the private co-occurrence release ({@link createReleaseStrategy}).
 */
import type { RoundSpec, UpdatePartName } from '../../federated/federated-protocol';
import type { VersionedModel } from '../../federated/federated-model';
import { createIalsStrategy } from './ials-strategy';
import { createReleaseStrategy } from './release-strategy';
import type { RoundContext } from './round-context';

/** What a closed round publishes. */
export interface RoundOutcome {
  /** The next model (the current one when the round only released statistics). */
  readonly next: VersionedModel;
  /** `cooccurrence`: the released popularity carried to the pair round; undefined otherwise. */
  readonly releasedPopularity: readonly number[] | undefined;
}

/** The round-building and publishing half of one training mode. */
export interface TrainingStrategy {
  /** The spec of round `number` from the current model and state. */
  newSpec(ctx: RoundContext, number: number): RoundSpec;
  /**
   * The outcome of a round from its de-quantized cohort sums; `cohort` = clients in the sums,
   * `weight` = their total FedAvg weight. Throws when the sums cannot make a model.
   */
  outcome(
    ctx: RoundContext,
    spec: RoundSpec,
    sums: Record<UpdatePartName, Float64Array>,
    cohort: number,
    weight: number,
  ): RoundOutcome;
}

/** The strategy of the server's training mode. */
export function strategyFor(ctx: Pick<RoundContext, 'config'>): TrainingStrategy {
  return ctx.config.training === 'cooccurrence' ? createReleaseStrategy() : createIalsStrategy();
}
