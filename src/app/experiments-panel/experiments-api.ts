import type { ExperimentAnalysis } from '../../core/experiments';
import {
  EXPERIMENTS_PATH,
  experimentAnalysisPath,
  type ExperimentsDocument,
} from '../../federated/experiment-protocol';
import { DEMO_FEDERATED_TOKEN } from '../runtime/demo-config';

/** How often the experiments page asks the server again (ms). */
export const ANALYSIS_REFRESH_MS = 5_000;

/** GETs a JSON document from the demo's aggregation server (same origin, `/v1` proxy). */
async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, {
    headers: { Authorization: `Bearer ${DEMO_FEDERATED_TOKEN}` },
    cache: 'no-cache',
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as {
      readonly error?: { readonly message?: string };
    } | null;
    const why = body?.error?.message ?? response.statusText;
    throw new Error(
      `The aggregation server answered ${path} with HTTP ${response.status}: ${why} (is it running? \`npm run demo\` starts it).`,
    );
  }
  return (await response.json()) as T;
}

/** The experiments the server runs (`GET /v1/experiments`). */
export const fetchExperiments = (): Promise<ExperimentsDocument> =>
  getJson<ExperimentsDocument>(EXPERIMENTS_PATH);

/** The server's analysis of one experiment so far (`GET /v1/experiments/:id/analysis`). */
export const fetchAnalysis = (experimentId: string): Promise<ExperimentAnalysis> =>
  getJson<ExperimentAnalysis>(experimentAnalysisPath(experimentId));
