import type { Item } from '../data/types';
import { requireInRange } from '../models/option-checks';
import { shuffleInPlace, type Rng } from '../random';
import { DEMO_LEAVES, type DemoLeaf } from './category-tree';
import { SEED_STREAMS, streamRng } from './demo-seeds';
import { authorName, pick, productTags, productText, type ProductFacts } from './product-text';
import { DEFAULT_COLOURS, DEMO_STYLES, type DemoBrand } from './product-traits';

/** Seed of the demo data when none is given. */
export const DEFAULT_DEMO_SEED = 7;
/** Number of products of the demo catalog when none is given. */
export const DEFAULT_PRODUCT_COUNT = 2400;
/** Largest accepted seed (seeds are 31-bit integers). */
export const MAX_DEMO_SEED = 0x7fffffff;

/** Spread of log prices around a subcategory's median (log-normal sigma). */
const PRICE_SIGMA = 0.42;
const IN_STOCK_RATE = 0.92;

/** Options of {@link generateCatalog}. */
export interface CatalogOptions {
  /** Integer seed in [0, 2³¹ − 1]. Default {@link DEFAULT_DEMO_SEED}. */
  readonly seed?: number;
  /** Number of products, at least one per subcategory. Default {@link DEFAULT_PRODUCT_COUNT}. */
  readonly products?: number;
}

/** Hidden traits of every product (by catalog index), which the shopper simulator reacts to. */
export interface ProductTraits {
  /** Index into `DEMO_LEAVES`. */
  readonly leaf: Int32Array;
  /** Index into `DEMO_STYLES`. */
  readonly style: Uint8Array;
  /** Index into its department's `brands`. */
  readonly brand: Uint8Array;
  /** Log price relative to the subcategory median, in units of the price spread (≈ N(0, 1)). */
  readonly priceZ: Float32Array;
  /** Intrinsic attractiveness (log-normal, mean ≈ 1): how much everyone likes it. */
  readonly appeal: Float32Array;
  /** 1 when in stock. */
  readonly inStock: Uint8Array;
}

/** A generated catalog. */
export interface DemoCatalog {
  readonly seed: number;
  /** Products `p0001`, `p0002`, … in id order. */
  readonly items: readonly Item[];
  readonly traits: ProductTraits;
  /** Catalog indices of the products of each leaf of `DEMO_LEAVES`. */
  readonly itemsByLeaf: readonly Int32Array[];
}

/** What the shopper simulation needs of a catalog: its products' traits, not the products. */
export type CatalogShape = Pick<DemoCatalog, 'seed' | 'traits' | 'itemsByLeaf'>;

/** The largest catalog the generators make. */
export const MAX_PRODUCT_COUNT = 2_000_000;

/**
 * A catalog produced one product at a time: the traits and leaf lists are there from the start
 * (traits of a product are filled when it is produced), the products come from `products()` in id
 * order. Large catalogs are written out as they come instead of being held as objects.
 */
export interface CatalogStream {
  readonly seed: number;
  /** Number of products `products()` yields. */
  readonly count: number;
  readonly traits: ProductTraits;
  readonly itemsByLeaf: readonly Int32Array[];
  /** The products in id order; call once. */
  products(): Generator<Item, void, undefined>;
}

/**
 * Starts the demo catalog as a stream ({@link generateCatalog} collects it). The same seed and
 * size give the same products whether streamed or collected.
 *
 * @throws OptionError when `seed` or `products` is out of range.
 */
