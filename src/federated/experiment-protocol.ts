/**
 * Wire protocol of Hearth experiments (issue 13), shared by the browser runtime, the aggregation
 * server, the CLI and the simulator. Browser-safe: no Node imports.
 *
 * Flow:
 * - `GET /v1/experiments` → {@link ExperimentsDocument} (the running definitions; `ETag`, so a
 *   device re-fetches it with a conditional GET like the model).
 * - `POST /v1/experiments/reports` ← {@link ExperimentReport}: what one device adds to the per-arm
 *   sums of one experiment for one reporting period. Answer: {@link ExperimentReportReceipt}.
 * - `GET /v1/experiments/:id/analysis` → the server's `analyzeExperiment` of the sums so far.
 *
 * A report carries no device, visitor or session id, no item id and no event: only the arm
 * sums of `visitorContribution` (differences since the device's previous report, so they
 * telescope) and a `reportId` — 128 random bits drawn afresh for every device-period and reused
 * only when the same report is retried, so the server drops a duplicate without any id that links
 * one device's periods.
 */
import type { ArmAggregate, ExperimentDefinition } from '../core/experiments';

/** Protocol version every experiment message carries. */
export const EXPERIMENT_PROTOCOL_VERSION = 1;

/** Path of the experiments document. */
export const EXPERIMENTS_PATH = '/v1/experiments';

/** Path reports are posted to. */
export const EXPERIMENT_REPORTS_PATH = '/v1/experiments/reports';

/** Path of one experiment's analysis (`:id` = the experiment id). */
export function experimentAnalysisPath(experimentId: string): string {
  return `${EXPERIMENTS_PATH}/${encodeURIComponent(experimentId)}/analysis`;
}

/** `GET /v1/experiments`: the definitions a device should run. */
export interface ExperimentsDocument {
  readonly protocol: typeof EXPERIMENT_PROTOCOL_VERSION;
  readonly experiments: readonly ExperimentDefinition[];
}

/** Pattern of a {@link ExperimentReport.reportId}: 32 lowercase hex digits (128 random bits). */
export const REPORT_ID_PATTERN = /^[0-9a-f]{32}$/;

/** Pattern of a {@link ExperimentReport.period}: a UTC day, `YYYY-MM-DD`. */
export const REPORT_PERIOD_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** What one device reports for one experiment and one reporting period. */
export interface ExperimentReport {
  readonly protocol: typeof EXPERIMENT_PROTOCOL_VERSION;
  readonly experimentId: string;
  /** Definition version the device ran. */
  readonly version: number;
  /** The reporting period (UTC day `YYYY-MM-DD`) the report closes. */
  readonly period: string;
  /** Idempotency key: fresh random per device-period; the same value only on retries. */
  readonly reportId: string;
  /**
   * The device's additions to the per-arm sums. Without noise: one entry, its own arm. With the
   * definition's DP noise: every arm of the definition, each block noised, so the report does not
   * reveal the arm either.
   */
  readonly arms: readonly ArmAggregate[];
  /**
   * Gaussian noise multiplier the device applied (σ of each slot = multiplier × the slot's bound,
   * see `experimentSlotBounds`); 0 or absent = no noise. The server sums multiplier² per arm to
   * widen the intervals by the noise it knows was added.
   */
  readonly noiseMultiplier?: number;
}

/** Answer to a report. */
export interface ExperimentReportReceipt {
  /** `accepted`: added to the sums; `duplicate`: this reportId was already counted (not re-added). */
  readonly status: 'accepted' | 'duplicate';
}
