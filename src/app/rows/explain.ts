import type { EventType } from '../../core/data/types';
import type { RankedItem } from '../../core/serve/rank-items';
import type { RowSource, RowType } from '../../core/serve/row-types';
import { formatPercent } from '../format';

/** What an explanation needs to know besides the item. */
export interface ExplanationContext {
  readonly source: RowSource;
  /** Display name of an item id (its title, else the id). */
  readonly titleOf: (id: string) => string;
  /** The visitor's strongest event on an item, if any ("because you *bought* X"). */
  readonly actionOf: (id: string) => EventType | undefined;
}

const ACTIONS: Record<EventType | 'unknown', (title: string) => string> = {
  view: (t) => `viewed ${t}`,
  click: (t) => `clicked on ${t}`,
  cart: (t) => `put ${t} in your cart`,
  purchase: (t) => `bought ${t}`,
  rating: (t) => `rated ${t}`,
  dismiss: (t) => `dismissed ${t}`,
  unknown: (t) => `looked at ${t}`,
};

/** Reason items named in an explanation; more are summarised as "and N more". */
const NAMED_REASONS = 2;

function reasonList(item: RankedItem, ctx: ExplanationContext, verbs: boolean): string {
  const named = item.reasons.slice(0, NAMED_REASONS).map((reason) => {
    const title = ctx.titleOf(reason.itemId);
    const phrase = verbs ? ACTIONS[ctx.actionOf(reason.itemId) ?? 'unknown'](title) : title;
    return item.reasons.length > 1 ? `${phrase} (${formatPercent(reason.weight)})` : phrase;
  });
  const more = item.reasons.length - named.length;
  return named.join(' and ') + (more > 0 ? ` and ${more} more` : '');
}

/**
 * The sentence that tells the visitor why an item is in a row, from the item's reasons (history or
 * anchor items, strongest first) and the row's source: "Because you viewed Aster Lamp",
 * "Often bought with Oak Desk", "Popular with shoppers".
 */
export function explainItem(item: RankedItem, ctx: ExplanationContext): string {
  if (item.reasons.length > 0) {
    switch (ctx.source) {
      case 'personal':
        return `Because you ${reasonList(item, ctx, true)}`;
      case 'similar':
      case 'fallback-similar':
        return `Similar to ${reasonList(item, ctx, false)}`;
      case 'fallback-category':
        return `Same category as ${reasonList(item, ctx, false)}`;
      case 'co-occurrence':
      case 'fallback-co-occurrence':
        return `Often bought with ${reasonList(item, ctx, false)}`;
      default:
        return `Related to ${reasonList(item, ctx, false)}`;
    }
  }
  switch (ctx.source) {
    case 'trending':
    case 'fallback-trending':
      return 'Trending with shoppers right now';
    case 'popularity':
    case 'fallback-popularity':
      return 'Popular with shoppers';
    case 'personal':
      return 'Matches the taste your events show';
    default:
      return 'Recommended for this page';
  }
}

const FALLBACK_WHAT: Partial<Record<RowSource, string>> = {
  'fallback-similar': 'items similar by their description',
  'fallback-co-occurrence': 'items bought together',
  'fallback-category': 'items from the same category',
  'fallback-trending': 'what is trending',
  'fallback-popularity': 'what is popular',
};

const PRIMARY: Record<RowType, string> = {
  'for-you': 'your history',
  similar: 'this item',
  'bought-together': 'these items',
  trending: 'trends',
  popular: 'popularity',
};

/** A short label of where a row's items came from ("Personalised on this device", "Fallback: …"). */
export function describeSource(type: RowType, source: RowSource): string {
  switch (source) {
    case 'personal':
      return 'Personalised on this device from your events';
    case 'similar':
      return 'Similar items, from learned item embeddings';
    case 'co-occurrence':
      return "From shoppers' baskets";
    case 'trending':
      return 'Trending: recent events weigh more';
    case 'popularity':
      return 'Most popular overall';
    case 'none':
      return 'Nothing to recommend yet';
    default:
      return `Fallback: not enough data about ${PRIMARY[type]} yet, showing ${FALLBACK_WHAT[source] ?? 'other items'}`;
  }
}

/** Whether a row source is a fallback (or nothing at all). */
export const isFallback = (source: RowSource): boolean =>
  source.startsWith('fallback-') || source === 'none';
