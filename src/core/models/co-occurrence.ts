import { csrFromCoo } from '../data/csr-matrix';
import type { CsrMatrix } from '../data/csr-matrix';
import type { InteractionColumns } from '../data/interaction-log';
import { EVENT_TYPES, eventTypeCode } from '../data/types';
import { OptionError } from '../errors';
import { cosineNeighbors } from './cosine-neighbors';
import { resolveNumItems } from './interaction-checks';
import { requireInRange } from './option-checks';
import { assignBaskets } from './session-baskets';
import type { SparseNeighbors } from './sparse-neighbors';

/** Options of {@link fitCoOccurrence}. */
export interface CoOccurrenceOptions {
  /** Consecutive events of a user this far apart or more start a new basket. Default 30 min. */
  readonly sessionGapMs?: number;
  /**
   * Event type codes (indices into `EVENT_TYPES`) whose rows go into baskets. Default: cart and
   * purchase; when those give fewer than {@link MIN_INTENT_BASKETS} baskets of two or more items,
   * every type except dismiss is used instead. Types given explicitly are used as they are.
   */
  readonly types?: readonly number[];
  /** Neighbours kept per item. Default 50. */
  readonly neighbors?: number;
  /** Pairs found together in fewer baskets than this are dropped. Default 2. */
  readonly minSupport?: number;
  /** λ in the score denominator (see {@link CoOccurrenceModel}). Default 5. */
  readonly shrinkage?: number;
  /** Catalog size; default the largest item index in `columns` + 1. */
  readonly numItems?: number;
}

/** Defaults of {@link fitCoOccurrence} other than `types` and `numItems`. */
export const DEFAULT_CO_OCCURRENCE_OPTIONS = Object.freeze({
  sessionGapMs: 30 * 60 * 1000,
  neighbors: 50,
  minSupport: 2,
  shrinkage: 5,
});

/** Fewest multi-item cart/purchase baskets for which the default `types` are kept. */
export const MIN_INTENT_BASKETS = 50;

const INTENT_TYPES: readonly number[] = [eventTypeCode('cart'), eventTypeCode('purchase')];
const ALL_BUT_DISMISS: readonly number[] = EVENT_TYPES.map((_, code) => code).filter(
  (code) => code !== eventTypeCode('dismiss'),
);

/**
 * "Frequently bought together": items found in the same basket (one user's session). The score of
 * neighbour j of item i is the shrunk cosine (Ochiai) coefficient
 *
 *   score(i, j) = c_ij / (√(n_i · n_j) + λ)
 *
 * with c_ij the baskets holding both and n_i the baskets holding i. Cosine is the geometric mean
 * of P(j | i) and P(i | j): ranking by P(j | i) alone would put the best sellers next to every
 * item, and lift (P(j | i) / P(j)) puts pairs seen once between rare items on top. The geometric
 * mean penalises both, and λ pulls pairs backed by few baskets towards 0 (c = 1, n = 1 scores
 * 1 / (1 + λ), not 1), while `minSupport` drops pairs seen in fewer baskets outright.
 */
export interface CoOccurrenceModel {
  readonly kind: 'co-occurrence';
  readonly numItems: number;
  /** Top-N co-occurring items per item, best first. */
  readonly neighbors: SparseNeighbors;
  /** Baskets holding each item (n_i): a list behind an item with small support is thin evidence. */
  readonly support: Int32Array;
  /** Number of baskets built. */
  readonly basketCount: number;
  /** Event type codes whose rows were used (after the default fallback). */
  readonly typesUsed: readonly number[];
}

function basketMatrix(
  columns: InteractionColumns,
  types: readonly number[],
  gapMs: number,
  numItems: number,
): CsrMatrix {
  const wanted = new Uint8Array(EVENT_TYPES.length);
  for (const code of types) wanted[code] = 1;
  const keepRow = new Uint8Array(columns.length);
  let kept = 0;
  for (let e = 0; e < columns.length; e++) {
    if (wanted[columns.types[e]!]) {
      keepRow[e] = 1;
      kept++;
    }
  }
  const { basketOf, count } = assignBaskets(columns, keepRow, gapMs);
  const rows = new Int32Array(kept);
  const items = new Int32Array(kept);
  let k = 0;
  for (let e = 0; e < columns.length; e++) {
    if (!keepRow[e]) continue;
    rows[k] = basketOf[e]!;
    items[k++] = columns.items[e]!;
  }
  return csrFromCoo(count, numItems, rows, items, null);
}

function multiItemBaskets(m: CsrMatrix): number {
  let n = 0;
  for (let r = 0; r < m.rows; r++) if (m.indptr[r + 1]! - m.indptr[r]! >= 2) n++;
  return n;
}

/**
 * Builds baskets from `columns` (rows sorted by user then time and cut at session gaps; see
 * `assignBaskets`) and keeps, for every item, the items most often found in the same basket.
 * Deterministic: equal scores rank the lower item index first.
 */
export function fitCoOccurrence(
  columns: InteractionColumns,
  options: CoOccurrenceOptions = {},
): CoOccurrenceModel {
  const o = { ...DEFAULT_CO_OCCURRENCE_OPTIONS, ...options };
  if (!(o.sessionGapMs > 0)) {
    throw new OptionError(
      `sessionGapMs must be a positive number of milliseconds, or Infinity for one basket per user (got ${o.sessionGapMs}).`,
    );
  }
  requireInRange('neighbors', o.neighbors, 1, 2 ** 31 - 1, true);
  requireInRange('minSupport', o.minSupport, 1, 2 ** 31 - 1, true);
  requireInRange('shrinkage', o.shrinkage, 0, 1e9, false);
  if (options.types !== undefined) {
    if (options.types.length === 0) {
      throw new OptionError(
        'types must list at least one event type code; omit it for the default.',
      );
    }
    for (const code of options.types) {
      requireInRange('types[]', code, 0, EVENT_TYPES.length - 1, true);
    }
  }
  const numItems = resolveNumItems(columns, options.numItems);

  let typesUsed = options.types ?? INTENT_TYPES;
  let baskets = basketMatrix(columns, typesUsed, o.sessionGapMs, numItems);
  if (options.types === undefined && multiItemBaskets(baskets) < MIN_INTENT_BASKETS) {
    typesUsed = ALL_BUT_DISMISS;
    baskets = basketMatrix(columns, typesUsed, o.sessionGapMs, numItems);
  }
  const { neighbors, support } = cosineNeighbors(baskets, {
    neighbors: o.neighbors,
    shrinkage: o.shrinkage,
    alpha: 0.5,
    minSupport: o.minSupport,
  });
  return {
    kind: 'co-occurrence',
    numItems,
    neighbors,
    support,
    basketCount: baskets.rows,
    typesUsed: [...typesUsed],
  };
}