export function streamCatalog(options: CatalogOptions = {}): CatalogStream {
  const seed = options.seed ?? DEFAULT_DEMO_SEED;
  const count = options.products ?? DEFAULT_PRODUCT_COUNT;
  requireInRange('seed', seed, 0, MAX_DEMO_SEED, true);
  requireInRange('products', count, DEMO_LEAVES.length, MAX_PRODUCT_COUNT, true);
  const rng = streamRng(seed, SEED_STREAMS.catalog);
  const leafOrder = shuffleInPlace(allocateLeaves(count, rng), rng);
  const traits: ProductTraits = {
    leaf: leafOrder,
    style: new Uint8Array(count),
    brand: new Uint8Array(count),
    priceZ: new Float32Array(count),
    appeal: new Float32Array(count),
    inStock: new Uint8Array(count),
  };
  const byLeaf: number[][] = DEMO_LEAVES.map(() => []);
  for (let i = 0; i < count; i++) byLeaf[leafOrder[i]!]!.push(i);
  return {
    seed,
    count,
    traits,
    itemsByLeaf: byLeaf.map((list) => Int32Array.from(list)),
    *products() {
      const titles = createTitleRegistry();
      for (let i = 0; i < count; i++) {
        yield makeProduct(productId(i, count), i, DEMO_LEAVES[leafOrder[i]!]!, traits, titles, rng);
      }
    },
  };
}

/** Id of product `i` of a catalog of `count`: `p` and its 1-based number, zero-padded to ≥ 4 digits. */
export function productId(i: number, count: number): string {
  return `p${String(i + 1).padStart(Math.max(4, String(count).length), '0')}`;
}

/**
 * Generates the demo catalog: products spread over every subcategory of the demo tree, each with a
 * brand + adjective + noun title, a templated description, tags, a log-normal price around its
 * subcategory's median (brand tier shifts it), stock (≈ 92 %), an image path and attributes
 * (brand, colour, style, material, rating, reviewCount; author for books). The same seed and size
 * give the same catalog.
 *
 * @throws OptionError when `seed` or `products` is out of range.
 */
export function generateCatalog(options: CatalogOptions = {}): DemoCatalog {
  const stream = streamCatalog(options);
  const items = [...stream.products()];
  return { seed: stream.seed, items, traits: stream.traits, itemsByLeaf: stream.itemsByLeaf };
}

/** Leaf of each product: one per leaf, the rest spread by random leaf sizes (largest remainder). */
function allocateLeaves(count: number, rng: Rng): Int32Array {
  const leaves = DEMO_LEAVES.length;
  const weights = DEMO_LEAVES.map(() => 0.6 + 0.9 * rng.next());
  const total = weights.reduce((a, b) => a + b, 0);
  const spare = count - leaves;
  const sizes = weights.map((w) => 1 + Math.floor((spare * w) / total));
  let left = count - sizes.reduce((a, b) => a + b, 0);
  const byRemainder = weights
    .map((w, l) => ({ l, r: (spare * w) / total - Math.floor((spare * w) / total) }))
    .sort((a, b) => b.r - a.r || a.l - b.l);
  for (let k = 0; left > 0; k++, left--) sizes[byRemainder[k % leaves]!.l]!++;
  const out = new Int32Array(count);
  let n = 0;
  sizes.forEach((size, l) => {
    out.fill(l, n, n + size);
    n += size;
  });
  return out;
}

