import { createLocalRecommender } from '../../src/worker/local-recommender';
import type { MessageEndpoint } from '../../src/worker/protocol';
import type { Recommender, RecommenderConfig } from '../../src/worker/recommender-types';
import { createWorkerRecommender } from '../../src/worker/worker-client';
import { createWorkerHost } from '../../src/worker/worker-host';
import { createMemoryStore } from './memory-store';

/** What the worker side of {@link connectLocalWorker} runs (default: a local recommender). */
type RecommenderFactory = Parameters<typeof createWorkerHost>[0]['createRecommender'];

/**
 * A worker client talking to a local recommender (in-memory store) configured with `config`, over
 * a MessageChannel, as a page talks to its worker. `cleanups` receives what closes both ends;
 * `createRecommender` replaces what the worker side runs.
 */
export function connectLocalWorker(
  config: RecommenderConfig,
  cleanups: (() => void)[],
  createRecommender: RecommenderFactory = (config, deps) =>
    createLocalRecommender(config, { ...deps, createStore: createMemoryStore }),
): Recommender {
  const channel = new MessageChannel();
  const host = createWorkerHost({
    endpoint: channel.port1 as unknown as MessageEndpoint,
    createRecommender,
  });
  const client = createWorkerRecommender(config, {
    worker: channel.port2 as unknown as MessageEndpoint,
  });
  cleanups.push(() => {
    client.dispose();
    host.dispose();
    channel.port1.close();
    channel.port2.close();
  });
  return client;
}
