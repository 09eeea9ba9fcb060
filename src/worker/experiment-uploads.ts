/**
 * Sends experiment reports: a persisted offline queue (`createUploadQueue`, its own metadata key)
 * that posts each report to `POST <reportUrl>/v1/experiments/reports` with the deployment token,
 * only while the visitor consents (the federated-learning opt-in), retrying with backoff. A
 * queued report keeps its `reportId`, so a retry is recognised as the same report; once sent it
 * leaves the queue and the device forgets the id. The last report sent per experiment is kept,
 * byte for byte, for the privacy page.
 */
import { DataError, OptionError } from '../core/errors';
import type { MetaStore } from '../federated/consent-store';
import { EXPERIMENT_REPORTS_PATH, type ExperimentReport } from '../federated/experiment-protocol';
import { createUploadQueue, type FlushResult } from '../federated/upload-queue';
import type { LocalRecommenderDeps } from './recommender-deps';
import type { SentExperimentReport } from './recommender-types';

/** Metadata key of the queue of reports waiting to be sent. */
export const EXPERIMENT_QUEUE_META_KEY = 'experiments.report-queue';

/** Metadata key of the last report sent, per experiment id. */
export const LAST_REPORTS_META_KEY = 'experiments.last-reports';

/** The last report sent, per experiment id. */
export type LastReports = Readonly<Record<string, SentExperimentReport>>;

/** Options of {@link createReportUploader}. */
export interface ReportUploaderOptions {
  readonly meta: MetaStore;
  /** Absolute origin (or base URL) of the aggregation server. */
  readonly reportUrl: string;
  /** Deployment token, sent as `Authorization: Bearer …` like the federated routes. */
  readonly token: string | undefined;
  readonly fetch: LocalRecommenderDeps['fetch'];
  /** The consent check, asked right before every send. */
  readonly isAllowed: () => Promise<boolean>;
  readonly now: () => number;
}

/** The report queue of one recommender. */
export interface ReportUploader {
  enqueue(report: ExperimentReport): Promise<void>;
  flush(): Promise<FlushResult>;
  pending(): Promise<readonly ExperimentReport[]>;
  lastReports(): Promise<LastReports>;
  /** Drops every queued report (the visitor opted out). */
  clear(): Promise<void>;
  dispose(): void;
}

/**
 * `url` made absolute against `base` (the page); throws `OptionError` naming `field` when it
 * cannot be (a relative URL where the page's address is unknown).
 */
export function absoluteUrl(url: string, base: string | undefined, field: string): string {
  try {
    return new URL(url, base).href;
  } catch {
    throw new OptionError(
      `${field} "${url}" is not an absolute URL and there is no page URL to resolve it against; give the full address (https://…).`,
    );
  }
}

/** Creates the uploader; nothing is sent until `flush` (or the queue's own retry timer). */
export function createReportUploader(o: ReportUploaderOptions): ReportUploader {
  const url = `${o.reportUrl.replace(/\/+$/, '')}${EXPERIMENT_REPORTS_PATH}`;
  const doFetch = o.fetch ?? ((u: string, init?: RequestInit) => fetch(u, init));
  const send = async (report: ExperimentReport): Promise<void> => {
    const json = JSON.stringify(report);
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (o.token) headers['Authorization'] = `Bearer ${o.token}`;
    const response = await doFetch(url, { method: 'POST', headers, body: json });
    if (!response.ok) {
      const why = `The experiment server answered ${response.status} to the report of ${report.experimentId} for ${report.period}`;
      // 408 / 429 / 5xx are worth retrying; any other 4xx would be refused again.
      const final = response.status < 500 && response.status !== 408 && response.status !== 429;
      if (final) throw new DataError('UPDATE_REJECTED', `${why}; it was dropped.`);
      throw new Error(`${why}; it will be retried.`);
    }
    const last = (await o.meta.getMeta<LastReports>(LAST_REPORTS_META_KEY)) ?? {};
    const sent: SentExperimentReport = {
      period: report.period,
      sentAt: o.now(),
      json,
      bytes: new TextEncoder().encode(json).length,
    };
    await o.meta.setMeta(LAST_REPORTS_META_KEY, { ...last, [report.experimentId]: sent });
  };
  const queue = createUploadQueue<ExperimentReport>({
    store: o.meta,
    key: EXPERIMENT_QUEUE_META_KEY,
    send,
    isAllowed: o.isAllowed,
    // A refusal (malformed or unknown report) would come back the same: drop it.
    isRetryable: (error) => !(error instanceof DataError),
    now: o.now,
  });
  return {
    async enqueue(report) {
      await queue.enqueue(report);
    },
    flush: () => queue.flush(),
    pending: async () => (await queue.pending()).map((job) => job.payload),
    lastReports: async () => (await o.meta.getMeta<LastReports>(LAST_REPORTS_META_KEY)) ?? {},
    clear: () => queue.clear(),
    dispose: () => queue.dispose(),
  };
}
