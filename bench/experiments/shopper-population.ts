/**
 * Simulated shoppers as experiment visitors: the demo shop's history trains the models the arms
 * serve, a second population of demo shoppers (same catalog, another seed) are the visitors, and
 * each visitor's row under each arm is what the runtime would serve for its own pre-period history
 * (`createBundleRecommender` under `serveUnderArm`, the worker's arm logic).
 */
import { createBundleRecommender } from '../../src/core/bundle/bundle-recommender';
import type { ModelBundle } from '../../src/core/bundle/model-bundle';
import { trainModelBundle } from '../../src/core/bundle/train-bundle';
import type { RowRecommender } from '../../src/core/serve/row-recommender';
import { EVENT_TYPES, eventTypeCode } from '../../src/core/data/types';
import {
  createShopperChoice,
  DEFAULT_END_TIME,
  eventsToDataset,
  generateDemoData,
  runShoppers,
  type DemoCatalog,
  type DemoEvents,
  type RowChances,
  type ShopperTaste,
} from '../../src/core/demo-data/index';
import type { ExperimentDefinition } from '../../src/core/experiments/index';
import { createRng } from '../../src/core/random';
import type { HistoryEvent } from '../../src/core/serve/row-types';
import { deviceArmSettings } from '../../src/federated/experiment-device-rules';
import { serveUnderArm } from '../../src/worker/experiment-rows';
import type { OrganicOutcome, VisitorOutcomes } from './shopper-outcomes';

const DAY_MS = 86_400_000;
const CART = eventTypeCode('cart');
const PURCHASE = eventTypeCode('purchase');
/** Events of a visitor's history a for-you row folds in (the runtime's live-profile default). */
const PROFILE_EVENTS = 500;

/** Options of {@link buildShopperPopulation}. */
export interface ShopperPopulationOptions {
  /** The experiment: its arms' settings decide each visitor's rows. */
  readonly definition: ExperimentDefinition;
  /** Seed of the demo shop (catalog and the history models train on). Default 7. */
  readonly shopSeed?: number;
  /** Shoppers of the demo shop's history. Default 3,000 (the demo's). */
  readonly shopShoppers?: number;
  /** Simulated visitor shoppers (only those who visit during the experiment are kept). */
  readonly visitors: number;
  /** Seed of the visitor population (not the shop's). */
  readonly visitorSeed: number;
  /** Length of the experiment window and of the CUPED pre-period before it, in days. Default 14. */
  readonly experimentDays?: number;
  /** Products per row. Default 8. */
  readonly rowSize?: number;
  /** Tune the model as `hearth-recs train` does (default true), at most this many trials. */
  readonly tune?: boolean;
  readonly maxTrials?: number;
  /**
   * Models of arms with a `modelUrl` setting, by that URL: trained on the same history with these
   * options instead (e.g. `{ tune: false }`: the library's defaults, as the demo's variant arm).
   */
  readonly variantModels?: Readonly<Record<string, { readonly tune: boolean }>>;
}

/** A visitor population with rows per arm, and what it was built from. */
export interface ShopperPopulation extends VisitorOutcomes {
  readonly catalog: DemoCatalog;
  /** The bundle of arms without a `modelUrl`. */
  readonly bundle: ModelBundle;
  /** Visitors without any event before the experiment (their rows are fallbacks). */
  readonly newVisitors: number;
  /** Milliseconds spent training the bundle, and simulating the visitors and serving their rows. */
  readonly trainMs: number;
  readonly rowsMs: number;
}

interface VisitorLog {
  readonly taste: ShopperTaste;
  /** Events before the experiment with their time (sessions come out of time order). */
  readonly history: { readonly event: HistoryEvent; readonly at: number }[];
  cart: number;
  revenue: number;
  preCart: number;
  preRevenue: number;
  visits: boolean;
}

/** The shop's events before `before` as a training dataset. */
function historyBefore(events: DemoEvents, before: number): ReturnType<typeof eventsToDataset> {
  const { columns } = events;
  let length = 0;
  while (length < columns.length && columns.timestamps[length]! < before) length++;
  return eventsToDataset({
    ...events,
    columns: {
      length,
      users: columns.users.subarray(0, length),
      items: columns.items.subarray(0, length),
      types: columns.types.subarray(0, length),
      values: columns.values.subarray(0, length),
      timestamps: columns.timestamps.subarray(0, length),
    },
  });
}

