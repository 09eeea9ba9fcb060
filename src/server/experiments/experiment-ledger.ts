/**
 * The server's experiment ledger: checks device reports, drops retries of a report it already
 * counted, and sums the rest per arm — the only thing it keeps of an experiment, besides the ids
 * of recent reports. {@link createExperimentLedger} keeps everything in memory (fast: no I/O per
 * report); `openExperimentLedger` (`./durable-ledger.ts`) adds the data directory.
 */
import { createHash } from 'node:crypto';
import { HearthError, OptionError } from '../../core/errors';
import {
  analyzeExperiment,
  validateExperimentDefinition,
  type ExperimentAggregates,
  type ExperimentAnalysis,
  type ExperimentDefinition,
} from '../../core/experiments';
import {
  EXPERIMENT_PROTOCOL_VERSION,
  type ExperimentReportReceipt,
  type ExperimentsDocument,
} from '../../federated/experiment-protocol';
import { UpdateRejectedError } from '../../federated/federated-protocol';
import { createExperimentSums, type ExperimentSums } from './experiment-sums';
import { checkReport, planReports, type CheckedReport, type ExperimentPlan } from './report-check';

const DAY_MS = 86_400_000;

/** Days a period's report ids are remembered by default (a report for an older period is refused). */
export const DEFAULT_REPORT_RETENTION_DAYS = 30;

/** Options of {@link createExperimentLedger}. */
export interface ExperimentLedgerOptions {
  /** The running definitions; each is validated (`OptionError` naming the definition and field). */
  readonly definitions: readonly ExperimentDefinition[];
  /**
   * Days the ids of a period's reports are remembered, counted back from today (UTC); default 30.
   * A report for an older period is refused (400) rather than risk counting a retry twice, so
   * memory holds at most this many days of ids whatever the experiment's length. Devices offline
   * for longer lose that period's report.
   */
  readonly retentionDays?: number;
  /** Clock in ms since the epoch (default `Date.now`). */
  readonly now?: () => number;
}

/** Per-experiment counters of {@link ExperimentLedgerView.status}. */
export interface LedgerExperimentStatus {
  readonly experimentId: string;
  readonly version: number;
  /** Reports added to the sums. */
  readonly acceptedReports: number;
  /** Report ids remembered for duplicate detection. */
  readonly rememberedReportIds: number;
}

/** What both ledgers answer without changing anything. */
export interface ExperimentLedgerView {
  /** The document `GET /v1/experiments` serves. */
  document(): ExperimentsDocument;
  /** Strong ETag of {@link document} (quoted). */
  etag(): string;
  /** The sums of one experiment so far (404-style `UpdateRejectedError` for an unknown id). */
  aggregates(experimentId: string): ExperimentAggregates;
  /**
   * `analyzeExperiment` of the sums as of `now` (ms; default the clock), never past the
   * definition's stop; its start, minimum sample and minimum runtime apply.
   */
  analysis(experimentId: string, now?: number): ExperimentAnalysis;
  /** Counters per experiment. */
  status(): readonly LedgerExperimentStatus[];
}

/** An in-memory ledger. */
export interface ExperimentLedger extends ExperimentLedgerView {
  /**
   * Checks a parsed JSON report and adds it to the sums: `accepted`, or `duplicate` (its id was
   * already counted for its period; nothing added). Throws `UpdateRejectedError` (a `DataError`,
   * HTTP 400) naming the bad field.
   */
  ingest(body: unknown): ExperimentReportReceipt;
}

/** Shared state of both ledgers. */
export interface LedgerCore extends ExperimentLedgerView {
  readonly sums: ReadonlyMap<string, ExperimentSums>;
  /** Checks a report against the clock's window: the checked report, or null for a duplicate. */
  check(body: unknown): CheckedReport | null;
}

function planAll(definitions: readonly ExperimentDefinition[]): Map<string, ExperimentPlan> {
  if (!Array.isArray(definitions)) throw new OptionError('definitions must be a list.');
  const plans = new Map<string, ExperimentPlan>();
  definitions.forEach((definition, i) => {
    try {
      validateExperimentDefinition(definition);
      if (plans.has(definition.id)) throw new OptionError(`id "${definition.id}" repeats.`);
      plans.set(definition.id, planReports(definition));
    } catch (error) {
      if (!(error instanceof HearthError)) throw error;
      throw new OptionError(`definitions[${i}]: ${error.message}`);
    }
  });
  return plans;
}

/** Builds the state and read side shared by the in-memory and the durable ledger. */
export function createLedgerCore(
  options: ExperimentLedgerOptions,
  restore?: (plan: ExperimentPlan) => ExperimentSums,
): LedgerCore {
  const retentionDays = options.retentionDays ?? DEFAULT_REPORT_RETENTION_DAYS;
  if (!(Number.isInteger(retentionDays) && retentionDays >= 1)) {
    throw new OptionError(`retentionDays must be an integer ≥ 1 (got ${retentionDays}).`);
  }
  const clock = options.now ?? Date.now;
  const plans = planAll(options.definitions);
  const sums = new Map(
    [...plans].map(([id, plan]) => [id, restore?.(plan) ?? createExperimentSums(plan)]),
  );
  const document: ExperimentsDocument = {
    protocol: EXPERIMENT_PROTOCOL_VERSION,
    experiments: [...plans.values()].map((plan) => plan.definition),
  };
  const etag = `"${createHash('sha256').update(JSON.stringify(document)).digest('hex').slice(0, 32)}"`;
  let prunedFor = -Infinity;
  const find = (experimentId: string): ExperimentSums => {
    const found = sums.get(experimentId);
    if (found === undefined) {
      throw new UpdateRejectedError(
        'not-found',
        `No experiment "${experimentId}" runs on this server; GET /v1/experiments lists those that do.`,
      );
    }
    return found;
  };
  return {
    sums,
    check(body) {
      const today = Math.floor(clock() / DAY_MS);
      if (today !== prunedFor) {
        for (const entry of sums.values()) entry.forgetBefore(today - retentionDays);
        prunedFor = today;
      }
      const report = checkReport(plans, body, { today, retentionDays });
      return find(report.plan.definition.id).has(report.day, report.reportId) ? null : report;
    },
    document: () => document,
    etag: () => etag,
    aggregates: (experimentId) => find(experimentId).aggregates(),
    analysis(experimentId, now = clock()) {
      const entry = find(experimentId);
      const stop = entry.plan.definition.stop;
      const asOf = stop === undefined ? now : Math.min(now, Date.parse(stop));
      return analyzeExperiment({
        definition: entry.plan.definition,
        aggregates: entry.aggregates(),
        asOf: new Date(asOf).toISOString(),
      });
    },
    status: () =>
      [...sums.values()].map((entry) => ({
        experimentId: entry.plan.definition.id,
        version: entry.plan.definition.version,
        acceptedReports: entry.accepted(),
        rememberedReportIds: entry.rememberedIds(),
      })),
  };
}

/**
 * Creates an in-memory experiment ledger over `definitions` (see {@link ExperimentLedgerOptions}).
 * Throws `OptionError` naming the definition and field when one is invalid.
 */
export function createExperimentLedger(options: ExperimentLedgerOptions): ExperimentLedger {
  const core = createLedgerCore(options);
  const { sums: _sums, check: _check, ...view } = core;
  return {
    ...view,
    ingest(body) {
      const report = core.check(body);
      if (report === null) return { status: 'duplicate' };
      core.sums.get(report.plan.definition.id)?.add(report);
      return { status: 'accepted' };
    },
  };
}
