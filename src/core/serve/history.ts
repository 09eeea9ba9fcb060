import type { EventWeights } from '../data/types';
import type { Vocabulary } from '../data/vocabulary';
import { OptionError } from '../errors';
import type { HistoryEvent } from './row-types';

/** A visitor's history summed per known item, plus the ids that were skipped. */
export interface MergedHistory {
  /** Distinct known item indices, in first-seen order. */
  readonly items: Int32Array;
  /** Summed event weight per entry of `items` (may be ≤ 0 after dismissals). */
  readonly weights: Float64Array;
  /** Unknown item ids, distinct, in first-seen order. */
  readonly unknownItems: string[];
}

/**
 * Sums event weights per item. Unknown ids are collected, not thrown. Throws `OptionError` for a
 * non-finite explicit weight or an event type without a weight.
 */
export function mergeHistory(
  events: readonly HistoryEvent[],
  itemIds: Vocabulary,
  eventWeights: EventWeights,
): MergedHistory {
  const slot = new Map<number, number>();
  const items: number[] = [];
  const weights: number[] = [];
  const unknown = new Set<string>();
  events.forEach((event, e) => {
    let weight: number;
    if (event.weight !== undefined) {
      if (!Number.isFinite(event.weight)) {
        throw new OptionError(
          `history[${e}].weight must be a finite number (got ${event.weight}).`,
        );
      }
      weight = event.weight;
    } else if (event.type !== undefined) {
      const w = eventWeights[event.type] as number | undefined;
      if (w === undefined) {
        throw new OptionError(
          `history[${e}].type "${event.type}" has no weight; use one of ${Object.keys(eventWeights).join(', ')}.`,
        );
      }
      weight = w;
    } else {
      weight = 1;
    }
    const index = itemIds.get(event.itemId);
    if (index < 0) {
      unknown.add(event.itemId);
      return;
    }
    const s = slot.get(index);
    if (s === undefined) {
      slot.set(index, items.length);
      items.push(index);
      weights.push(weight);
    } else {
      weights[s]! += weight;
    }
  });
  return {
    items: Int32Array.from(items),
    weights: Float64Array.from(weights),
    unknownItems: [...unknown],
  };
}
