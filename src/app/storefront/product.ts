import type { Item } from '../../core/data/types';

/** A catalog item as the storefront shows it. */
export interface Product {
  readonly id: string;
  /** The title, or the id when the catalog has none. */
  readonly title: string;
  readonly description: string;
  readonly category: readonly string[];
  readonly tags: readonly string[];
  readonly price: number | undefined;
  /** Unknown stock counts as in stock (the engine's filters read it the same way). */
  readonly inStock: boolean;
  /** Absolute image URL, if any. */
  readonly image: string | undefined;
  readonly brand: string | undefined;
  readonly rating: number | undefined;
  readonly reviewCount: number | undefined;
}

const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;
const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

/** The storefront view of an item; `resolveImage` turns catalog image paths into URLs. */
export function toProduct(
  item: Item,
  resolveImage: (imageUrl: string | undefined) => string | undefined = () => undefined,
): Product {
  const a = item.attributes ?? {};
  return {
    id: item.id,
    title: text(item.title) ?? item.id,
    description: item.description ?? '',
    category: item.category ?? [],
    tags: item.tags ?? [],
    price: num(item.price),
    inStock: item.inStock !== false,
    image: resolveImage(item.imageUrl),
    brand: text(a['brand']),
    rating: num(a['rating']),
    reviewCount: num(a['reviewCount']),
  };
}

/** Products with an id index. */
export interface ProductIndex {
  readonly products: readonly Product[];
  readonly byId: ReadonlyMap<string, Product>;
}

/** Indexes products by id. */
export function indexProducts(products: readonly Product[]): ProductIndex {
  return { products, byId: new Map(products.map((p) => [p.id, p])) };
}
