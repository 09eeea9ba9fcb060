/**
 * The experiments status of a device for its privacy page: per experiment, where the device
 * stands, what it measured, what it sent last (byte for byte) and what waits in the queue.
 */
import type { DeviceExperimentRecord } from '../federated/experiment-device-state';
import type { StoredExperiments } from './experiment-records';
import type { ExperimentReport } from '../federated/experiment-protocol';
import { periodEnd, reportPeriodOf } from '../federated/experiment-report';
import { armIdOf, type ExperimentEntry } from './experiment-assignments';
import type { LastReports } from './experiment-uploads';
import type { DeviceExperimentStatus, ExperimentsStatus } from './recommender-types';

/** What {@link experimentsStatusOf} reads. */
export interface StatusInputs {
  readonly entries: readonly ExperimentEntry[];
  readonly stored: StoredExperiments;
  readonly pending: readonly ExperimentReport[];
  readonly last: LastReports;
  readonly consent: boolean;
  readonly now: number;
  readonly problem?: string | undefined;
}

function changeOf(record: DeviceExperimentRecord): Record<string, number> {
  const before = record.reported?.exposed === true ? record.reported.values : {};
  return Object.fromEntries(
    Object.entries(record.values).map(([id, v]) => [id, v - (before[id] ?? 0)]),
  );
}

function statusOf(
  entry: Pick<ExperimentEntry, 'definition' | 'state' | 'armIndex' | 'message'>,
  s: StatusInputs,
): DeviceExperimentStatus {
  const { definition } = entry;
  const stored = s.stored[definition.id];
  const record = stored?.record.version === definition.version ? stored.record : undefined;
  const armId =
    record?.armId ?? (entry.state === 'assigned' ? armIdOf(definition, entry.armIndex) : null);
  return {
    experimentId: definition.id,
    version: definition.version,
    state: entry.state,
    armId,
    holdout: armId !== null && definition.arms.find((arm) => arm.id === armId)?.holdout === true,
    ...(entry.message !== undefined && { message: entry.message }),
    exposed: record?.firstExposureAt != null,
    firstExposureAt: record?.firstExposureAt ?? null,
    lastExposureAt: record?.lastExposureAt ?? null,
    period: reportPeriodOf(s.now),
    values: record?.values ?? {},
    periodValues: record ? changeOf(record) : {},
    preValues: record?.preValues ?? {},
    lastReport: s.last[definition.id] ?? null,
    pendingReports: s.pending.filter((r) => r.experimentId === definition.id).length,
    nextReportAt:
      record && !record.closed && record.openPeriod !== null ? periodEnd(record.openPeriod) : null,
  };
}

/** The status of every experiment in the document, then of those only this device remembers. */
export function experimentsStatusOf(s: StatusInputs): ExperimentsStatus {
  const listed = new Set(s.entries.map((e) => e.definition.id));
  const remembered = Object.values(s.stored)
    .filter(({ definition }) => !listed.has(definition.id))
    .map(({ definition }) => ({
      definition,
      state: 'ended' as const,
      armIndex: null,
      message: 'No longer in the experiments document.',
    }));
  let lastReport: ExperimentsStatus['lastReport'] = null;
  for (const [experimentId, sent] of Object.entries(s.last)) {
    if (lastReport === null || sent.sentAt > lastReport.sentAt) {
      lastReport = { ...sent, experimentId };
    }
  }
  return {
    configured: true,
    consent: s.consent,
    experiments: [...s.entries, ...remembered].map((entry) => statusOf(entry, s)),
    pendingReports: s.pending.length,
    lastReport,
    ...(s.problem !== undefined && { problem: s.problem }),
  };
}
