import type { RowSource } from '../core/serve/row-types';

/** Tag name the script-tag entry defines. */
export const HEARTH_RECS_TAG = 'hearth-recs';

/** Row kinds the widget renders, in the order merchants know them. */
export const WIDGET_ROW_TYPES = [
  'for-you',
  'similar',
  'bought-together',
  'trending',
  'popular',
] as const;

/** One of {@link WIDGET_ROW_TYPES}. */
export type WidgetRowType = (typeof WIDGET_ROW_TYPES)[number];

/**
 * Storage consent of the page. `granted`: tracked events are stored on the device (IndexedDB)
 * and personalise later visits. `denied` (the default): events live in page memory only and are
 * gone on reload.
 */
export type Consent = 'granted' | 'denied';

/** What the widget shows about one catalog item (read from the catalog file). */
export interface DisplayItem {
  readonly id: string;
  readonly title: string;
  readonly price?: number;
  /** As written in the catalog: absolute, or relative to the catalog file (or `image-base`). */
  readonly imageUrl?: string;
  /** Product page, when the catalog has one (`url` or `link`). */
  readonly url?: string;
}

/** Why an item was recommended: a history or anchor item and its share of the evidence. */
export interface ItemReason {
  readonly itemId: string;
  /** The reason item's title (its id when the catalog does not know it). */
  readonly title: string;
  /** Share in (0, 1] of the evidence. */
  readonly weight: number;
}

/** One recommended item, ready to render. */
export interface RecommendedItem {
  readonly id: string;
  readonly title: string;
  readonly price?: number;
  /** Image URL resolved to an absolute address (only http(s), data and blob URLs are kept). */
  readonly imageUrl?: string;
  readonly url?: string;
  /** Position in the row, from 1. */
  readonly rank: number;
  /** The row source's relevance score (units depend on the source). */
  readonly score: number;
  /** What produced the row this item is in. */
  readonly source: RowSource;
  /** Strongest first; empty unless explanations were asked for (or for popularity rows). */
  readonly reasons: readonly ItemReason[];
}

/** `detail` of the `hearth-click` and `hearth-impression` events. */
export interface HearthItemEventDetail {
  readonly itemId: string;
  /** The row type. */
  readonly type: WidgetRowType;
  /** Position in the row, from 1. */
  readonly rank: number;
  readonly source: RowSource;
}

/**
 * A set-up mistake the widget can see but a visitor should not: logged once to the console and
 * shown to the page as `data-problem` (and in `hearth-render` / `useRecommendations`).
 * `no-model`: the page names no model file (`model-src` / `modelSrc`) and the device has no model
 * of its own, so rows can only hold catalog fallbacks, or nothing.
 */
export interface WidgetSetupProblem {
  readonly code: 'no-model';
  /** What is wrong and how to fix it, for the developer. */
  readonly message: string;
}
