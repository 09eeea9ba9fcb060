/**
 * What one device remembers of one experiment (stored in its IndexedDB metadata, never sent):
 * its arm, exposures, outcome values cumulated since the first exposure, CUPED pre-period values,
 * the state its last report carried, and the period of its latest unreported change. Pure state
 * transitions; the worker persists the records and queues the reports. Browser-safe.
 */
import type { VisitorState } from '../core/experiments';
import { addIncrements, isAttributed, type AttributionWindow } from './experiment-outcomes';
import { reportPeriodOf } from './experiment-report';

/** One device's state in one version of one experiment. */
export interface DeviceExperimentRecord {
  readonly experimentId: string;
  readonly version: number;
  readonly armId: string;
  /** When the device entered the experiment (ms since epoch). */
  readonly assignedAt: number;
  /** First and latest exposure (ms), null before any. */
  readonly firstExposureAt: number | null;
  readonly lastExposureAt: number | null;
  /** Metric values cumulated since the first exposure (uncapped), one entry per metric. */
  readonly values: Readonly<Record<string, number>>;
  /** CUPED pre-period values, computed once at assignment. */
  readonly preValues: Readonly<Record<string, number>>;
  /** The state the last report carried; null before the first report. */
  readonly reported: VisitorState | null;
  /** Period (UTC day) of the first change not reported yet; null when everything is reported. */
  readonly openPeriod: string | null;
  /** True once the device will report nothing more for it (final period sent, or superseded). */
  readonly closed: boolean;
}

/** Options of {@link enrollDevice}. */
export interface EnrollOptions {
  readonly experimentId: string;
  readonly version: number;
  readonly armId: string;
  /** Metric ids of the definition (primary first). */
  readonly metricIds: readonly string[];
  /** CUPED pre-period values (see `prePeriodValues`). */
  readonly preValues: Readonly<Record<string, number>>;
  readonly now: number;
}

/** A fresh record: assigned now, so the device has a visitor to report this period. */
export function enrollDevice(o: EnrollOptions): DeviceExperimentRecord {
  return {
    experimentId: o.experimentId,
    version: o.version,
    armId: o.armId,
    assignedAt: o.now,
    firstExposureAt: null,
    lastExposureAt: null,
    values: Object.fromEntries(o.metricIds.map((id) => [id, 0])),
    preValues: o.preValues,
    reported: null,
    openPeriod: reportPeriodOf(o.now),
    closed: false,
  };
}

/** The visitor state a report is computed from. */
export function visitorStateOf(record: DeviceExperimentRecord): VisitorState {
  return {
    exposed: record.firstExposureAt !== null,
    values: record.values,
    preValues: record.preValues,
  };
}

/** The record after an exposure at `now`; the first one is a change to report. */
export function exposeDevice(record: DeviceExperimentRecord, now: number): DeviceExperimentRecord {
  if (record.closed) return record;
  const first = record.firstExposureAt === null;
  return {
    ...record,
    firstExposureAt: record.firstExposureAt ?? now,
    lastExposureAt: Math.max(record.lastExposureAt ?? now, now),
    openPeriod: first ? (record.openPeriod ?? reportPeriodOf(now)) : record.openPeriod,
  };
}

/**
 * The record after an outcome at `timestamp` (observed at `now`) that moves the metrics by
 * `increments`; unchanged when it does not count (before exposure, outside the window, after the
 * stop) or moves none of the experiment's metrics.
 */
export function addOutcome(
  record: DeviceExperimentRecord,
  increments: Partial<Record<string, number>>,
  timestamp: number,
  now: number,
  window: Pick<AttributionWindow, 'windowMs' | 'stopAt'>,
): DeviceExperimentRecord {
  if (record.closed || !isAttributed(timestamp, { ...record, ...window })) return record;
  const values = { ...record.values };
  addIncrements(values, increments);
  if (Object.keys(values).every((id) => values[id] === record.values[id])) return record;
  return { ...record, values, openPeriod: record.openPeriod ?? reportPeriodOf(now) };
}

/**
 * Whether the record has a period to report at `now`: something changed in a period that has
 * ended, or the experiment is over (`final`: stopped, or superseded by a new version), when
 * nothing more can change.
 */
export function reportDue(record: DeviceExperimentRecord, now: number, final: boolean): boolean {
  if (record.closed || record.openPeriod === null) return false;
  return final || record.openPeriod < reportPeriodOf(now);
}

/** The record once the report of its open period was queued (`final`: nothing more to report). */
export function markReported(
  record: DeviceExperimentRecord,
  final: boolean,
): DeviceExperimentRecord {
  return { ...record, reported: visitorStateOf(record), openPeriod: null, closed: final };
}
