import { OptionError } from '../core/errors';
import type { RowRequest, RowResult, RowSource } from '../core/serve/row-types';
import type { RecommendedRow, RowExperiment } from '../worker/recommender-types';
import { resolveItemUrl, type DisplayCatalog } from './display-catalog';
import type { RecommendedItem, WidgetRowType } from './widget-types';

/**
 * Where a row falls back to. `true`: the engine's own chain (a for-you row shows trending and
 * popular items until the visitor has history). `false`: only the row's own source; fallback
 * items count as no items. `'trending'` / `'popular'`: that row when this one is empty.
 */
export type RowFallback = boolean | 'trending' | 'popular';

/** What one widget row asks for. */
export interface RowQuery {
  readonly type: WidgetRowType;
  /** Anchor items: `similar` uses the first, `bought-together` all of them. */
  readonly itemIds: readonly string[];
  /** Items to show (integer ≥ 1). */
  readonly limit: number;
  /** Ask for reasons ("because you viewed X"). */
  readonly explain: boolean;
  /** Items scoring below this are dropped (score units depend on the row source). */
  readonly threshold?: number;
  readonly fallback?: RowFallback;
  /** Base for relative image URLs, itself relative to the catalog file (default: the catalog file). */
  readonly imageBase?: string;
}

/** A rendered-ready row. */
export interface RowView {
  readonly type: WidgetRowType;
  readonly source: RowSource;
  readonly items: readonly RecommendedItem[];
  /**
   * The experiment arm the row was served under, when the device is in one: a `holdout` row has
   * no items and renders nothing, but its place still counts as an exposure when seen.
   */
  readonly experiment?: RowExperiment | undefined;
}

/** Most items one row may ask for. */
export const MAX_ROW_LIMIT = 50;

/** The minimal runtime surface a row needs (see `WidgetRuntime`). */
export interface RowRuntime {
  recommend(request: RowRequest): Promise<RecommendedRow>;
  catalog(): Promise<DisplayCatalog>;
}

/**
 * The engine request for a widget row: out-of-stock items are never shown, and explanations are
 * computed only when asked for.
 *
 * @throws OptionError when `similar` / `bought-together` lack anchor items, or `limit` is not an
 *   integer in [1, {@link MAX_ROW_LIMIT}].
 */
export function rowRequest(query: RowQuery): RowRequest {
  const { type, itemIds, limit } = query;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ROW_LIMIT) {
    throw new OptionError(`limit must be an integer from 1 to ${MAX_ROW_LIMIT} (got ${limit}).`);
  }
  const common = {
    k: limit,
    maxReasons: query.explain ? 1 : 0,
    filters: { inStockOnly: true },
  };
  switch (type) {
    case 'for-you':
      return { ...common, type, history: [] };
    case 'similar':
    case 'bought-together': {
      const anchors = itemIds.filter((id) => id !== '');
      if (anchors.length === 0) {
        throw new OptionError(
          `A ${type} row needs the item it is about: set item-id (objectIDs in React)${type === 'bought-together' ? ', comma-separated for a basket' : ''}.`,
        );
      }
      return type === 'similar'
        ? { ...common, type, itemId: anchors[0]! }
        : { ...common, type, itemIds: anchors };
    }
    case 'trending':
    case 'popular':
      return { ...common, type };
  }
}

/** Whether a source is a fallback (the row's own source had too little data). */
export const isFallbackSource = (source: RowSource): boolean =>
  source === 'none' || source.startsWith('fallback-');

/** Turns engine items into display items: titles, prices, images and reasons from the catalog. */
export function toRecommendedItems(
  result: RowResult,
  catalog: DisplayCatalog,
  query: Pick<RowQuery, 'threshold' | 'imageBase'>,
): RecommendedItem[] {
  const base = resolveItemUrl(query.imageBase, catalog.baseUrl) ?? catalog.baseUrl;
  const out: RecommendedItem[] = [];
  for (const ranked of result.items) {
    if (query.threshold !== undefined && !(ranked.score >= query.threshold)) continue;
    const shown = catalog.get(ranked.id);
    const imageUrl = resolveItemUrl(shown?.imageUrl, base);
    const url = resolveItemUrl(shown?.url, catalog.baseUrl);
    out.push({
      id: ranked.id,
      title: shown?.title ?? ranked.id,
      ...(shown?.price !== undefined && { price: shown.price }),
      ...(imageUrl !== undefined && { imageUrl }),
      ...(url !== undefined && { url }),
      rank: out.length + 1,
      score: ranked.score,
      source: result.source,
      reasons: ranked.reasons.map((r) => ({
        itemId: r.itemId,
        title: catalog.get(r.itemId)?.title ?? r.itemId,
        weight: r.weight,
      })),
    });
  }
  return out;
}

/**
 * Fetches one row: the engine row, then the `fallback` rule, then `threshold`, with display data
 * from the catalog, and the experiment arm it was served under (a holdout row stays empty: the
 * device serves every row of a holdout arm empty, fallbacks included). Rejects with the engine's error (bad anchors, no model, worker
 * failure).
 */
export async function fetchRow(runtime: RowRuntime, query: RowQuery): Promise<RowView> {
  const request = rowRequest(query);
  const [result, catalog] = await Promise.all([runtime.recommend(request), runtime.catalog()]);
  const fallback = query.fallback ?? true;
  let row: RowResult = result;
  if (fallback === false && isFallbackSource(result.source)) {
    row = { ...result, source: 'none', items: [] };
  } else if (typeof fallback === 'string' && result.items.length === 0) {
    const other = await runtime.recommend(rowRequest({ ...query, type: fallback }));
    row =
      other.items.length > 0
        ? { ...other, source: `fallback-${fallback === 'popular' ? 'popularity' : 'trending'}` }
        : result;
  }
  await catalog.load?.(row.items.flatMap((r) => [r.id, ...r.reasons.map((x) => x.itemId)]));
  const items = toRecommendedItems(row, catalog, query);
  return { type: query.type, source: row.source, items, experiment: result.experiment };
}
