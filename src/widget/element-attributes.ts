import { OptionError } from '../core/errors';
import type { RowQuery } from './row-query';
import { MAX_ROW_LIMIT } from './row-query';
import { DEFAULT_HEADINGS } from './row-text';
import { WIDGET_ROW_TYPES, type Consent, type WidgetRowType } from './widget-types';

/** Attributes `<hearth-recs>` reacts to (each documented in docs/reference/widget.md; a test checks). */
export const ELEMENT_ATTRIBUTES = [
  'type',
  'item-id',
  'limit',
  'model-src',
  'catalog-src',
  'consent',
  'explain',
  'heading',
  'image-base',
  'item-href',
  'currency',
  'locale',
] as const;

/** Items per row without a `limit` attribute. */
export const DEFAULT_LIMIT = 8;

/** Everything an element's attributes say, checked. */
export interface ElementSettings {
  readonly query: RowQuery;
  readonly heading: string;
  readonly modelSrc?: string;
  readonly catalogSrc?: string;
  /** Absent when the element has no `consent` attribute (it then leaves the page's consent alone). */
  readonly consent?: Consent;
  /** Card link template; `{id}` is replaced by the URL-encoded item id. */
  readonly itemHref?: string;
  readonly currency?: string;
  readonly locale?: string;
}

/** Settings plus non-fatal problems (bad values replaced by defaults), to report once. */
export interface ReadSettings {
  readonly settings: ElementSettings;
  readonly problems: readonly string[];
}

/**
 * Reads and checks an element's attributes. Bad optional values fall back to their defaults and are
 * listed in `problems`; an unknown `type` cannot be guessed and throws.
 *
 * @throws OptionError for an unknown `type`.
 */
export function readElementSettings(get: (name: string) => string | null): ReadSettings {
  const problems: string[] = [];
  const rawType = (get('type') ?? 'for-you').trim();
  if (!(WIDGET_ROW_TYPES as readonly string[]).includes(rawType)) {
    throw new OptionError(
      `<hearth-recs type="${rawType}">: type must be one of ${WIDGET_ROW_TYPES.join(', ')}.`,
    );
  }
  const type = rawType as WidgetRowType;
  let limit = DEFAULT_LIMIT;
  const rawLimit = get('limit');
  if (rawLimit !== null) {
    const n = Number(rawLimit);
    if (Number.isInteger(n) && n >= 1 && n <= MAX_ROW_LIMIT) limit = n;
    else {
      problems.push(
        `<hearth-recs limit="${rawLimit}">: limit must be an integer from 1 to ${MAX_ROW_LIMIT}; showing ${DEFAULT_LIMIT}.`,
      );
    }
  }
  const itemIds = (get('item-id') ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  const explainAttr = get('explain');
  const text = (name: string): string | undefined => {
    const v = get(name)?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const imageBase = text('image-base');
  const consentAttr = get('consent');
  const optional = {
    modelSrc: text('model-src'),
    catalogSrc: text('catalog-src'),
    itemHref: text('item-href'),
    currency: text('currency'),
    locale: text('locale'),
  };
  return {
    settings: {
      query: {
        type,
        itemIds,
        limit,
        explain: explainAttr !== null && explainAttr !== 'false',
        ...(imageBase !== undefined && { imageBase }),
      },
      heading: text('heading') ?? DEFAULT_HEADINGS[type],
      ...(consentAttr !== null && {
        consent: consentAttr.trim() === 'granted' ? 'granted' : 'denied',
      }),
      ...(Object.fromEntries(
        Object.entries(optional).filter(([, v]) => v !== undefined),
      ) as Partial<Record<keyof typeof optional, string>>),
    },
    problems,
  };
}

/** The card link for an item from an `item-href` template, or undefined without a template. */
export function itemHref(template: string | undefined, itemId: string): string | undefined {
  return template?.split('{id}').join(encodeURIComponent(itemId));
}
