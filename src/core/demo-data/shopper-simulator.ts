import {
  InteractionLogBuilder,
  type InteractionColumns,
  type InteractionDataset,
} from '../data/interaction-log';
import { EVENT_TYPES, eventTypeCode, type Interaction } from '../data/types';
import { Vocabulary } from '../data/vocabulary';
import { requireInRange } from '../models/option-checks';
import type { Rng } from '../random';
import { createActivityRhythm, DAY_MS } from './activity-rhythm';
import type { CatalogShape, DemoCatalog } from './catalog-generator';
import { complementNeighbours, DEMO_LEAVES } from './category-tree';
import { SEED_STREAMS, streamRng } from './demo-seeds';
import { createShelves, type Shelves } from './shopper-shelves';
import {
  cartChance,
  CHECKOUT_CHANCE,
  clickChance,
  createTastePopulation,
  KEEP_CHANCE,
  productAffinity,
  productDepartments,
  sampleCdf,
  type ShopperTaste,
} from './shopper-taste';

/** Number of simulated shoppers when none is given. */
export const DEFAULT_SHOPPER_COUNT = 3000;
/** Days of history when none is given. */
export const DEFAULT_HISTORY_DAYS = 90;
/** End of the simulated history when none is given: 2026-11-01T00:00:00Z (fixed, for reproducible files). */
export const DEFAULT_END_TIME = Date.UTC(2026, 10, 1);
/** Trending products when none is given. */
export const DEFAULT_TRENDING_COUNT = 6;

/** Days before the end during which trending products spike. */
const TREND_DAYS = 7;
/** Products on the store's front page (the best liked in stock). */
const FEATURED_COUNT = 48;
/** Share of sessions that start from the front page instead of a subcategory. */
const FEATURED_SHARE = 0.12;

/** Options of {@link simulateShoppers}. */
export interface ShopperSimulationOptions {
  readonly catalog: DemoCatalog;
  /** Integer seed; default the catalog's. */
  readonly seed?: number;
  /** Shoppers to simulate. Default {@link DEFAULT_SHOPPER_COUNT}. */
  readonly shoppers?: number;
  /** Days of history. Default {@link DEFAULT_HISTORY_DAYS}. */
  readonly days?: number;
  /** End of history in ms since epoch (rounded down to a second). Default {@link DEFAULT_END_TIME}. */
  readonly endTime?: number;
  /** Products that spike in the last week. Default {@link DEFAULT_TRENDING_COUNT}. */
  readonly trending?: number;
  /**
   * Called with each shopper's taste as it is drawn, before the shopper's sessions (for asking
   * later what that shopper would do with a shown row: see `createShopperChoice`).
   */
  readonly onShopper?: (user: number, taste: ShopperTaste) => void;
}

/** Simulated shopper events, time-ordered, in columns. */
export interface DemoEvents {
  /** Shopper ids `u0001`, …; `columns.users` index into it. */
  readonly userIds: readonly string[];
  /** Catalog ids in catalog order; `columns.items` index into it. */
  readonly itemIds: readonly string[];
  /** One row per event, sorted by time; `values` are NaN. */
  readonly columns: InteractionColumns;
  /** Catalog indices of the products that trend in the last week. */
  readonly trending: Int32Array;
  /** First and last instant of the simulated window (ms since epoch). */
  readonly startTime: number;
  readonly endTime: number;
}

const VIEW = eventTypeCode('view');
const CLICK = eventTypeCode('click');
const CART = eventTypeCode('cart');
const PURCHASE = eventTypeCode('purchase');

/**
 * Simulates a shopper population on a demo catalog. Each shopper mixes one or two personas (which
 * subcategories they browse, which styles they like, how price-sensitive they are) with personal
 * quirks and a possible favourite brand. Their sessions, spread over the window with a daily and
 * weekly rhythm, browse a subcategory (views → clicks → carts), sometimes a second one, and follow
 * complement links (tent → sleeping bag) before checking out (purchases). In the last week a few
 * trending products draw extra sessions. The same options give the same events.
 *
 * @throws OptionError when an option is out of range.
 */
export function simulateShoppers(options: ShopperSimulationOptions): DemoEvents {
  const { catalog } = options;
  const shoppers = options.shoppers ?? DEFAULT_SHOPPER_COUNT;
  requireInRange('shoppers', shoppers, 1, 1_000_000, true);
  const builder = new InteractionLogBuilder();
  const run = runShoppers({ ...options, shoppers }, builder);
  const idWidth = Math.max(4, String(shoppers).length);
  return {
    userIds: Array.from({ length: shoppers }, (_, u) => shopperId(u, idWidth)),
    itemIds: catalog.items.map((item) => item.id),
    columns: sortByTime(builder.build()),
    trending: run.trending,
    startTime: run.startTime,
    endTime: run.endTime,
  };
}

