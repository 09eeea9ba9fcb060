import type { ModelBundle } from '../core/bundle/model-bundle';
import type { EventWeights } from '../core/data/types';
import { Vocabulary } from '../core/data/vocabulary';
import type { WeightedItem } from '../core/models/mf/fold-in';
import { mergeHistory } from '../core/serve/history';
import type { HistoryEvent } from '../core/serve/row-types';

/**
 * The visitor's events as a fold-in history of `bundle`: dense item indices of its vocabulary with
 * summed event weights, keeping what for-you rows fold in (positive totals, items with factors).
 * Unknown items are skipped. This is what a federated contribution is computed from.
 */
export function foldInHistoryOf(
  events: readonly HistoryEvent[],
  bundle: ModelBundle,
  eventWeights: EventWeights,
): WeightedItem[] {
  const merged = mergeHistory(events, Vocabulary.from(bundle.itemIds), eventWeights);
  const history: WeightedItem[] = [];
  for (let h = 0; h < merged.items.length; h++) {
    const item = merged.items[h]!;
    const weight = merged.weights[h]!;
    if (weight > 0 && item < bundle.mf.numItems) history.push({ item, weight });
  }
  return history;
}
