/**
 * The device's experiment records as stored (one per experiment id, with the definition it was
 * made under) and the steps over all of them: closing due periods into reports, applying an
 * outcome, and when to wake up next.
 */
import type { ExperimentDefinition } from '../core/experiments/experiment-types';
import { experimentMetrics } from '../core/experiments/validate-experiment';
import {
  addOutcome,
  enrollDevice,
  markReported,
  reportDue,
  visitorStateOf,
  type DeviceExperimentRecord,
} from '../federated/experiment-device-state';
import { prePeriodValues, type OutcomeEvent } from '../federated/experiment-outcomes';
import type { ExperimentReport } from '../federated/experiment-protocol';
import { buildExperimentReport, periodEnd, reportPeriodOf } from '../federated/experiment-report';

/** A record with the definition it was made under (kept for its final report). */
export interface StoredExperiment {
  readonly definition: ExperimentDefinition;
  readonly record: DeviceExperimentRecord;
}

/** Stored records by experiment id. */
export type StoredExperiments = Readonly<Record<string, StoredExperiment>>;

/**
 * The reports due at `now` and the records once they are queued. `running(id, version)` says
 * whether that version still runs on this device; a record whose version no longer runs (ended,
 * changed, left the document) reports its last change at once and closes.
 */
export function closeDuePeriods(
  stored: StoredExperiments,
  running: (experimentId: string, version: number) => boolean,
  now: number,
): { readonly next: StoredExperiments; readonly reports: readonly ExperimentReport[] } {
  const next: Record<string, StoredExperiment> = { ...stored };
  const reports: ExperimentReport[] = [];
  for (const [id, { definition, record }] of Object.entries(stored)) {
    const final = !running(id, record.version);
    if (reportDue(record, now, final)) {
      reports.push(
        buildExperimentReport({
          definition,
          armId: record.armId,
          previous: record.reported,
          current: visitorStateOf(record),
          period: record.openPeriod ?? reportPeriodOf(now),
        }),
      );
      next[id] = { definition, record: markReported(record, final) };
    } else if (final && !record.closed && record.openPeriod === null) {
      next[id] = { definition, record: { ...record, closed: true } };
    }
  }
  return { next, reports };
}

/** The records after an outcome at `timestamp` (observed at `now`), or null when none changed. */
export function applyOutcome(
  stored: StoredExperiments,
  increments: Partial<Record<string, number>>,
  timestamp: number,
  now: number,
  windowMs: number,
): StoredExperiments | null {
  let next: Record<string, StoredExperiment> | null = null;
  for (const [id, { definition, record }] of Object.entries(stored)) {
    const stopAt = definition.stop === undefined ? undefined : Date.parse(definition.stop);
    const window = { windowMs, ...(stopAt !== undefined && { stopAt }) };
    const after = addOutcome(record, increments, timestamp, now, window);
    if (after !== record) next = { ...(next ?? stored), [id]: { definition, record: after } };
  }
  return next;
}

/** When something next falls due: the end of an open period, or a stop; null when nothing will. */
export function nextWakeUp(
  stored: StoredExperiments,
  definitions: readonly Pick<ExperimentDefinition, 'stop'>[],
  now: number,
): number | null {
  const times = [
    ...Object.values(stored).flatMap(({ record }) =>
      !record.closed && record.openPeriod !== null ? [periodEnd(record.openPeriod)] : [],
    ),
    ...definitions.flatMap((d) => {
      const stop = d.stop === undefined ? NaN : Date.parse(d.stop);
      return stop > now ? [stop] : [];
    }),
  ];
  return times.length === 0 ? null : Math.min(...times);
}

/**
 * A fresh record for a device just assigned to `armId`, with its CUPED pre-period values read
 * from `history` (the stored events; `price` gives catalog prices).
 */
export function enrollStored(
  definition: ExperimentDefinition,
  armId: string,
  history: readonly OutcomeEvent[],
  now: number,
  price: (itemId: string) => number | undefined,
): StoredExperiment {
  const metricIds = experimentMetrics(definition).map((m) => m.id);
  const preValues = prePeriodValues(metricIds, history, now, price);
  const record = enrollDevice({
    experimentId: definition.id,
    version: definition.version,
    armId,
    metricIds,
    preValues,
    now,
  });
  return { definition, record };
}
