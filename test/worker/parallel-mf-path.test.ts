import { describe, expect, it } from 'vitest';
import type { MfTrainOptions } from '../../src/core/models/mf/mf-trainer';
import { DEFAULT_MF_OPTIONS, trainTypedMf } from '../../src/core/models/mf/train-typed';
import { createComputePathPool } from '../../src/worker/compute-path-pool';
import type { HelperEndpoint } from '../../src/worker/parallel-executor';
import { serveParallelSlices } from '../../src/worker/parallel-helper';
import type { SliceRequest } from '../../src/worker/parallel-messages';
import { createParallelMfPath, parallelHelperCount } from '../../src/worker/parallel-mf-path';
import type { MessageEndpoint } from '../../src/worker/protocol';
import { plantedMatrix } from '../fixtures/synthetic';

const OPTIONS: MfTrainOptions = { ...DEFAULT_MF_OPTIONS, factors: 10, epochs: 3, seed: 9 };

/** A helper on a MessageChannel: the helper's loop on one port, the executor's handle the other. */
function channelHelper(started: HelperEndpoint[]): HelperEndpoint {
  const { port1, port2 } = new MessageChannel();
  serveParallelSlices(port1 as unknown as MessageEndpoint);
  port1.start();
  const endpoint = Object.assign(port2 as unknown as HelperEndpoint, {
    terminate: () => {
      port1.close();
      port2.close();
    },
  });
  started.push(endpoint);
  return endpoint;
}

/** A helper that answers every request with a failure. */
function failingHelper(): HelperEndpoint {
  const { port1, port2 } = new MessageChannel();
  port1.addEventListener('message', (event: MessageEvent<SliceRequest>) => {
    port1.postMessage({ type: 'failed', message: `cannot ${event.data.type}` });
  });
  port1.start();
  port1.postMessage({ type: 'ready' });
  return Object.assign(port2 as unknown as HelperEndpoint, { terminate: () => port2.close() });
}

/** max |a − b| / max |b|. */
function gap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const bs = Array.from(b, Math.abs);
  const ds = Array.from(b, (v, i) => Math.abs(a[i]! - v));
  return Math.max(...ds) / Math.max(...bs);
}

describe('training on helper workers', () => {
  const matrix = plantedMatrix({ users: 120, items: 80, seed: 4 });

  it('equals training in one worker up to round-off, on 3 workers', async () => {
    const started: HelperEndpoint[] = [];
    const path = createParallelMfPath({
      helpers: 2,
      minPairs: 0,
      startHelper: () => channelHelper(started),
    });
    const one = await trainTypedMf(matrix, OPTIONS);
    const three = await path.train(matrix, OPTIONS);
    expect(path.lastWorkers()).toBe(3);
    expect(started).toHaveLength(2);
    expect(gap(three.model.itemFactors, one.model.itemFactors)).toBeLessThan(1e-4);
    expect(gap(three.model.itemBias, one.model.itemBias)).toBeLessThan(1e-4);
    expect(gap(three.userFactors, one.userFactors)).toBeLessThan(1e-4);
    expect(gap(three.lossHistory, one.lossHistory)).toBeLessThan(1e-5);
    // The helpers are reused by the next run.
    await path.train(matrix, { ...OPTIONS, seed: 10 });
    expect(started).toHaveLength(2);
    path.dispose();
  });

  it('trains small matrices in one worker', async () => {
    const path = createParallelMfPath({ helpers: 2, startHelper: () => channelHelper([]) });
    await path.train(matrix, OPTIONS);
    expect(path.lastWorkers()).toBe(1);
  });

  it('falls back to one worker when a helper fails, with the same result', async () => {
    const path = createParallelMfPath({ helpers: 1, minPairs: 0, startHelper: failingHelper });
    const result = await path.train(matrix, OPTIONS);
    const one = await trainTypedMf(matrix, OPTIONS);
    expect(path.lastWorkers()).toBe(1);
    expect(Array.from(result.model.itemFactors)).toEqual(Array.from(one.model.itemFactors));
  });

  it('starts helpers only inside an isolated Hearth worker, one per extra core (capped)', () => {
    const scope = {
      crossOriginIsolated: true,
      SharedArrayBuffer,
      Worker: class {},
      WorkerGlobalScope: class {},
      name: 'hearth',
      navigator: { hardwareConcurrency: 4 },
    };
    expect(parallelHelperCount(scope)).toBe(3);
    expect(parallelHelperCount({ ...scope, navigator: { hardwareConcurrency: 64 } })).toBe(7);
    expect(parallelHelperCount({ ...scope, navigator: { hardwareConcurrency: 1 } })).toBe(0);
    expect(parallelHelperCount({ ...scope, crossOriginIsolated: false })).toBe(0);
    expect(parallelHelperCount({ ...scope, SharedArrayBuffer: undefined })).toBe(0);
    // Outside Hearth's worker (an in-page recommender, another worker) helpers would run the
    // wrong script.
    expect(parallelHelperCount({ ...scope, WorkerGlobalScope: undefined })).toBe(0);
    expect(parallelHelperCount({ ...scope, name: 'other' })).toBe(0);
  });
});

describe('the compute paths of a recommender', () => {
  it('refuse a trainingWorkers cap that is not a positive integer, naming it', () => {
    for (const maxWorkers of [0, 1.5, Number.NaN]) {
      expect(() => createComputePathPool({ maxWorkers })).toThrow(/trainingWorkers must be/);
    }
    expect(() => createComputePathPool({ maxWorkers: 1 }).dispose()).not.toThrow();
  });
});