/** Simulates the visitor shoppers and splits their events at the experiment start. */
function simulateVisitors(
  catalog: DemoCatalog,
  options: ShopperPopulationOptions,
  start: number,
  preStart: number,
): VisitorLog[] {
  const logs: VisitorLog[] = [];
  const prices = catalog.items.map((item) => item.price ?? 0);
  runShoppers(
    {
      catalog,
      seed: options.visitorSeed,
      shoppers: options.visitors,
      endTime: DEFAULT_END_TIME,
      onShopper: (_user, taste) =>
        logs.push({
          taste,
          history: [],
          cart: 0,
          revenue: 0,
          preCart: 0,
          preRevenue: 0,
          visits: false,
        }),
    },
    {
      push(user, item, type, _value, timestamp) {
        const log = logs[user]!;
        if (timestamp >= start) {
          log.visits = true;
          if (type === CART) log.cart = 1;
          if (type === PURCHASE) log.revenue += prices[item]!;
          return;
        }
        log.history.push({
          event: { itemId: catalog.items[item]!.id, type: EVENT_TYPES[type]! },
          at: timestamp,
        });
        if (timestamp < preStart) return;
        if (type === CART) log.preCart = 1;
        if (type === PURCHASE) log.preRevenue += prices[item]!;
      },
    },
  );
  return logs.filter((log) => log.visits);
}

/**
 * Builds the population: trains the shop's bundle on its history before the experiment, simulates
 * the visitors, and asks each visitor (by `createShopperChoice`) about the row each arm shows it.
 */
export async function buildShopperPopulation(
  options: ShopperPopulationOptions,
): Promise<ShopperPopulation> {
  const days = options.experimentDays ?? 14;
  const rowSize = options.rowSize ?? 8;
  const start = DEFAULT_END_TIME - days * DAY_MS;
  const shop = generateDemoData({
    seed: options.shopSeed ?? 7,
    ...(options.shopShoppers !== undefined && { shoppers: options.shopShoppers }),
  });
  const { catalog } = shop;
  const trainStart = performance.now();
  const dataset = historyBefore(shop.events, start);
  const train = (tune: boolean): Promise<ModelBundle> =>
    trainModelBundle({
      dataset,
      catalog: catalog.items,
      tune,
      // A trial count instead of the default time budget, so the tuned model does not depend on
      // how busy the machine is.
      ...(options.maxTrials !== undefined && {
        maxTrials: options.maxTrials,
        tuneBudgetMs: 3_600_000,
      }),
      mf: { seed: 1 },
    });
  const bundle = await train(options.tune ?? true);
  const recommenders = new Map<string, RowRecommender>([
    ['', createBundleRecommender({ bundle, catalog: catalog.items })],
  ]);
  for (const [url, variant] of Object.entries(options.variantModels ?? {})) {
    const variantBundle = await train(variant.tune);
    recommenders.set(
      url,
      createBundleRecommender({ bundle: variantBundle, catalog: catalog.items }),
    );
  }
  const trainMs = performance.now() - trainStart;
  const rowsStart = performance.now();
  const catalogIndex = new Map(catalog.items.map((item, i) => [item.id, i]));
  const logs = simulateVisitors(catalog, options, start, start - days * DAY_MS);
  const choice = createShopperChoice({ catalog });
  const { definition } = options;
  const settings = deviceArmSettings(definition);
  const random = createRng(options.visitorSeed ^ 0x20f);
  // Arms with the same settings show the same rows (an A/A test): compute them once.
  const histories = logs.map((log) =>
    log.history
      .map((entry, order) => ({ ...entry, order }))
      .sort((x, y) => x.at - y.at || x.order - y.order)
      .slice(-PROFILE_EVENTS)
      .map((entry) => entry.event),
  );
  const bySettings = new Map<string, RowChances[]>();
  const rows = settings.map((armSettings, a) => {
    const key = JSON.stringify(armSettings);
    const known = bySettings.get(key);
    if (known !== undefined) return known;
    const recommender = recommenders.get(armSettings.modelUrl ?? '');
    if (recommender === undefined) {
      throw new Error(`No variant model for arm ${a}'s modelUrl "${armSettings.modelUrl}".`);
    }
    const experiment = {
      experimentId: definition.id,
      armId: definition.arms[a]!.id,
      holdout: armSettings.holdout,
    };
    const armRows = logs.map((log, v) => {
      const row = serveUnderArm(
        { type: 'for-you', history: histories[v]!, k: rowSize, maxReasons: 0 },
        armSettings,
        experiment,
        (request) => recommender.recommend(request),
        random.next,
      );
      return choice.rowChances(
        log.taste,
        row.items.map((item) => catalogIndex.get(item.id)!),
      );
    });
    bySettings.set(key, armRows);
    return armRows;
  });
  const organic: OrganicOutcome[] = logs.map((log) => ({
    cart: log.cart,
    revenue: log.revenue,
    preCart: log.preCart,
    preRevenue: log.preRevenue,
  }));
  return {
    catalog,
    bundle,
    organic,
    rows,
    newVisitors: logs.filter((log) => log.history.length === 0).length,
    trainMs,
    rowsMs: performance.now() - rowsStart,
  };
}