/** Shopper `u`'s id: `u` and its 1-based number, zero-padded to `width` digits. */
export function shopperId(u: number, width: number): string {
  return `u${String(u + 1).padStart(width, '0')}`;
}

/** What simulated events go to: one call per event, in generation order (values are NaN). */
export interface EventSink {
  push(user: number, item: number, type: number, value: number, timestamp: number): void;
}

/** Options of {@link runShoppers}: a simulation's settings without the catalog's products. */
export interface ShopperRunOptions extends Omit<ShopperSimulationOptions, 'catalog'> {
  readonly catalog: CatalogShape;
  /** Stop once this many events were sent (the last shopper's later events are dropped). */
  readonly maxEvents?: number;
  /**
   * Show at most this many products of a subcategory per browse, a page of its listing ranked by
   * appeal (see `createShelves`); default: the whole subcategory, as the demo does.
   */
  readonly shelf?: number;
}

/** What {@link runShoppers} simulated. */
export interface ShopperRun {
  /** Shoppers simulated (ids 0 … shoppers − 1). */
  readonly shoppers: number;
  readonly events: number;
  readonly trending: Int32Array;
  readonly startTime: number;
  readonly endTime: number;
}

/**
 * The shopper simulation behind {@link simulateShoppers}, sending events to `sink` as they happen
 * (per shopper, each session in time order; not sorted across shoppers), so a caller can stream
 * them to disk. The same options give the same events.
 *
 * @throws OptionError when an option is out of range.
 */
export function runShoppers(options: ShopperRunOptions, sink: EventSink): ShopperRun {
  const { catalog } = options;
  const seed = options.seed ?? catalog.seed;
  const shoppers = options.shoppers ?? DEFAULT_SHOPPER_COUNT;
  const days = options.days ?? DEFAULT_HISTORY_DAYS;
  const endTime = Math.floor((options.endTime ?? DEFAULT_END_TIME) / 1000) * 1000;
  const trendingCount = options.trending ?? DEFAULT_TRENDING_COUNT;
  const maxEvents = options.maxEvents ?? Infinity;
  requireInRange('seed', seed, 0, 0x7fffffff, true);
  requireInRange('shoppers', shoppers, 1, 1_000_000_000, true);
  requireInRange('days', days, TREND_DAYS, 3650, true);
  requireInRange('endTime', endTime, days * DAY_MS, 8.64e15, true);
  requireInRange('trending', trendingCount, 0, 100, true);

  const rhythm = createActivityRhythm(endTime, days);
  const trendStart = endTime - TREND_DAYS * DAY_MS;
  const trending = pickTrending(catalog, trendingCount, streamRng(seed, SEED_STREAMS.trending));
  const isTrending = new Uint8Array(catalog.traits.leaf.length);
  for (const i of trending) isTrending[i] = 1;
  let events = 0;
  const counted: EventSink = {
    push(user, item, type, value, timestamp) {
      if (events >= maxEvents) return;
      events++;
      sink.push(user, item, type, value, timestamp);
    },
  };
  const shopperRng = streamRng(seed, SEED_STREAMS.shoppers);
  const sessionRng = streamRng(seed, SEED_STREAMS.sessions);
  const population = createTastePopulation();
  const shelves = options.shelf !== undefined ? createShelves(catalog, options.shelf) : null;
  const session = createSessionSimulator(
    catalog,
    isTrending,
    trendStart,
    endTime,
    counted,
    shelves,
  );

  let u = 0;
  for (; u < shoppers && events < maxEvents; u++) {
    const taste = population.drawTaste(shopperRng);
    options.onShopper?.(u, taste);
    const sessions = Math.min(60, 1 + Math.floor(Math.exp(1.45 + 0.8 * shopperRng.normal())));
    for (let s = 0; s < sessions; s++) {
      const start = rhythm.sample(sessionRng);
      const ramp = start >= trendStart ? (start - trendStart) / (TREND_DAYS * DAY_MS) : 0;
      let forced = -1;
      if (trending.length > 0 && ramp > 0 && sessionRng.next() < 0.1 + 0.3 * ramp) {
        forced = trending[sessionRng.int(trending.length)]!;
      }
      session.run(u, taste, start, forced, sessionRng);
    }
  }
  return { shoppers: u, events, trending, startTime: rhythm.startTime, endTime };
}

