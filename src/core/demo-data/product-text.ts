import type { Rng } from '../random';
import type { DemoLeaf } from './category-tree';
import type { DemoStyle } from './product-traits';

/** Title adjectives of each style. */
export const STYLE_ADJECTIVES: Readonly<Record<DemoStyle, readonly string[]>> = {
  classic: ['Classic', 'Heritage', 'Traditional', 'Timeless', 'Everyday', 'Original'],
  modern: ['Modern', 'Nova', 'Urban', 'Flux', 'Studio', 'Metro'],
  minimalist: ['Essential', 'Pure', 'Slim', 'Simple', 'Nordic', 'Clean-Line'],
  rugged: ['Rugged', 'Trailproof', 'All-Weather', 'Expedition', 'Stormproof', 'Tough'],
  playful: ['Happy', 'Bright', 'Jolly', 'Pop', 'Sunny', 'Rainbow'],
  luxe: ['Signature', 'Premium', 'Artisan', 'Reserve', 'Grand', 'Atelier'],
  sporty: ['Pro', 'Active', 'Swift', 'Aero', 'Motion', 'Sprint'],
};

const BOOK_ADJECTIVES: Readonly<Record<string, readonly string[]>> = {
  Fiction: ['Silent', 'Hidden', 'Last', 'Lost', 'Midnight', 'Secret', 'Forgotten', 'Distant'],
  'Non-fiction': ['Everyday', 'Simple', 'Modern', 'Complete', 'Wild', 'Essential', 'Curious'],
  Children: ['Sleepy', 'Brave', 'Busy', 'Giggly', 'Tiny', 'Hungry', 'Happy', 'Clever'],
};

const FIRST_NAMES = [
  'Ada',
  'Ben',
  'Clara',
  'Dev',
  'Elif',
  'Felix',
  'Grace',
  'Hugo',
  'Ines',
  'Jonah',
  'Kiri',
  'Lena',
  'Marco',
  'Nadia',
  'Omar',
  'Priya',
  'Rosa',
  'Sam',
  'Tomas',
  'Yuki',
];
const LAST_NAMES = [
  'Abbott',
  'Brennan',
  'Castillo',
  'Dalton',
  'Eriksen',
  'Fairweather',
  'Greer',
  'Hollis',
  'Iyer',
  'Kowalski',
  'Lindqvist',
  'Moreau',
  'Nakamura',
  'Okafor',
  'Pryce',
  'Quinlan',
  'Rahman',
  'Sutherland',
  'Thorne',
  'Vasquez',
];

/** What one product is made of, before it is written out as text. */
export interface ProductFacts {
  readonly leaf: DemoLeaf;
  readonly brand: string;
  readonly style: DemoStyle;
  readonly colour: string;
  readonly material: string;
  /** Product noun (for books: the noun of the title). */
  readonly noun: string;
  /** Use cases of the product, first one the main. */
  readonly useCases: readonly string[];
  readonly feature: string;
  /** Books only. */
  readonly author?: string;
}

/** The text of one product. */
export interface ProductText {
  readonly title: string;
  readonly description: string;
}

/** Picks one entry of a non-empty list. */
export function pick<T>(list: readonly T[], rng: Rng): T {
  return list[rng.int(list.length)]!;
}

/** A fictional author name. */
export function authorName(rng: Rng): string {
  return `${pick(FIRST_NAMES, rng)} ${pick(LAST_NAMES, rng)}`;
}

/**
 * Lower-cases the capitalised words of a title noun for use inside a sentence, keeping acronyms
 * and single capitals ("USB-C Charger" → "USB-C charger", "T-Shirt" → "T-shirt").
 */
export function inSentence(text: string): string {
  return text.replace(/[A-Za-z][A-Za-z']*/g, (word) =>
    /^[A-Z][a-z']+$/.test(word) && !PROPER_WORDS.has(word) ? word.toLowerCase() : word,
  );
}

/** Words that keep their capital inside a sentence. */
const PROPER_WORDS = new Set(['Bluetooth', 'Chelsea', 'Adirondack', 'Dutch', 'French', 'Moka']);

/** `Brand's`, or `Brands'` for a name ending in s. */
function possessive(name: string): string {
  return name.endsWith('s') ? `${name}'` : `${name}'s`;
}

/** Whether a product noun names several things ("Hiking Boots", "Loppers"). */
export function isPlural(noun: string): boolean {
  return /[^s]s$/.test(noun);
}

/** The phrase with `a`/`an`, or alone when `plural` ("hiking boots"). */
function withArticle(phrase: string, plural = false): string {
  if (plural) return phrase;
  return `${/^[aeiou]/i.test(phrase) ? 'an' : 'a'} ${phrase}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Writes a product title (brand + adjective + noun; books get a book title) and a description. */
export function productText(facts: ProductFacts, rng: Rng): ProductText {
  const kind = facts.leaf.subcategory.bookKind;
  if (kind !== undefined) return bookText(facts, kind, rng);
  const adjective = pick(STYLE_ADJECTIVES[facts.style], rng);
  const title = `${facts.brand} ${adjective} ${facts.noun}`;
  const noun = inSentence(facts.noun);
  const plural = isPlural(facts.noun);
  const opening = [
    `${capitalise(withArticle(`${adjective.toLowerCase()} ${noun}`, plural))} from ${facts.brand}, made from ${facts.material} in ${facts.colour}.`,
    `${possessive(facts.brand)} ${noun} in ${facts.colour}, crafted from ${facts.material} with a ${facts.style} look.`,
    `${plural ? 'These' : 'This'} ${facts.colour} ${noun} by ${facts.brand} ${plural ? 'pair' : 'pairs'} ${facts.material} with a ${facts.style} design.`,
  ];
  const sentences = [pick(opening, rng)];
  if (rng.next() < 0.8) {
    sentences.push(
      pick(['Great for', 'Made for', 'A smart pick for', 'Built for'], rng) +
        ` ${facts.useCases[0]!}.`,
    );
  }
  if (rng.next() < 0.6) {
    sentences.push(
      `${pick(['Features', 'Comes with', 'Highlights include'], rng)} ${facts.feature}.`,
    );
  }
  return { title, description: sentences.join(' ') };
}

function bookText(facts: ProductFacts, kind: string, rng: Rng): ProductText {
  const adjectives = BOOK_ADJECTIVES[facts.leaf.category.name] ?? BOOK_ADJECTIVES['Fiction']!;
  const adjective = pick(adjectives, rng);
  const title =
    facts.leaf.category.name === 'Non-fiction'
      ? `${adjective} ${facts.noun}`
      : `The ${adjective} ${facts.noun}`;
  const author = facts.author ?? 'an anonymous author';
  const sentences = [
    `${capitalise(withArticle(kind))} by ${author}, published by ${facts.brand} in ${facts.material}.`,
  ];
  if (rng.next() < 0.8) sentences.push(`Perfect for ${facts.useCases[0]!}.`);
  if (rng.next() < 0.6) sentences.push(`Includes ${facts.feature}.`);
  return { title, description: sentences.join(' ') };
}

/** Lower-case, de-duplicated tags: material, colour, style, use cases and any extras. */
export function productTags(facts: ProductFacts, extras: readonly string[]): string[] {
  const kind = facts.leaf.subcategory.bookKind;
  const tags = [
    facts.material,
    facts.colour,
    facts.style,
    ...(kind === undefined ? [] : [kind]),
    ...facts.useCases,
    ...extras,
  ].map((tag) => tag.toLowerCase());
  return [...new Set(tags)];
}
