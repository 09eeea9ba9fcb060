/** Kinds of interaction Hearth understands. `dismiss` is negative feedback. */
export const EVENT_TYPES = ['view', 'click', 'cart', 'purchase', 'rating', 'dismiss'] as const;

/** One of {@link EVENT_TYPES}. */
export type EventType = (typeof EVENT_TYPES)[number];

/** Numeric code of an event type as stored in typed arrays (index into {@link EVENT_TYPES}). */
export function eventTypeCode(type: EventType): number {
  return EVENT_TYPES.indexOf(type);
}

/** A catalog item. Only `id` is required; the rest feeds filters, the content tower and the UI. */
export interface Item {
  /** Stable item id, unique in the catalog. */
  readonly id: string;
  readonly title?: string;
  readonly description?: string;
  /** Category path from root to leaf, e.g. `['Home', 'Kitchen', 'Knives']`. */
  readonly category?: readonly string[];
  readonly tags?: readonly string[];
  readonly price?: number;
  /** `false` excludes the item from recommendations when out-of-stock filtering is on. */
  readonly inStock?: boolean;
  readonly imageUrl?: string;
  /** Free-form attributes kept with the item (shown by UIs, usable in predicates). */
  readonly attributes?: Readonly<Record<string, string | number | boolean>>;
}

/** One user event on one item. */
export interface Interaction {
  readonly itemId: string;
  /** Needed only for multi-user training data; on a device the single visitor is implied. */
  readonly userId?: string;
  readonly type: EventType;
  /** Rating value or quantity; meaning depends on `type`. */
  readonly value?: number;
  /** Milliseconds since the Unix epoch. */
  readonly timestamp: number;
}

/** Weight of each event type when building the implicit-feedback matrix. `dismiss` ≤ 0 removes. */
export type EventWeights = Readonly<Record<EventType, number>>;

/** Default event weights: stronger intent weighs more; a dismissal cancels a view. */
export const DEFAULT_EVENT_WEIGHTS: EventWeights = Object.freeze({
  view: 1,
  click: 2,
  cart: 4,
  purchase: 8,
  rating: 1,
  dismiss: -4,
});
