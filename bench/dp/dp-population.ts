import { DEFAULT_EVENT_WEIGHTS, type Item } from '../../src/core/data/types';
import { splitInteractions, type Split } from '../../src/core/eval/split';
import { rowWeightsOf } from '../../src/core/tune/confidence-fit';
import { eventsToDataset, generateDemoData } from '../../src/core/demo-data';
import { sampleEvaluatedUsers } from './sample-split';

/** Seed of the split (protocol `random`), as everywhere in the bench. */
export const DP_SPLIT_SEED = 42;
/** Evaluated users per population: a seeded sample, the same for every model of a population. */
export const DP_EVAL_USERS = 4000;

/** A generated shopper population with its evaluation split. */
export interface DpPopulation {
  readonly shoppers: number;
  readonly seed: number;
  /** Protocol `random`, seed 42; training pairs carry the summed event weights (1/2/4/8). */
  readonly split: Split;
  /** `split` with test rows for at most `evalUsers` seeded users. */
  readonly evalSplit: Split;
  /** The generated catalog, indexed like the split's items (public: what every device holds). */
  readonly items: readonly Item[];
}

/**
 * The demo storefront generator with its default settings (catalog, personas, days, trending)
 * and only the shopper count changed; event weights as `hearth train` applies them. The events
 * are dropped once the split is built, so 30,000 shoppers stay at a few hundred MB.
 */
export function generateDpPopulation(o: {
  readonly shoppers: number;
  readonly seed: number;
  readonly evalUsers?: number;
}): DpPopulation {
  const { split, items } = (() => {
    const { events, catalog } = generateDemoData({ seed: o.seed, shoppers: o.shoppers });
    const dataset = eventsToDataset(events);
    const rowWeights = rowWeightsOf(dataset, DEFAULT_EVENT_WEIGHTS);
    const byId = new Map(catalog.items.map((item) => [item.id, item] as const));
    return {
      split: splitInteractions(dataset, { protocol: 'random', seed: DP_SPLIT_SEED, rowWeights }),
      items: events.itemIds.map((id) => byId.get(id)!),
    };
  })();
  const evalSplit = sampleEvaluatedUsers(split, o.evalUsers ?? DP_EVAL_USERS, DP_SPLIT_SEED);
  return { shoppers: o.shoppers, seed: o.seed, split, evalSplit, items };
}

/** δ of a population of `users`: 10⁻⁵, or 1/N when that is smaller (N > 100,000). */
export function dpDelta(users: number): number {
  return Math.min(1e-5, 1 / users);
}
