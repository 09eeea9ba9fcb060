import type { InteractionDataset } from '../core/data/interaction-log';
import type { EventWeights } from '../core/data/types';
import { DataError } from '../core/errors';
import { splitInteractions } from '../core/eval/split';
import { rowWeightsOf } from '../core/tune/confidence-fit';
import { MIN_EVALUATED_ITEMS } from './evaluation-requirements';

/**
 * Why offline evaluation (protocol `random`, as `evaluateAgainstPopularity` runs it) cannot run
 * on `dataset`, as a sentence for the visitor; null when it can. Checked before training, so a run
 * that cannot be measured still trains and ships its model instead of failing at the end.
 */
export function evaluationShortfall(o: {
  readonly dataset: InteractionDataset;
  readonly seed: number;
  /** A tuned run: rows weigh as the shipped pipeline weighs them. */
  readonly eventWeights?: EventWeights;
}): string | null {
  const split = splitInteractions(o.dataset, {
    protocol: 'random',
    seed: o.seed,
    ...(o.eventWeights && { rowWeights: rowWeightsOf(o.dataset, o.eventWeights) }),
  });
  if (split.evaluatedUsers > 0) return null;
  // No user qualified, so nothing was held out: the training part holds every distinct pair.
  const { indptr } = split.train;
  let most = 0;
  for (let u = 0; u + 1 < indptr.length; u++) most = Math.max(most, indptr[u + 1]! - indptr[u]!);
  const users = o.dataset.userVocab.size;
  return (
    `evaluation holds out part of each shopper's events and needs at least one shopper with ` +
    `${MIN_EVALUATED_ITEMS} different items; this data has ${users} ${users === 1 ? 'shopper' : 'shoppers'} ` +
    `with at most ${most} different ${most === 1 ? 'item' : 'items'} each`
  );
}

/** Whether `error` says the data is too small (`NOT_ENOUGH_DATA`), not that something broke. */
export const isNotEnoughData = (error: unknown): boolean =>
  error instanceof DataError && error.code === 'NOT_ENOUGH_DATA';
