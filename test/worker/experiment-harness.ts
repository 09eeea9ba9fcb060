import { assignArm, type ExperimentDefinition } from '../../src/core/experiments';
import { randomReportId } from '../../src/federated/experiment-report';
import type { ExperimentReport } from '../../src/federated/experiment-protocol';
import { UNIT_ID_META_KEY } from '../../src/worker/experiment-runtime';
import {
  createLocalRecommender,
  type LocalRecommenderDeps,
} from '../../src/worker/local-recommender';
import type {
  Recommender,
  RecommenderConfig,
  RecommenderEvent,
} from '../../src/worker/recommender-types';
import { createMemoryStore } from './memory-store';

/** The shop's origin in these tests. */
export const ORIGIN = 'https://shop.example';
export const TOKEN = 'deploy-token';

/** One request the fake server got. */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** A scripted server: the experiments document, report receipts, model files. */
export interface FakeServer {
  readonly requests: SeenRequest[];
  /** Bodies of the reports the server accepted. */
  readonly accepted: ExperimentReport[];
  /** Status of the next report answers, consumed one by one (default 200). */
  readonly reportStatuses: number[];
  /** While true every request fails as a network error. */
  offline: boolean;
  document: { readonly etag: string; readonly experiments: readonly ExperimentDefinition[] };
  readonly models: Map<string, Uint8Array>;
  fetch(url: string, init?: RequestInit): Promise<Response>;
}

/** Creates a {@link FakeServer} serving `experiments`. */
export function createFakeServer(experiments: readonly ExperimentDefinition[] = []): FakeServer {
  const server: FakeServer = {
    requests: [],
    accepted: [],
    reportStatuses: [],
    offline: false,
    document: { etag: '"v1"', experiments },
    models: new Map(),
    async fetch(url, init = {}) {
      const headers = Object.fromEntries(new Headers(init.headers).entries());
      const body = typeof init.body === 'string' ? init.body : undefined;
      server.requests.push({
        method: init.method ?? 'GET',
        url,
        headers,
        ...(body !== undefined && { body }),
      });
      if (server.offline) throw new TypeError('Failed to fetch');
      const path = new URL(url).pathname;
      if (path === '/v1/experiments') {
        if (headers['if-none-match'] === server.document.etag) {
          return new Response(null, { status: 304 });
        }
        return Response.json(
          { protocol: 1, experiments: server.document.experiments },
          { headers: { ETag: server.document.etag } },
        );
      }
      if (path === '/v1/experiments/reports') {
        const status = server.reportStatuses.shift() ?? 200;
        if (status !== 200) return new Response('{}', { status });
        server.accepted.push(JSON.parse(body ?? '') as ExperimentReport);
        return Response.json({ status: 'accepted' });
      }
      const model = server.models.get(path);
      if (model) return new Response(model.slice().buffer);
      return new Response('', { status: 404 });
    },
  };
  return server;
}

/** A unit id that `assignArm` puts in arm `armIndex` of `definition`. */
export function unitIdFor(definition: ExperimentDefinition, armIndex: number): string {
  for (;;) {
    const id = randomReportId();
    if (assignArm({ definition, unitId: id }) === armIndex) return id;
  }
}

/** Stores `unitId` as the device's unit id in database `dbName` (as if drawn on an earlier visit). */
export async function seedUnitId(dbName: string, unitId: string): Promise<void> {
  const store = await createMemoryStore({ dbName });
  await store.setMeta(UNIT_ID_META_KEY, unitId);
  store.dispose();
}

/** Recommenders opened by {@link openRecommender}, disposed by the test's `afterEach`. */
export const opened: Recommender[] = [];

/** A local recommender on the in-memory database `dbName`, talking to `server`. */
export function openRecommender(
  dbName: string,
  server: FakeServer,
  config: RecommenderConfig = {},
  deps: LocalRecommenderDeps = {},
): { r: Recommender; events: RecommenderEvent[] } {
  const r = createLocalRecommender(
    {
      fineTuneAfterEvents: 0,
      federated: { serverUrl: ORIGIN, token: TOKEN, refreshIntervalMs: 0 },
      experiments: {},
      ...config,
      dbName,
    },
    {
      createStore: createMemoryStore,
      fetch: (url, init) => server.fetch(url, init),
      baseUrl: `${ORIGIN}/shop/`,
      ...deps,
    },
  );
  opened.push(r);
  const events: RecommenderEvent[] = [];
  r.on((e) => events.push(e));
  return { r, events };
}
