/**
 * HTTP routes of experiments, behind the same token check, rate limit and edge as every route of
 * the aggregation server (`../http-server.ts` runs them first):
 * - `GET /v1/experiments` — the {@link ExperimentsDocument}, `ETag`, `Cache-Control: no-cache`
 *   (revalidate), 304 on `If-None-Match`; an empty document when the server runs no experiment;
 * - `POST /v1/experiments/reports` — an {@link ExperimentReport} (JSON, at most 16 KiB) →
 *   {@link ExperimentReportReceipt} once durable; 400 naming the bad field;
 * - `GET /v1/experiments/:id/analysis` — `analyzeExperiment` of the sums so far; 404 naming an
 *   unknown id.
 */
import { createHash } from 'node:crypto';
import {
  EXPERIMENT_PROTOCOL_VERSION,
  EXPERIMENT_REPORTS_PATH,
  EXPERIMENTS_PATH,
  type ExperimentReportReceipt,
  type ExperimentsDocument,
} from '../../federated/experiment-protocol';
import { UpdateRejectedError } from '../../federated/federated-protocol';
import type { ExperimentLedgerView } from './experiment-ledger';

/** Largest report body accepted: a report is a few hundred bytes per arm. */
export const MAX_REPORT_BYTES = 16 * 1024;

/** A ledger the routes can serve: in-memory (`ingest` answers at once) or durable. */
export interface ExperimentService extends ExperimentLedgerView {
  ingest(body: unknown): ExperimentReportReceipt | Promise<ExperimentReportReceipt>;
}

/** What the server gives the routes for one request. */
export interface ExperimentRequest {
  readonly path: string;
  /** The request's `If-None-Match` header. */
  readonly ifNoneMatch: string | undefined;
  /** False (after answering 405) when the request's method is not `method`. */
  allow(method: 'GET' | 'POST'): boolean;
  /** Reads the body (at most `limit` bytes) as JSON; refuses otherwise. */
  readJson(limit: number): Promise<unknown>;
  /** Answers JSON with `status` and extra headers. */
  send(status: number, body: unknown, headers?: Record<string, string>): void;
  /** Answers 304 with these headers. */
  notModified(headers: Record<string, string>): void;
}

const EMPTY_DOCUMENT: ExperimentsDocument = {
  protocol: EXPERIMENT_PROTOCOL_VERSION,
  experiments: [],
};
const EMPTY_ETAG = `"${createHash('sha256').update(JSON.stringify(EMPTY_DOCUMENT)).digest('hex').slice(0, 32)}"`;

const ANALYSIS_PATH = new RegExp(`^${EXPERIMENTS_PATH}/([^/]{1,200})/analysis$`);

/** Whether `path` belongs to the experiment routes. */
export function isExperimentPath(path: string): boolean {
  return path === EXPERIMENTS_PATH || path.startsWith(`${EXPERIMENTS_PATH}/`);
}

function noExperiments(): never {
  throw new UpdateRejectedError(
    'not-found',
    'This server runs no experiments; start it with --experiments FILE.',
  );
}

/** Answers one request under `/v1/experiments`; `ledger` null = the server runs none. */
export async function handleExperimentRequest(
  ledger: ExperimentService | null,
  request: ExperimentRequest,
): Promise<void> {
  const { path } = request;
  if (path === EXPERIMENTS_PATH) {
    if (!request.allow('GET')) return;
    const etag = ledger?.etag() ?? EMPTY_ETAG;
    const headers = { ETag: etag, 'Cache-Control': 'no-cache' };
    if (request.ifNoneMatch === etag) return request.notModified(headers);
    return request.send(200, ledger?.document() ?? EMPTY_DOCUMENT, headers);
  }
  if (path === EXPERIMENT_REPORTS_PATH) {
    if (!request.allow('POST')) return;
    const body = await request.readJson(MAX_REPORT_BYTES);
    if (ledger === null) noExperiments();
    return request.send(200, await ledger.ingest(body));
  }
  const match = ANALYSIS_PATH.exec(path);
  if (match?.[1] !== undefined) {
    if (!request.allow('GET')) return;
    if (ledger === null) noExperiments();
    let id: string;
    try {
      id = decodeURIComponent(match[1]);
    } catch {
      throw new UpdateRejectedError(
        'bad-request',
        'The experiment id in the path is not valid URL encoding.',
      );
    }
    return request.send(200, ledger.analysis(id));
  }
  throw new UpdateRejectedError(
    'not-found',
    `No route ${path}; experiments answer ${EXPERIMENTS_PATH}, ${EXPERIMENT_REPORTS_PATH} and ${EXPERIMENTS_PATH}/<id>/analysis.`,
  );
}
