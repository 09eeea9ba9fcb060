import type { Item } from '../core/data/types';
import { requireInRange } from '../core/models/option-checks';
import { shuffleInPlace, type Rng } from '../core/random';
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
  const seed = options.seed ?? DEFAULT_DEMO_SEED;
  const count = options.products ?? DEFAULT_PRODUCT_COUNT;
  requireInRange('seed', seed, 0, MAX_DEMO_SEED, true);
  requireInRange('products', count, DEMO_LEAVES.length, 999_999, true);
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
  const idWidth = Math.max(4, String(count).length);
  const titles = new Set<string>();
  const items: Item[] = [];
  for (let i = 0; i < count; i++) {
    const id = `p${String(i + 1).padStart(idWidth, '0')}`;
    items.push(makeProduct(id, i, DEMO_LEAVES[leafOrder[i]!]!, traits, titles, rng));
  }
  const byLeaf: number[][] = DEMO_LEAVES.map(() => []);
  for (let i = 0; i < count; i++) byLeaf[leafOrder[i]!]!.push(i);
  return { seed, items, traits, itemsByLeaf: byLeaf.map((list) => Int32Array.from(list)) };
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
  titles: Set<string>,
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

/** The title, or a variant with the colour (books: a series number) when it is taken. */
function uniqueTitle(title: string, facts: ProductFacts, taken: Set<string>): string {
  const isBook = facts.leaf.subcategory.bookKind !== undefined;
  const colour = facts.colour.replace(/\b[a-z]/g, (c) => c.toUpperCase());
  let candidate = isBook ? title : `${title}, ${colour}`;
  if (!taken.has(title)) candidate = title;
  for (let k = 2; taken.has(candidate); k++) {
    candidate = isBook ? `${title}: Book ${k}` : `${title} Mk ${k}, ${colour}`;
  }
  taken.add(candidate);
  return candidate;
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
