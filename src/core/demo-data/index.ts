/**
 * Hearth's built-in demo data: a seeded storefront generator (catalog, product images and a
 * simulated shopper population) in pure TypeScript, so that Node scripts and browsers produce the
 * same data from the same seed. No third-party dataset is involved.
 *
 * @example
 * const { catalog, events, manifest } = generateDemoData({ seed: 7 });
 * const svg = productSvg(catalog.items[0]!);
 *
 * @module
 */

import { EVENT_TYPES, type EventType } from '../data/types';
import { generateCatalog, DEFAULT_DEMO_SEED, type DemoCatalog } from './catalog-generator';
import { DEMO_LEAVES } from './category-tree';
import { DEMO_DEPARTMENTS } from './demo-departments';
import { isoTimestamp } from './demo-files';
import { simulateShoppers, type DemoEvents } from './shopper-simulator';

export {
  generateCatalog,
  streamCatalog,
  productId,
  charmPrice,
  DEFAULT_DEMO_SEED,
  DEFAULT_PRODUCT_COUNT,
  MAX_DEMO_SEED,
  MAX_PRODUCT_COUNT,
  type CatalogOptions,
  type CatalogShape,
  type CatalogStream,
  type DemoCatalog,
  type ProductTraits,
} from './catalog-generator';
export {
  DEMO_COMPLEMENTS,
  DEMO_LEAVES,
  PATH_SEPARATOR,
  complementNeighbours,
  findLeaf,
  listLeaves,
  type DemoLeaf,
} from './category-tree';
export {
  DEMO_DEPARTMENTS,
  type DemoCategorySpec,
  type DemoDepartmentSpec,
  type DemoSubcategorySpec,
} from './demo-departments';
export { catalogToJsonl, eventsToCsv, isoTimestamp, EVENTS_CSV_HEADER } from './demo-files';
export { productSvg, escapeXml, contrastShade } from './product-image';
export { PICTOGRAMS, drawPictogram, type PictogramPaint, type PictogramShape } from './pictograms';
export {
  DEMO_COLOURS,
  DEMO_STYLES,
  DEFAULT_COLOURS,
  colourHex,
  type BrandTier,
  type DemoBrand,
  type DemoColour,
  type DemoStyle,
} from './product-traits';
export { SHOPPER_PERSONAS, type ShopperPersona } from './shopper-personas';
export {
  generateScaleData,
  DEFAULT_SHELF_SIZE,
  MAX_SCALE_EVENTS,
  SCALE_DATA_VERSION,
  type ScaleDataManifest,
  type ScaleDataOptions,
  type ScaleDataSink,
} from './scale-data';
export { createShelves, type Shelves } from './shopper-shelves';
export {
  createTastePopulation,
  productAffinity,
  type ShopperTaste,
  type TastePopulation,
} from './shopper-taste';
export {
  createShopperChoice,
  ROW_ATTENTION,
  ROW_ATTENTION_DECAY,
  type RowChances,
  type ShopperChoice,
  type ShopperChoiceOptions,
} from './shopper-choice';
export {
  simulateShoppers,
  runShoppers,
  shopperId,
  eventsToDataset,
  eventsToInteractions,
  DEFAULT_END_TIME,
  DEFAULT_HISTORY_DAYS,
  DEFAULT_SHOPPER_COUNT,
  DEFAULT_TRENDING_COUNT,
  type DemoEvents,
  type EventSink,
  type ShopperRun,
  type ShopperRunOptions,
  type ShopperSimulationOptions,
} from './shopper-simulator';

/** Version of the generator; bump it whenever the same seed would give different data. */
export const DEMO_DATA_VERSION = '1.0.0';

/** Options of {@link generateDemoData}. */
export interface DemoDataOptions {
  /** Integer seed in [0, 2³¹ − 1]. Default {@link DEFAULT_DEMO_SEED}. */
  readonly seed?: number;
  /** Catalog size. Default {@link DEFAULT_PRODUCT_COUNT}. */
  readonly products?: number;
  /** Simulated shoppers. Default {@link DEFAULT_SHOPPER_COUNT}. */
  readonly shoppers?: number;
  /** Days of history. Default {@link DEFAULT_HISTORY_DAYS}. */
  readonly days?: number;
  /** End of history, ms since epoch. Default {@link DEFAULT_END_TIME} (fixed, for reproducible files). */
  readonly endTime?: number;
  /** Trending products. Default {@link DEFAULT_TRENDING_COUNT}. */
  readonly trending?: number;
}

/** What was generated, as written to `manifest.json`. */
export interface DemoManifest {
  readonly generator: 'hearth-demo-data';
  readonly version: string;
  readonly seed: number;
  readonly products: number;
  readonly productsInStock: number;
  readonly shoppers: number;
  readonly events: number;
  readonly eventsByType: Readonly<Partial<Record<EventType, number>>>;
  readonly departments: number;
  readonly categories: number;
  readonly subcategories: number;
  /** ISO 8601 bounds of the event window. */
  readonly startTime: string;
  readonly endTime: string;
  /** Ids of the products that spike in the last week. */
  readonly trending: readonly string[];
  readonly files: { readonly catalog: string; readonly events: string; readonly images: string };
}

/** A generated storefront. */
export interface DemoData {
  readonly catalog: DemoCatalog;
  readonly events: DemoEvents;
  readonly manifest: DemoManifest;
}

/**
 * Generates the whole demo storefront: catalog ({@link generateCatalog}) and shopper events
 * ({@link simulateShoppers}) from one seed, with their manifest. Deterministic for given options.
 *
 * @throws OptionError when an option is out of range.
 */
export function generateDemoData(options: DemoDataOptions = {}): DemoData {
  const seed = options.seed ?? DEFAULT_DEMO_SEED;
  const catalog = generateCatalog({
    seed,
    ...(options.products !== undefined ? { products: options.products } : {}),
  });
  const events = simulateShoppers({
    catalog,
    seed,
    ...(options.shoppers !== undefined ? { shoppers: options.shoppers } : {}),
    ...(options.days !== undefined ? { days: options.days } : {}),
    ...(options.endTime !== undefined ? { endTime: options.endTime } : {}),
    ...(options.trending !== undefined ? { trending: options.trending } : {}),
  });
  return { catalog, events, manifest: demoManifest(catalog, events) };
}

/** The manifest of a catalog and its events. */
export function demoManifest(catalog: DemoCatalog, events: DemoEvents): DemoManifest {
  const byType: Partial<Record<EventType, number>> = {};
  const { types, length } = events.columns;
  const counts = new Int32Array(EVENT_TYPES.length);
  for (let e = 0; e < length; e++) counts[types[e]!]!++;
  EVENT_TYPES.forEach((type, code) => {
    if (counts[code]! > 0) byType[type] = counts[code]!;
  });
  return {
    generator: 'hearth-demo-data',
    version: DEMO_DATA_VERSION,
    seed: catalog.seed,
    products: catalog.items.length,
    productsInStock: catalog.items.filter((item) => item.inStock).length,
    shoppers: events.userIds.length,
    events: length,
    eventsByType: byType,
    departments: DEMO_DEPARTMENTS.length,
    categories: DEMO_DEPARTMENTS.reduce((n, d) => n + d.categories.length, 0),
    subcategories: DEMO_LEAVES.length,
    startTime: isoTimestamp(events.startTime),
    endTime: isoTimestamp(events.endTime),
    trending: Array.from(events.trending, (i) => catalog.items[i]!.id),
    files: { catalog: 'catalog.jsonl', events: 'events.csv', images: 'images/' },
  };
}