/** Simulates one session at a time, appending its events to `builder`. */
function createSessionSimulator(
  catalog: CatalogShape,
  isTrending: Uint8Array,
  trendStart: number,
  endTime: number,
  sink: EventSink,
  shelves: Shelves | null,
): { run(user: number, taste: ShopperTaste, start: number, forced: number, rng: Rng): void } {
  const { traits, itemsByLeaf } = catalog;
  // What a browse of a subcategory shows: all of it, or one page of its listing.
  const listing = (leaf: number, forced: number, rng: Rng): Int32Array =>
    shelves ? shelves.page(leaf, forced, rng) : itemsByLeaf[leaf]!;
  const complements = complementNeighbours();
  const featured = featuredProducts(catalog);
  const departmentOf = productDepartments(traits);
  const maxList = shelves
    ? Math.max(shelves.size, featured.length)
    : itemsByLeaf.reduce((m, list) => Math.max(m, list.length), featured.length);
  const weights = new Float64Array(maxList);
  const viewed = new Int32Array(maxList);
  const viewedWeight = new Float64Array(maxList);
  const carted: number[] = [];
  let t = 0;
  let ramp = 0;

  const emit = (user: number, item: number, type: number, rng: Rng): void => {
    // Sessions that start just before the end are cut at its last second.
    sink.push(user, item, type, NaN, Math.min(t, endTime - 1000));
    // Seconds between two actions: mostly short, now and then a long read.
    t += 1000 * (4 + Math.floor(-Math.log(1 - rng.next()) * 40));
  };

  /** Fills `weights` with how much the shopper likes each of `items` right now. */
  const score = (taste: ShopperTaste, items: Int32Array): void => {
    const trendBoost = 1 + 6 * ramp;
    for (let k = 0; k < items.length; k++) {
      const i = items[k]!;
      let w = productAffinity(traits, departmentOf, taste, i);
      if (isTrending[i]) w *= trendBoost;
      weights[k] = w;
    }
  };

  /** Draws up to `count` distinct products of `items` by preference; returns how many. */
  const drawViews = (items: Int32Array, count: number, forced: number, rng: Rng): number => {
    let n = 0;
    let maxWeight = 0;
    const take = (k: number): void => {
      viewed[n] = items[k]!;
      viewedWeight[n++] = weights[k]!;
      if (weights[k]! > maxWeight) maxWeight = weights[k]!;
      weights[k] = 0;
    };
    if (forced >= 0) take(items.indexOf(forced));
    while (n < count) {
      let total = 0;
      for (let k = 0; k < items.length; k++) total += weights[k]!;
      if (total <= 0) break;
      let u = rng.next() * total;
      let k = 0;
      while (k < items.length - 1 && (u -= weights[k]!) >= 0) k++;
      // Rounding can run past the last product still available; step back to it.
      while (weights[k] === 0) k--;
      take(k);
    }
    for (let v = 0; v < n; v++) viewedWeight[v] = viewedWeight[v]! / maxWeight;
    return n;
  };

  /** Browses a list (a subcategory, the front page): views, then clicks and carts the better ones. */
  const browse = (
    user: number,
    taste: ShopperTaste,
    items: Int32Array,
    forced: number,
    rng: Rng,
  ): void => {
    score(taste, items);
    const n = drawViews(items, Math.min(items.length, 2 + rng.int(5)), forced, rng);
    for (let v = 0; v < n; v++) {
      const item = viewed[v]!;
      const relative = viewedWeight[v]!;
      emit(user, item, VIEW, rng);
      if (rng.next() >= clickChance(relative)) continue;
      emit(user, item, CLICK, rng);
      if (rng.next() >= cartChance(relative)) continue;
      emit(user, item, CART, rng);
      carted.push(item);
    }
  };

  /** Looks at a complement subcategory and usually carts its best match. */
  const complement = (user: number, taste: ShopperTaste, leaf: number, rng: Rng): void => {
    const items = listing(leaf, -1, rng);
    score(taste, items);
    const n = drawViews(items, Math.min(items.length, 1 + rng.int(3)), -1, rng);
    let best = -1;
    for (let v = 0; v < n; v++) {
      emit(user, viewed[v]!, VIEW, rng);
      if (best < 0 || viewedWeight[v]! > viewedWeight[best]!) best = v;
    }
    if (best < 0 || rng.next() >= 0.8) return;
    emit(user, viewed[best]!, CLICK, rng);
    if (rng.next() >= 0.7) return;
    emit(user, viewed[best]!, CART, rng);
    carted.push(viewed[best]!);
  };

  return {
    run(user, taste, start, forced, rng) {
      t = start;
      ramp = start >= trendStart ? (start - trendStart) / (TREND_DAYS * DAY_MS) : 0;
      carted.length = 0;
      let first = featured;
      if (forced >= 0) first = listing(traits.leaf[forced]!, forced, rng);
      else if (rng.next() >= FEATURED_SHARE)
        first = listing(sampleCdf(taste.leafCdf, rng), -1, rng);
      browse(user, taste, first, forced, rng);
      if (rng.next() < 0.3)
        browse(user, taste, listing(sampleCdf(taste.leafCdf, rng), -1, rng), -1, rng);
      const links = carted.length > 0 ? complements[traits.leaf[carted[0]!]!]! : null;
      if (links !== null && links.length > 0 && rng.next() < 0.6) {
        complement(user, taste, links[rng.int(links.length)]!, rng);
      }
      if (carted.length === 0 || rng.next() >= CHECKOUT_CHANCE) return;
      // Products out of stock now could still be bought until shortly before the end.
      const lateCutoff = trendStart + 4 * DAY_MS;
      for (const item of carted) {
        if (rng.next() >= KEEP_CHANCE || (!traits.inStock[item] && t >= lateCutoff)) continue;
        emit(user, item, PURCHASE, rng);
      }
    },
  };
}