function makeProduct(
  id: string,
  index: number,
  leaf: DemoLeaf,
  traits: ProductTraits,
  titles: TitleRegistry,
  rng: Rng,
): Item {
  const { department, category, subcategory } = leaf;
  const brandIndex = pickBrand(department.brands, rng);
  const brand = department.brands[brandIndex]!;
  const style = rng.next() < 0.7 ? brand.style : pick(department.styles, rng);
  const quality = rng.normal();
  const z = 0.55 * brand.tier + 0.8 * rng.normal() + 0.2 * quality;
  const price = charmPrice(subcategory.price * Math.exp(PRICE_SIGMA * z));
  const inStock = rng.next() < IN_STOCK_RATE;

  traits.brand[index] = brandIndex;
  traits.style[index] = DEMO_STYLES.indexOf(style);
  traits.priceZ[index] = Math.log(price / subcategory.price) / PRICE_SIGMA;
  traits.appeal[index] = Math.exp(0.75 * quality);
  traits.inStock[index] = inStock ? 1 : 0;

  const useCases = shuffleInPlace(category.useCases.slice(), rng).slice(0, 1 + rng.int(2));
  const isBook = subcategory.bookKind !== undefined;
  const facts: ProductFacts = {
    leaf,
    brand: brand.name,
    style,
    colour: pick(subcategory.colours ?? DEFAULT_COLOURS, rng),
    material: pick(subcategory.materials ?? category.materials, rng),
    noun: pick(subcategory.nouns, rng),
    useCases,
    feature: pick(category.features, rng),
    ...(isBook ? { author: authorName(rng) } : {}),
  };
  const text = productText(facts, rng);
  const extras: string[] = [];
  if (quality > 1.3) extras.push('bestseller');
  if (rng.next() < 0.08) extras.push('new arrival');
  if (rng.next() < 0.1) extras.push('gift idea');
  if (/recycled|organic|peat-free|bamboo/.test(facts.material)) extras.push('eco-friendly');
  const rating = Math.round(10 * clamp(4.0 + 0.35 * quality + 0.2 * rng.normal(), 2.6, 5)) / 10;
  const reviewCount = Math.round(Math.exp(3.2 + 0.8 * quality + 0.7 * rng.normal()));
  return {
    id,
    title: uniqueTitle(text.title, facts, titles),
    description: text.description,
    category: [...leaf.path],
    tags: productTags(facts, extras),
    price,
    inStock,
    imageUrl: `images/${id}.svg`,
    attributes: {
      brand: brand.name,
      colour: facts.colour,
      style,
      material: facts.material,
      rating,
      reviewCount,
      ...(facts.author === undefined ? {} : { author: facts.author }),
    },
  };
}

/** Bigger brands first: brand b is picked with weight 1/√(b + 1). */
function pickBrand(brands: readonly DemoBrand[], rng: Rng): number {
  let total = 0;
  for (let b = 0; b < brands.length; b++) total += 1 / Math.sqrt(b + 1);
  let u = rng.next() * total;
  for (let b = 0; b < brands.length - 1; b++) {
    u -= 1 / Math.sqrt(b + 1);
    if (u < 0) return b;
  }
  return brands.length - 1;
}

/** Shop-style prices: 4.49 / 4.99 under 10, 44.99 under 100, 745.00 − 0.01 steps above. */
export function charmPrice(raw: number): number {
  let price: number;
  if (raw < 10) price = Math.max(0.99, Math.round(raw * 2) / 2 - 0.01);
  else if (raw < 100) price = Math.round(raw) - 0.01;
  else if (raw < 1000) price = Math.round(raw / 5) * 5 - 0.01;
  else price = Math.round(raw / 10) * 10 - 0.01;
  return Math.round(price * 100) / 100;
}

/** Titles already given, and per variant chain the last number it used. */
interface TitleRegistry {
  readonly taken: Set<string>;
  readonly lastVariant: Map<string, number>;
}

function createTitleRegistry(): TitleRegistry {
  return { taken: new Set(), lastVariant: new Map() };
}

/** The title, or a variant with the colour (books: a series number) when it is taken. */
function uniqueTitle(title: string, facts: ProductFacts, titles: TitleRegistry): string {
  const { taken, lastVariant } = titles;
  const isBook = facts.leaf.subcategory.bookKind !== undefined;
  const colour = facts.colour.replace(/\b[a-z]/g, (c) => c.toUpperCase());
  let candidate = isBook ? title : `${title}, ${colour}`;
  if (!taken.has(title)) candidate = title;
  if (taken.has(candidate)) {
    // Titles are only ever added, so the numbers a chain used before are still taken: start after
    // them (large catalogs repeat a title thousands of times).
    const chain = isBook ? title : `${title}\u0000${colour}`;
    let k = (lastVariant.get(chain) ?? 1) + 1;
    for (; ; k++) {
      candidate = isBook ? `${title}: Book ${k}` : `${title} Mk ${k}, ${colour}`;
      if (!taken.has(candidate)) break;
    }
    lastVariant.set(chain, k);
  }
  taken.add(candidate);
  return candidate;
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
