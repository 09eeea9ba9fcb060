import type { Rng } from '../random';

/** One hour and one day in milliseconds. */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Relative shopping activity per hour of day (UTC): quiet nights, a lunch bump, an evening peak. */
const HOUR_WEIGHTS = [
  0.35, 0.2, 0.12, 0.08, 0.07, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0, 1.05, 1.15, 1.1, 1.0, 0.95, 0.95,
  1.05, 1.25, 1.5, 1.65, 1.55, 1.15, 0.7,
];

/** Relative activity per day of week, Sunday first: weekends are busier. */
const WEEKDAY_WEIGHTS = [1.25, 0.9, 0.92, 0.95, 1.0, 1.05, 1.3];

/** Samples session start times with a daily and weekly rhythm and slow growth over the window. */
export interface ActivityRhythm {
  readonly startTime: number;
  readonly endTime: number;
  /** A session start in [startTime, endTime), in whole seconds. */
  sample(rng: Rng): number;
}

/** Rhythm over the `days` days before `endTime` (ms since epoch). */
export function createActivityRhythm(endTime: number, days: number): ActivityRhythm {
  const startTime = endTime - days * DAY_MS;
  const slots = days * 24;
  const cdf = new Float64Array(slots);
  let total = 0;
  for (let s = 0; s < slots; s++) {
    const slotStart = startTime + s * HOUR_MS;
    const hour = Math.floor(slotStart / HOUR_MS) % 24;
    // 1 Jan 1970 was a Thursday (weekday 4).
    const weekday = (Math.floor(slotStart / DAY_MS) + 4) % 7;
    const growth = 1 + (0.3 * s) / slots;
    total += HOUR_WEIGHTS[(hour + 24) % 24]! * WEEKDAY_WEIGHTS[(weekday + 7) % 7]! * growth;
    cdf[s] = total;
  }
  return {
    startTime,
    endTime,
    sample(rng) {
      const u = rng.next() * total;
      let lo = 0;
      let hi = slots - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cdf[mid]! > u) hi = mid;
        else lo = mid + 1;
      }
      const t = startTime + lo * HOUR_MS + Math.floor(rng.next() * 3600) * 1000;
      return Math.min(t, endTime - 1000);
    },
  };
}
