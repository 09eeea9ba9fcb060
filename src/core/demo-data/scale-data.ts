import { EVENT_TYPES, type EventType, type Item } from '../data/types';
import { requireInRange } from '../models/option-checks';
import {
  DEFAULT_DEMO_SEED,
  MAX_PRODUCT_COUNT,
  productId,
  streamCatalog,
} from './catalog-generator';
import { catalogToJsonl, EVENTS_CSV_HEADER, isoTimestamp } from './demo-files';
import { runShoppers, shopperId, type EventSink } from './shopper-simulator';

/** Version of the large-shop generator; bump it whenever the same options would give other files. */
export const SCALE_DATA_VERSION = '1.0.0';

/** Products per page of a subcategory listing in generated large shops. */
export const DEFAULT_SHELF_SIZE = 48;

/** Products per catalog chunk: a chunk's objects and text are all the catalog holds at once. */
const CATALOG_CHUNK = 4096;

/** Most events {@link generateScaleData} writes. */
export const MAX_SCALE_EVENTS = 1_000_000_000;

/** Options of {@link generateScaleData}. */
export interface ScaleDataOptions {
  /** Integer seed in [0, 2³¹ − 1]. Default {@link DEFAULT_DEMO_SEED}. */
  readonly seed?: number;
  /** Catalog size, from one product per subcategory to {@link MAX_PRODUCT_COUNT}. */
  readonly products: number;
  /** Events to simulate: shoppers are added until there are this many. */
  readonly events: number;
  /** Days of history (default 90). */
  readonly days?: number;
  /** End of history, ms since epoch (default the demo's fixed end). */
  readonly endTime?: number;
  /** Products a shopper sees of a subcategory per browse. Default {@link DEFAULT_SHELF_SIZE}. */
  readonly shelf?: number;
  /** Event lines per chunk handed to the sink (default 65,536; catalog chunks hold at most 4,096). */
  readonly chunkLines?: number;
}

/** Where {@link generateScaleData} sends its files, chunk by chunk (each ends with a newline). */
export interface ScaleDataSink {
  /** Catalog as JSON Lines (the demo's `catalog.jsonl` format, without images). */
  catalog(chunk: string): void;
  /** Events as CSV `user_id,item_id,event,timestamp` (Unix seconds), header first. */
  events(chunk: string): void;
}

/** What was generated, as written to `manifest.json`. */
export interface ScaleDataManifest {
  readonly generator: 'hearth-scale-data';
  readonly version: string;
  readonly seed: number;
  readonly products: number;
  readonly shoppers: number;
  readonly events: number;
  readonly eventsByType: Readonly<Partial<Record<EventType, number>>>;
  readonly shelf: number;
  /** ISO 8601 bounds of the event window. */
  readonly startTime: string;
  readonly endTime: string;
  /** Ids of the products that spike in the last week. */
  readonly trending: readonly string[];
}

/**
 * Generates a large shop — a catalog of up to two million products and a shopper event log of
 * any length — from the demo storefront's catalog generator and shopper simulation (same
 * departments, personas, sessions and trends), writing both through `sink` in chunks so memory
 * stays flat whatever the size: only per-product traits (about 15 bytes each) and the titles given
 * so far are held. Shoppers browse a page of a subcategory's listing ranked by appeal (deep pages
 * less often), which gives popularity the long tail of real shops. Events are grouped by shopper
 * (each session in time order), not sorted by time. Deterministic for given options.
 *
 * @throws OptionError when an option is out of range.
 */
export function generateScaleData(
  options: ScaleDataOptions,
  sink: ScaleDataSink,
): ScaleDataManifest {
  const seed = options.seed ?? DEFAULT_DEMO_SEED;
  const chunkLines = options.chunkLines ?? 65_536;
  const shelf = options.shelf ?? DEFAULT_SHELF_SIZE;
  requireInRange('events', options.events, 1, MAX_SCALE_EVENTS, true);
  requireInRange('products', options.products, 1, MAX_PRODUCT_COUNT, true);
  requireInRange('shelf', shelf, 1, 10_000, true);
  requireInRange('chunkLines', chunkLines, 1, 10_000_000, true);
  const catalog = streamCatalog({ seed, products: options.products });
  const itemId = (i: number): string => productId(i, catalog.count);
  let batch: Item[] = [];
  for (const product of catalog.products()) {
    const { imageUrl: _image, ...withoutImage } = product;
    batch.push(withoutImage);
    if (batch.length === Math.min(chunkLines, CATALOG_CHUNK)) {
      sink.catalog(catalogToJsonl(batch));
      batch = [];
    }
  }
  if (batch.length > 0) sink.catalog(catalogToJsonl(batch));

  // Shopper ids are padded for the expected number of shoppers (about 35 events each).
  const userWidth = Math.max(4, String(Math.ceil(options.events / 35)).length);
  const byType = new Float64Array(EVENT_TYPES.length);
  let lines: string[] = [EVENTS_CSV_HEADER];
  const events: EventSink = {
    push(user, item, type, _value, timestamp) {
      byType[type]!++;
      lines.push(
        `${shopperId(user, userWidth)},${itemId(item)},${EVENT_TYPES[type]!},${Math.floor(timestamp / 1000)}`,
      );
      if (lines.length >= chunkLines) {
        sink.events(`${lines.join('\n')}\n`);
        lines = [];
      }
    },
  };
  const run = runShoppers(
    {
      catalog,
      seed,
      // Every shopper makes at least one event.
      shoppers: options.events,
      maxEvents: options.events,
      shelf,
      ...(options.days !== undefined ? { days: options.days } : {}),
      ...(options.endTime !== undefined ? { endTime: options.endTime } : {}),
    },
    events,
  );
  if (lines.length > 0) sink.events(`${lines.join('\n')}\n`);
  const eventsByType: Partial<Record<EventType, number>> = {};
  EVENT_TYPES.forEach((type, code) => {
    if (byType[code]! > 0) eventsByType[type] = byType[code]!;
  });
  return {
    generator: 'hearth-scale-data',
    version: SCALE_DATA_VERSION,
    seed,
    products: catalog.count,
    shoppers: run.shoppers,
    events: run.events,
    eventsByType,
    shelf,
    startTime: isoTimestamp(run.startTime),
    endTime: isoTimestamp(run.endTime),
    trending: Array.from(run.trending, itemId),
  };
}
