import type { Item } from '../types';
import { parseNumber } from './field-spans';
import { parseBoolean } from './field-values';
import { quoteValue } from './import-report';
import { isJsonAbsent, jsonText } from './jsonl-parser';

/** Catalog fields, in the order column mapping claims them. */
export const CATALOG_FIELDS = [
  'id',
  'title',
  'description',
  'category',
  'tags',
  'price',
  'inStock',
  'imageUrl',
] as const;

/** One of {@link CATALOG_FIELDS}. */
export type CatalogField = (typeof CATALOG_FIELDS)[number];

/** Value of an extra column kept in `Item.attributes`. */
export type AttributeValue = string | number | boolean;

type MutableItem = { -readonly [K in keyof Item]: Item[K] };

/**
 * Builds an {@link Item} from raw field values (strings from CSV/TSV, JSON values from JSON
 * Lines), indexed like {@link CATALOG_FIELDS}; `labels` name each field in error messages.
 * Returns the rejection reason instead when a field is malformed.
 */
export function buildCatalogItem(
  values: readonly unknown[],
  labels: readonly string[],
  attributes: Readonly<Record<string, AttributeValue>> | null,
): Item | string {
  const [rawId, rawTitle, rawDescription, rawCategory, rawTags, rawPrice, rawInStock, rawImage] =
    values;
  const id = jsonText(rawId);
  if (id === null) return `${labels[0]!} must be a string or number`;
  if (id === undefined) return `empty ${labels[0]!}`;
  const item: MutableItem = { id };

  const texts: [unknown, 'title' | 'description' | 'imageUrl', number][] = [
    [rawTitle, 'title', 1],
    [rawDescription, 'description', 2],
    [rawImage, 'imageUrl', 7],
  ];
  for (const [raw, key, index] of texts) {
    const text = jsonText(raw);
    if (text === null) return `${labels[index]!} must be text`;
    if (text !== undefined) item[key] = text;
  }

  const category = toList(rawCategory, splitCategory);
  if (category === null) return `${labels[3]!} must be a path string or an array of strings`;
  if (category.length > 0) item.category = category;

  const tags = toList(rawTags, splitTags);
  if (tags === null) return `${labels[4]!} must be a string or an array of strings`;
  if (tags.length > 0) item.tags = [...new Set(tags)];

  if (!isJsonAbsent(rawPrice)) {
    const price =
      typeof rawPrice === 'string' ? parseNumber(stripCurrency(rawPrice)) : toFinite(rawPrice);
    if (Number.isNaN(price))
      return `${labels[5]!} is not a number: ${quoteValue(String(rawPrice))}`;
    item.price = price;
  }

  if (!isJsonAbsent(rawInStock)) {
    const inStock =
      typeof rawInStock === 'boolean'
        ? rawInStock
        : typeof rawInStock === 'string' || typeof rawInStock === 'number'
          ? parseBoolean(String(rawInStock))
          : null;
    if (inStock === null) {
      return `${labels[6]!} must be true/false, yes/no or 1/0, got ${quoteValue(String(rawInStock))}`;
    }
    item.inStock = inStock;
  }

  if (attributes !== null && Object.keys(attributes).length > 0) item.attributes = attributes;
  return item;
}

/**
 * An extra CSV/TSV column value for `attributes`: canonical numbers become numbers and
 * `true`/`false` booleans; anything else (e.g. `007`) stays text. Undefined when empty.
 */
export function textAttribute(text: string): AttributeValue | undefined {
  if (text === '') return undefined;
  if (text === 'true' || text === 'false') return text === 'true';
  const number = parseNumber(text);
  return !Number.isNaN(number) && String(number) === text ? number : text;
}

/** An extra JSON value for `attributes`: primitives kept, nested values as JSON text. */
export function jsonAttribute(value: unknown): AttributeValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  return JSON.stringify(value);
}

/** Splits a category path on ` > `, `|` or `/` (the first present, in that order). */
export function splitCategory(text: string): string[] {
  const separator = text.includes('>') ? '>' : text.includes('|') ? '|' : '/';
  return splitTrimmed(text, separator);
}

/** Splits a tag list on `;`, `|` or `,` (the first present, in that order). */
export function splitTags(text: string): string[] {
  const separator = text.includes(';') ? ';' : text.includes('|') ? '|' : ',';
  return splitTrimmed(text, separator);
}

function splitTrimmed(text: string, separator: string): string[] {
  return text
    .split(separator)
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** A string split by `split`, or the strings of an array; [] when absent; null when malformed. */
function toList(value: unknown, split: (text: string) => string[]): string[] | null {
  if (isJsonAbsent(value)) return [];
  if (typeof value === 'string') return split(value);
  if (typeof value === 'number') return [String(value)];
  if (!Array.isArray(value)) return null;
  const out: string[] = [];
  for (const entry of value as unknown[]) {
    const text = jsonText(entry);
    if (text === null) return null;
    if (text !== undefined) out.push(text);
  }
  return out;
}

function toFinite(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : NaN;
}

/** Drops a leading or trailing currency sign, as in `$12.50` or `12.50 €`. */
function stripCurrency(text: string): string {
  return text
    .trim()
    .replace(/^[$€£¥]\s*/, '')
    .replace(/\s*[$€£¥]$/, '');
}
