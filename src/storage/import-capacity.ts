import { DataError } from '../core/errors';
import { storageEstimate } from './quota';

/**
 * Bytes one stored event takes in IndexedDB: the 21 bytes of its columns (`BYTES_PER_ROW`) plus
 * an allowance for the database's own overhead and the id lists (an estimate, not a measurement).
 */
export const STORED_BYTES_PER_EVENT = 28;

/**
 * Peak memory per event of training on a stored log in the worker: the stored columns read back
 * and concatenated, the confidence matrix in both orientations, the parallel state's copies and
 * the slices' WebAssembly workspaces. Measured in headless Chromium (`npm run bench --
 * scale-browser`, whole-browser peak RSS): training on 10M events peaked 1.3 GB above training on
 * 1M, about 146 bytes per event, rounded up.
 */
export const TRAIN_BYTES_PER_EVENT = 150;

/** Share of the device's memory a tab may plan to use for one training run. */
export const MEMORY_SHARE = 0.25;

/** Budget when the browser tells nothing about memory (Firefox, Safari): 1 GiB. */
export const DEFAULT_MEMORY_BUDGET = 1 << 30;

/** What the device offers; each field null when the browser does not say. */
export interface DeviceLimits {
  /** Memory a training run may use, in bytes. */
  readonly memoryBytes: number | null;
  /** Free storage for this origin (`quota − usage`), in bytes. */
  readonly storageBytes: number | null;
  /** Where `memoryBytes` came from, for messages (e.g. "navigator.deviceMemory = 8 GB"). */
  readonly memorySource: string;
}

/** What a log needs on this device, and whether it fits. */
export interface ImportCapacity {
  /** Events expected after the import: already stored plus (estimated) new ones. */
  readonly events: number;
  readonly storeBytes: number;
  readonly trainBytes: number;
  readonly limits: DeviceLimits;
  /** The most events this device can store and train on (Infinity when nothing limits it). */
  readonly maxEvents: number;
  readonly fits: boolean;
}

/**
 * The device's limits: memory from `navigator.deviceMemory` (GB, a quarter of it), else
 * `performance.memory.jsHeapSizeLimit` (Chromium), else {@link DEFAULT_MEMORY_BUDGET}; free storage
 * from `navigator.storage.estimate()`. Works in windows and workers.
 */
export async function detectDeviceLimits(): Promise<DeviceLimits> {
  const nav = globalThis.navigator as { deviceMemory?: number } | undefined;
  const heap = (globalThis.performance as { memory?: { jsHeapSizeLimit?: number } } | undefined)
    ?.memory?.jsHeapSizeLimit;
  let memoryBytes: number;
  let memorySource: string;
  if (typeof nav?.deviceMemory === 'number' && nav.deviceMemory > 0) {
    memoryBytes = nav.deviceMemory * 2 ** 30 * MEMORY_SHARE;
    memorySource = `a quarter of navigator.deviceMemory = ${nav.deviceMemory} GB`;
  } else if (typeof heap === 'number' && heap > 0) {
    memoryBytes = heap;
    memorySource = `the JavaScript heap limit (${formatBytes(heap)})`;
  } else {
    memoryBytes = DEFAULT_MEMORY_BUDGET;
    memorySource = 'a default budget (the browser does not report its memory)';
  }
  const estimate = await storageEstimate().catch(() => null);
  const storageBytes = estimate && estimate.quota > 0 ? estimate.quota - estimate.usage : null;
  return { memoryBytes, storageBytes, memorySource };
}

/** What storing and training on `storedEvents + newEvents` events needs under `limits`. */
export function importCapacity(o: {
  readonly storedEvents: number;
  readonly newEvents: number;
  readonly limits: DeviceLimits;
}): ImportCapacity {
  const events = o.storedEvents + o.newEvents;
  const { memoryBytes, storageBytes } = o.limits;
  const byMemory = memoryBytes === null ? Infinity : memoryBytes / TRAIN_BYTES_PER_EVENT;
  const byStorage =
    storageBytes === null ? Infinity : o.storedEvents + storageBytes / STORED_BYTES_PER_EVENT;
  const maxEvents = Math.floor(Math.min(byMemory, byStorage));
  return {
    events,
    storeBytes: o.newEvents * STORED_BYTES_PER_EVENT,
    trainBytes: events * TRAIN_BYTES_PER_EVENT,
    limits: o.limits,
    maxEvents,
    fits: events <= maxEvents,
  };
}

/**
 * The `LOG_TOO_LARGE` error for a capacity that does not fit: how large the log is, what the
 * device allows, and what to do instead.
 */
export function logTooLargeError(c: ImportCapacity, estimated: boolean): DataError {
  const { memoryBytes, storageBytes } = c.limits;
  const byStorage =
    storageBytes !== null && c.storeBytes > storageBytes
      ? `storing it needs ${formatBytes(c.storeBytes)} but this site has ${formatBytes(storageBytes)} of storage left`
      : null;
  const byMemory =
    memoryBytes !== null && c.trainBytes > memoryBytes
      ? `training on it needs about ${formatBytes(c.trainBytes)} of memory, more than this device allows (${c.limits.memorySource})`
      : null;
  const why = [byStorage, byMemory].filter((s) => s !== null).join('; ');
  return new DataError(
    'LOG_TOO_LARGE',
    `The interaction log is too large for this device: ${estimated ? 'about ' : ''}${formatCount(c.events)} events with those already stored, at most ${formatCount(c.maxEvents)} fit here (${why}). Nothing new was kept. Import a sample of the log (e.g. its most recent ${formatCount(Math.max(0, Math.floor(c.maxEvents * 0.9)))} events), or train on the full log with the CLI (npx hearth-recs train) and load its model file.`,
  );
}

function formatBytes(bytes: number): string {
  return bytes >= 2 ** 30
    ? `${(bytes / 2 ** 30).toFixed(1)} GB`
    : `${Math.round(bytes / 2 ** 20).toLocaleString('en-US')} MB`;
}

function formatCount(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n.toLocaleString('en-US');
}