/** The front page: the best-liked products in stock (ties by catalog order). */
function featuredProducts(catalog: CatalogShape): Int32Array {
  const { appeal, inStock } = catalog.traits;
  const order: number[] = [];
  for (let i = 0; i < appeal.length; i++) if (inStock[i]) order.push(i);
  order.sort((a, b) => appeal[b]! - appeal[a]! || a - b);
  return Int32Array.from(order.slice(0, FEATURED_COUNT));
}

/** Trending products: well-liked, in stock, from different departments where possible. */
function pickTrending(catalog: CatalogShape, count: number, rng: Rng): Int32Array {
  const { traits } = catalog;
  const candidates: number[] = [];
  for (let i = 0; i < traits.leaf.length; i++) {
    if (traits.inStock[i] && traits.appeal[i]! > 1) candidates.push(i);
  }
  const picked: number[] = [];
  const usedDepartments = new Set<number>();
  for (let attempt = 0; picked.length < count && attempt < 50 * count; attempt++) {
    if (candidates.length === 0) break;
    const i = candidates[rng.int(candidates.length)]!;
    if (picked.includes(i)) continue;
    const department = DEMO_LEAVES[traits.leaf[i]!]!.departmentIndex;
    if (usedDepartments.has(department) && attempt < 10 * count) continue;
    usedDepartments.add(department);
    picked.push(i);
  }
  return Int32Array.from(picked);
}

/** Columns reordered by timestamp (ties keep generation order). */
function sortByTime(columns: InteractionColumns): InteractionColumns {
  const { length, timestamps } = columns;
  const order = new Uint32Array(length);
  for (let e = 0; e < length; e++) order[e] = e;
  order.sort((a, b) => timestamps[a]! - timestamps[b]! || a - b);
  const permute = <T extends Int32Array | Uint8Array | Float32Array | Float64Array>(src: T): T => {
    const out = src.slice() as T;
    for (let e = 0; e < length; e++) out[e] = src[order[e]!]!;
    return out;
  };
  return {
    length,
    users: permute(columns.users),
    items: permute(columns.items),
    types: permute(columns.types),
    values: permute(columns.values),
    timestamps: permute(columns.timestamps),
  };
}

/** The events as an engine dataset (vocabularies in shopper and catalog order). */
export function eventsToDataset(events: DemoEvents): InteractionDataset {
  return {
    userVocab: Vocabulary.from(events.userIds),
    itemVocab: Vocabulary.from(events.itemIds),
    columns: events.columns,
  };
}

/** The events as `Interaction` rows (one object per event: for UIs and small sets). */
export function eventsToInteractions(events: DemoEvents): Interaction[] {
  const { users, items, types, timestamps, length } = events.columns;
  const rows: Interaction[] = new Array<Interaction>(length);
  for (let e = 0; e < length; e++) {
    rows[e] = {
      userId: events.userIds[users[e]!]!,
      itemId: events.itemIds[items[e]!]!,
      type: EVENT_TYPES[types[e]!]!,
      timestamp: timestamps[e]!,
    };
  }
  return rows;
}
