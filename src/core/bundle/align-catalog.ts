import type { Item } from '../data/types';
import type { Vocabulary } from '../data/vocabulary';

/** Catalog items placed at their item index (undefined where the catalog has no entry). */
export function alignCatalog(itemIds: Vocabulary, items: readonly Item[]): (Item | undefined)[] {
  const aligned: (Item | undefined)[] = new Array(itemIds.size).fill(undefined);
  for (const item of items) {
    const i = itemIds.get(item.id);
    if (i >= 0) aligned[i] = item;
  }
  return aligned;
}
