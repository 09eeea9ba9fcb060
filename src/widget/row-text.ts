import type { WidgetRowType } from './widget-types';

/** Heading of each row type unless `heading` / `translations.title` says otherwise. */
export const DEFAULT_HEADINGS: Readonly<Record<WidgetRowType, string>> = {
  'for-you': 'Recommended for you',
  similar: 'Similar items',
  'bought-together': 'Frequently bought together',
  trending: 'Trending now',
  popular: 'Popular right now',
};

/** Reason line of each row type; `{title}` is replaced by the reason item's title. */
export const DEFAULT_REASONS: Readonly<Record<WidgetRowType, string>> = {
  'for-you': 'Because you viewed {title}',
  similar: 'Similar to {title}',
  'bought-together': 'Often bought with {title}',
  trending: 'Trending with {title}',
  popular: 'Popular with {title}',
};

/** Shown when a row has nothing to show (or failed). */
export const DEFAULT_EMPTY_TEXT = 'No recommendations right now.';

/** Fills `{title}` in a reason template. */
export const formatReason = (template: string, title: string): string =>
  template.split('{title}').join(title);

const priceFormats = new Map<string, Intl.NumberFormat>();

/**
 * Formats a price: as currency when `currency` (ISO 4217, e.g. `EUR`) is given, else with two
 * decimals. An unknown currency or locale falls back to the plain number instead of throwing.
 */
export function formatPrice(price: number, currency?: string, locale?: string): string {
  const key = `${locale ?? ''}|${currency ?? ''}`;
  let format = priceFormats.get(key);
  if (!format) {
    try {
      format = new Intl.NumberFormat(
        locale,
        currency
          ? { style: 'currency', currency }
          : { minimumFractionDigits: 2, maximumFractionDigits: 2 },
      );
    } catch {
      format = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2 });
    }
    priceFormats.set(key, format);
  }
  return format.format(price);
}
