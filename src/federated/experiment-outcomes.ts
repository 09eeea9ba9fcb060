/**
 * Outcome attribution on the device: which experiment metrics a visitor event moves, whether it
 * counts (after the first exposure, within the attribution window, before the stop), and the
 * CUPED pre-period values from the stored history. Browser-safe.
 */
import type { EventType } from '../core/data/types';
import { DataError } from '../core/errors';
import type { DeviceMetricId } from './experiment-device-rules';

/** Default attribution window: outcomes count up to 7 days after the latest exposure. */
export const DEFAULT_ATTRIBUTION_WINDOW_MS = 7 * 24 * 3600 * 1000;

/** Days of stored history before assignment that make the CUPED pre-period value. */
export const PRE_PERIOD_DAYS = 14;

/** A visitor event as outcome attribution reads it (a `track()` call or a stored interaction). */
export interface OutcomeEvent {
  readonly itemId: string;
  readonly type: EventType;
  /** Ms since epoch. */
  readonly timestamp: number;
  /** Quantity of a purchase (default 1). */
  readonly value?: number;
  /** `'row'`: a click on a recommendation card. */
  readonly via?: 'row';
  /** Amount of a purchase; default the catalog price × quantity (0 without a price). */
  readonly revenue?: number;
}

/**
 * How much `event` adds to each device metric (metrics it does not move are absent). `price`
 * gives the catalog price of an item (undefined when unknown).
 */
export function metricIncrements(
  event: OutcomeEvent,
  price: (itemId: string) => number | undefined,
): Partial<Record<DeviceMetricId, number>> {
  switch (event.type) {
    case 'view':
      return { view: 1 };
    case 'click':
      return event.via === 'row' ? { click: 1, 'row-click': 1 } : { click: 1 };
    case 'cart':
      return { 'add-to-cart': 1 };
    case 'purchase': {
      const amount = event.revenue ?? (price(event.itemId) ?? 0) * (event.value ?? 1);
      return { purchase: 1, revenue: amount };
    }
    default:
      return {};
  }
}

/** When one device's outcomes count for an experiment. */
export interface AttributionWindow {
  /** First exposure (ms), null before any: nothing counts yet. */
  readonly firstExposureAt: number | null;
  /** Latest exposure (ms). */
  readonly lastExposureAt: number | null;
  /** Outcomes count up to this long after the latest exposure. */
  readonly windowMs: number;
  /** The experiment's stop (ms), if any: nothing after it counts. */
  readonly stopAt?: number;
}

/**
 * Whether an outcome at `timestamp` counts: at or after the first exposure, at most `windowMs`
 * after the latest exposure, and before the stop.
 */
export function isAttributed(timestamp: number, w: AttributionWindow): boolean {
  if (w.firstExposureAt === null || w.lastExposureAt === null) return false;
  if (timestamp < w.firstExposureAt) return false;
  if (timestamp > w.lastExposureAt + w.windowMs) return false;
  return w.stopAt === undefined || timestamp < w.stopAt;
}

/**
 * CUPED pre-period values: each metric of `metricIds` summed over the events of the
 * {@link PRE_PERIOD_DAYS} days before `assignedAt`. Stored history does not keep `via` or
 * `revenue`, so `row-click` reads every click there and `revenue` the catalog price × quantity.
 */
export function prePeriodValues(
  metricIds: readonly string[],
  history: readonly OutcomeEvent[],
  assignedAt: number,
  price: (itemId: string) => number | undefined,
): Record<string, number> {
  const from = assignedAt - PRE_PERIOD_DAYS * 24 * 3600 * 1000;
  const totals: Record<string, number> = {};
  for (const id of metricIds) totals[id] = 0;
  for (const event of history) {
    if (event.timestamp < from || event.timestamp >= assignedAt) continue;
    const asRowClick: OutcomeEvent = event.type === 'click' ? { ...event, via: 'row' } : event;
    addIncrements(totals, metricIncrements(asRowClick, price));
  }
  return totals;
}

/** Adds `increments` into `totals`, only for the metric ids `totals` already holds. */
export function addIncrements(
  totals: Record<string, number>,
  increments: Partial<Record<string, number>>,
): void {
  for (const id of Object.keys(totals)) {
    const add = increments[id];
    if (add !== undefined) totals[id] = (totals[id] ?? 0) + add;
  }
}

/**
 * Throws `DataError` (`INVALID_ROW`) naming `via` or `revenue` when a tracked event's experiment
 * fields are unusable (`via` other than `'row'`, a negative or non-finite `revenue`).
 */
export function checkOutcomeFields(event: Pick<OutcomeEvent, 'via' | 'revenue'>): void {
  const where = `track(${JSON.stringify(event)})`;
  if (event.via !== undefined && event.via !== 'row') {
    throw new DataError('INVALID_ROW', `${where}: via must be "row" or omitted.`);
  }
  if (event.revenue !== undefined && !(Number.isFinite(event.revenue) && event.revenue >= 0)) {
    throw new DataError('INVALID_ROW', `${where}: revenue must be a number ≥ 0 or omitted.`);
  }
}
