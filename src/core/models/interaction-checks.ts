import type { InteractionColumns } from '../data/interaction-log';
import { EVENT_TYPES } from '../data/types';
import { DataError } from '../errors';
import { requireInRange } from './option-checks';

/**
 * Returns the item count of `columns`: `numItems` when given (validated against the rows), else the
 * largest item index + 1. Throws {@link DataError} naming the first row whose item index or event
 * type code is out of range.
 */
export function resolveNumItems(columns: InteractionColumns, numItems: number | undefined): number {
  if (numItems !== undefined) requireInRange('numItems', numItems, 0, 2 ** 31 - 1, true);
  const limit = numItems ?? Infinity;
  let max = -1;
  for (let e = 0; e < columns.length; e++) {
    const item = columns.items[e]!;
    if (item < 0 || item >= limit) {
      throw new DataError(
        'INVALID_ROW',
        `Row ${e}: item index ${item} is outside 0..${limit - 1}; pass the catalog size as numItems or drop the row.`,
      );
    }
    if (columns.types[e]! >= EVENT_TYPES.length) {
      throw new DataError(
        'INVALID_ROW',
        `Row ${e}: event type code ${columns.types[e]} is not one of 0..${EVENT_TYPES.length - 1} (${EVENT_TYPES.join(', ')}).`,
      );
    }
    if (item > max) max = item;
  }
  return numItems ?? max + 1;
}
