import type { Item } from '../../data/types';
import { DataError } from '../../errors';

/** What {@link contentDataError} needs to know about a content-tower fit that found no examples. */
export interface ContentDataFacts {
  /** The catalog, indexed like the MF item rows; `undefined` where content is unknown. */
  readonly items: readonly (Item | undefined)[];
  /** 1 for items with interactions; absent when every item counts as having them. */
  readonly trainMask?: Uint8Array;
  /** Fewest items a feature must appear in to be kept (the featurizer's `minDf`). */
  readonly minDf: number;
}

/** Whether an item has any field the featurizer reads. */
function hasContent(item: Item): boolean {
  return (
    (item.title ?? '').trim() !== '' ||
    (item.description ?? '').trim() !== '' ||
    (item.tags?.length ?? 0) > 0 ||
    (item.category?.length ?? 0) > 0 ||
    item.price !== undefined ||
    item.inStock !== undefined ||
    Object.keys(item.attributes ?? {}).length > 0
  );
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The `NOT_ENOUGH_DATA` error for a content tower with no item to learn from, saying which of the
 * possible causes it is: no interactions at all, interactions only on items missing from the
 * catalog, items without any content, or (the usual one on a fresh device) too few items with
 * interactions for any word, tag or category to be shared by enough of them.
 */
export function contentDataError(facts: ContentDataFacts): DataError {
  const { items, trainMask, minDf } = facts;
  let interacted = 0;
  let inCatalog = 0;
  let withContent = 0;
  for (let i = 0; i < items.length; i++) {
    if (trainMask && !trainMask[i]) continue;
    interacted++;
    const item = items[i];
    if (item === undefined) continue;
    inCatalog++;
    if (hasContent(item)) withContent++;
  }
  const fail = (message: string): DataError => new DataError('NOT_ENOUGH_DATA', message);
  if (interacted === 0) {
    return fail(
      `None of the ${plural(items.length, 'item')} has interactions, so there is nothing to learn from. Track or import interactions first, then train.`,
    );
  }
  if (inCatalog === 0) {
    return fail(
      `None of the ${plural(interacted, 'item')} with interactions is in the catalog. Import a catalog whose item ids match the ids in the interactions.`,
    );
  }
  if (withContent === 0) {
    return fail(
      `None of the ${plural(inCatalog, 'catalog item')} with interactions has a title, description, tags, category or price. Give items content, then train again.`,
    );
  }
  return fail(
    `Too little data to learn from item content: ${plural(inCatalog, 'item')} with interactions, ` +
      `and a word, tag, category or price range is only used when at least ${minDf} of them share it ` +
      `(and not almost all of them) — none is. Record interactions on more items ` +
      `(at least ${minDf} that share a word, tag or category; a few dozen for useful rows), then train again.`,
  );
}
