import { DEMO_LEAVES, PATH_SEPARATOR } from './category-tree';
import { DEMO_STYLES, type DemoStyle } from './product-traits';

/** An archetype of demo shopper: what it browses, which styles it likes, how it reacts to price. */
export interface ShopperPersona {
  readonly name: string;
  /** Share of shoppers with this persona as their main one (shares sum to 1). */
  readonly share: number;
  /**
   * Interest per category path prefix (`Outdoor`, `Outdoor > Camping`, a full subcategory path):
   * a subcategory's interest is the sum over the prefixes it falls under.
   */
  readonly interests: Readonly<Record<string, number>>;
  readonly styles: Readonly<Partial<Record<DemoStyle, number>>>;
  /** Positive: prefers cheaper products of a subcategory; negative: pricier ones. */
  readonly priceSensitivity: number;
}

/** The personas shoppers are mixed from. */
export const SHOPPER_PERSONAS: readonly ShopperPersona[] = [
  {
    name: 'camper',
    share: 0.12,
    interests: {
      Outdoor: 3,
      'Outdoor > Camping': 3,
      'Outdoor > Hiking': 2,
      'Books > Non-fiction > Travel Guides': 1,
      'Fashion > Outerwear': 1,
      'Garden > Garden Furniture > Hammocks': 1,
    },
    styles: { rugged: 3, classic: 1, sporty: 1 },
    priceSensitivity: 0.4,
  },
  {
    name: 'home cook',
    share: 0.12,
    interests: {
      'Home > Kitchen': 6,
      'Books > Non-fiction > Cookbooks': 3,
      'Home > Decor': 1,
      'Garden > Plants & Pots > Seeds': 1,
    },
    styles: { classic: 2, luxe: 1, modern: 1 },
    priceSensitivity: 0.5,
  },
  {
    name: 'techie',
    share: 0.13,
    interests: {
      Electronics: 5,
      'Electronics > Computing': 2,
      'Books > Fiction > Science Fiction': 1.5,
      'Toys > Building > Model Kits': 0.5,
    },
    styles: { modern: 3, minimalist: 2 },
    priceSensitivity: 0.2,
  },
  {
    name: 'parent',
    share: 0.12,
    interests: {
      Toys: 5,
      'Books > Children': 4,
      'Fashion > Tops > T-Shirts': 1,
      'Home > Bedding': 1,
      'Sports > Cycling > Helmets': 1,
    },
    styles: { playful: 3, classic: 1 },
    priceSensitivity: 1.0,
  },
  {
    name: 'fashionista',
    share: 0.11,
    interests: { Fashion: 6, 'Home > Decor': 1, 'Home > Bath': 0.5 },
    styles: { luxe: 3, modern: 2, minimalist: 1 },
    priceSensitivity: -0.3,
  },
  {
    name: 'gardener',
    share: 0.09,
    interests: { Garden: 6, 'Books > Non-fiction > Gardening': 3, 'Home > Decor > Vases': 1 },
    styles: { classic: 3, rugged: 1 },
    priceSensitivity: 0.6,
  },
  {
    name: 'athlete',
    share: 0.11,
    interests: {
      Sports: 5,
      'Sports > Running': 2,
      'Electronics > Audio > Earbuds': 1.5,
      'Outdoor > Essentials > Water Bottles': 1,
      'Fashion > Footwear > Sneakers': 1,
    },
    styles: { sporty: 4, modern: 1 },
    priceSensitivity: 0.3,
  },
  {
    name: 'bookworm',
    share: 0.08,
    interests: {
      Books: 6,
      'Books > Fiction': 2,
      'Home > Decor > Candles': 1.5,
      'Home > Kitchen > Mugs': 1.5,
      'Home > Kitchen > Coffee Makers': 1,
    },
    styles: { classic: 2, minimalist: 1 },
    priceSensitivity: 0.8,
  },
  {
    name: 'photographer',
    share: 0.05,
    interests: {
      'Electronics > Photography': 7,
      'Outdoor > Hiking': 2,
      'Books > Non-fiction > Travel Guides': 2,
      'Electronics > Mobile': 1,
    },
    styles: { modern: 2, rugged: 1, minimalist: 1 },
    priceSensitivity: -0.1,
  },
  {
    name: 'nester',
    share: 0.07,
    interests: {
      Home: 5,
      'Home > Bedding': 2,
      'Home > Bath': 2,
      'Garden > Garden Furniture': 1.5,
      'Garden > Plants & Pots > Indoor Plants': 1.5,
    },
    styles: { minimalist: 2, classic: 2, luxe: 1 },
    priceSensitivity: 0.4,
  },
];

/** Interest of persona `p` in leaf `l` at `[p * DEMO_LEAVES.length + l]`. */
export function personaLeafInterest(personas: readonly ShopperPersona[]): Float64Array {
  const leaves = DEMO_LEAVES.length;
  const out = new Float64Array(personas.length * leaves);
  personas.forEach((persona, p) => {
    for (const [prefix, weight] of Object.entries(persona.interests)) {
      let matched = false;
      for (const leaf of DEMO_LEAVES) {
        if (leaf.key === prefix || leaf.key.startsWith(prefix + PATH_SEPARATOR)) {
          out[p * leaves + leaf.index]! += weight;
          matched = true;
        }
      }
      if (!matched) {
        throw new RangeError(`Persona "${persona.name}" names an unknown category "${prefix}".`);
      }
    }
  });
  return out;
}

/** Style weight of persona `p` for style `s` at `[p * DEMO_STYLES.length + s]`. */
export function personaStyleWeights(personas: readonly ShopperPersona[]): Float64Array {
  const out = new Float64Array(personas.length * DEMO_STYLES.length);
  personas.forEach((persona, p) => {
    DEMO_STYLES.forEach(
      (style, s) => (out[p * DEMO_STYLES.length + s] = persona.styles[style] ?? 0),
    );
  });
  return out;
}
