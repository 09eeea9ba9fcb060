import type { Rng } from '../random';
import type { ProductTraits } from './catalog-generator';
import { DEMO_LEAVES } from './category-tree';
import { DEMO_STYLES } from './product-traits';
import {
  personaLeafInterest,
  personaStyleWeights,
  SHOPPER_PERSONAS,
  type ShopperPersona,
} from './shopper-personas';

/** What one simulated shopper likes: drawn once per shopper, before any session. */
export interface ShopperTaste {
  /** Cumulative interest per subcategory, in `DEMO_LEAVES` order (length = leaves). */
  readonly leafCdf: Float64Array;
  /** Weight per style, in `DEMO_STYLES` order. */
  readonly styleWeight: Float64Array;
  /** Price sensitivity: positive prefers the cheaper products of a subcategory. */
  readonly beta: number;
  /** Department index of a favourite brand, or -1. */
  readonly favouriteDepartment: number;
  /** Brand index (in that department) of a favourite brand, or -1. */
  readonly favouriteBrand: number;
}

/** Draws shopper tastes: one or two personas mixed, with personal quirks. */
export interface TastePopulation {
  /** The next shopper's taste (consumes `rng` exactly as the shopper simulation does). */
  drawTaste(rng: Rng): ShopperTaste;
}

/** How much more a shopper likes products of a favourite brand. */
const FAVOURITE_BRAND_BOOST = 2.5;

/**
 * The population the demo shoppers are drawn from: each mixes one or two of `personas` (which
 * subcategories they browse, which styles they like, how price-sensitive they are) with personal
 * quirks and, for 40%, a favourite brand.
 */
export function createTastePopulation(
  personas: readonly ShopperPersona[] = SHOPPER_PERSONAS,
): TastePopulation {
  const leaves = DEMO_LEAVES.length;
  const styles = DEMO_STYLES.length;
  const interest = personaLeafInterest(personas);
  const styleOf = personaStyleWeights(personas);
  const shareCdf = new Float64Array(personas.length);
  let total = 0;
  personas.forEach((p, k) => (shareCdf[k] = total += p.share));
  const drawPersona = (rng: Rng): number => {
    const u = rng.next() * total;
    let k = 0;
    while (k < personas.length - 1 && shareCdf[k]! <= u) k++;
    return k;
  };
  return {
    drawTaste(rng) {
      const main = drawPersona(rng);
      let second = -1;
      let mix = 0;
      if (rng.next() < 0.45) {
        second = drawPersona(rng);
        mix = second === main ? 0 : 0.25 + 0.35 * rng.next();
      }
      const leafCdf = new Float64Array(leaves);
      let cumulative = 0;
      for (let l = 0; l < leaves; l++) {
        let w = interest[main * leaves + l]!;
        if (mix > 0) w += mix * interest[second * leaves + l]!;
        // Personal quirks: some subcategories matter more or less to this shopper than to the persona.
        cumulative += (0.03 + w) * Math.exp(0.8 * rng.normal());
        leafCdf[l] = cumulative;
      }
      const styleWeight = new Float64Array(styles);
      for (let s = 0; s < styles; s++) {
        let w = styleOf[main * styles + s]!;
        if (mix > 0) w += mix * styleOf[second * styles + s]!;
        styleWeight[s] = (0.3 + w) * Math.exp(0.3 * rng.normal());
      }
      const persona = personas[main]!;
      const secondPersona = second >= 0 ? personas[second]! : persona;
      const beta =
        (persona.priceSensitivity + mix * secondPersona.priceSensitivity) / (1 + mix) +
        0.35 * rng.normal();
      let favouriteDepartment = -1;
      let favouriteBrand = -1;
      if (rng.next() < 0.4) {
        const leaf = DEMO_LEAVES[sampleCdf(leafCdf, rng)]!;
        favouriteDepartment = leaf.departmentIndex;
        favouriteBrand = rng.int(leaf.department.brands.length);
      }
      return { leafCdf, styleWeight, beta, favouriteDepartment, favouriteBrand };
    },
  };
}

/** Department index of every product of a catalog (for {@link productAffinity}). */
export function productDepartments(traits: ProductTraits): Uint8Array {
  return Uint8Array.from(traits.leaf, (leaf) => DEMO_LEAVES[leaf]!.departmentIndex);
}

/**
 * How much a shopper likes product `i` for itself (its appeal, style, price and brand; not yet
 * whether the shopper cares for its subcategory): the weight sessions view, click and cart by.
 */
export function productAffinity(
  traits: ProductTraits,
  departments: Uint8Array,
  taste: ShopperTaste,
  i: number,
): number {
  let w =
    traits.appeal[i]! *
    taste.styleWeight[traits.style[i]!]! *
    Math.exp(-taste.beta * traits.priceZ[i]!);
  if (departments[i] === taste.favouriteDepartment && traits.brand[i] === taste.favouriteBrand)
    w *= FAVOURITE_BRAND_BOOST;
  return w;
}

/**
 * Chance that a shopper who looks at a product clicks it, given how much they like it relative to
 * the best of what they compare it with (`relative` in [0, 1]).
 */
export function clickChance(relative: number): number {
  return 0.15 + 0.55 * relative;
}

/** Chance that a shopper who clicked a product adds it to the cart (`relative` as for clicks). */
export function cartChance(relative: number): number {
  return 0.12 + 0.3 * relative;
}

/** Chance that a session with a filled cart checks out. */
export const CHECKOUT_CHANCE = 0.6;
/** Chance that a carted product is still in the cart at checkout (bought). */
export const KEEP_CHANCE = 0.9;

/** Index drawn from cumulative weights. */
export function sampleCdf(cdf: Float64Array, rng: Rng): number {
  const u = rng.next() * cdf[cdf.length - 1]!;
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid]! > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
