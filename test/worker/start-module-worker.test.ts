import { afterEach, describe, expect, it, vi } from 'vitest';
import { startModuleWorker } from '../../src/worker/start-module-worker';
import { workerAssetUrls } from '../../src/worker/worker-assets';

/** Records what `new Worker(url, options)` got. */
function stubWorker(): { started: { url: string; options: WorkerOptions }[] } {
  const started: { url: string; options: WorkerOptions }[] = [];
  vi.stubGlobal(
    'Worker',
    class {
      constructor(url: URL | string, options: WorkerOptions) {
        started.push({ url: String(url), options });
      }
    },
  );
  vi.stubGlobal('location', { origin: 'https://shop.example', href: 'https://shop.example/p' });
  return { started };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('startModuleWorker', () => {
  const options: WorkerOptions = { type: 'module', name: 'hearth' };

  it('starts a same-origin worker script directly', () => {
    const { started } = stubWorker();
    startModuleWorker(new URL('https://shop.example/assets/hearth.worker-1.js#a=b'), options);
    expect(started).toEqual([
      { url: 'https://shop.example/assets/hearth.worker-1.js#a=b', options },
    ]);
  });

  it('starts a worker from another origin through a blob module that imports it', async () => {
    const { started } = stubWorker();
    const cdn = 'https://cdn.example/hearth-recs@0.1.0/dist/browser/hearth.worker.js';
    startModuleWorker(new URL(cdn), options);
    expect(started).toHaveLength(1);
    const { url } = started[0]!;
    expect(url.startsWith('blob:')).toBe(true);
    // The assets are the CDN's files next to the worker, not relative to the blob URL.
    expect(workerAssetUrls(url)['tfjs-backend-wasm-simd.wasm']).toBe(
      'https://cdn.example/hearth-recs@0.1.0/dist/browser/tfjs-backend-wasm-simd.wasm',
    );
    const source = await (await fetch(url.split('#')[0]!)).text();
    expect(source.trim()).toBe(`import ${JSON.stringify(cdn)};`);
  });
});
