import { describe, expect, it } from 'vitest';
import {
  WORKER_ASSET_NAMES,
  wasmPathsOf,
  workerAssetUrls,
  workerUrlWithAssets,
  type WorkerAssetUrls,
} from '../../src/worker/worker-assets';

const hashed: WorkerAssetUrls = {
  'hearth-parsers.js': '/assets/hearth-parsers-Cd34.js',
  'hearth-training.js': '/assets/hearth-training-Ab12.js',
  'tfjs-backend-wasm.wasm': 'https://cdn.example/w-1.wasm',
  'tfjs-backend-wasm-simd.wasm': '/assets/simd-2.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm': '/assets/threaded-3.wasm',
};

describe('worker assets', () => {
  it('finds every file next to the worker when its URL names none', () => {
    const assets = workerAssetUrls('https://shop.example/static/hearth/hearth.worker.js');
    for (const name of WORKER_ASSET_NAMES) {
      expect(assets[name]).toBe(`https://shop.example/static/hearth/${name}`);
    }
  });

  it('reads the renamed files a bundler emitted from the worker URL fragment', () => {
    const url = workerUrlWithAssets('https://shop.example/assets/hearth.worker-X9.js', hashed);
    expect(url.pathname).toBe('/assets/hearth.worker-X9.js');
    const assets = workerAssetUrls(url.href);
    expect(assets['hearth-training.js']).toBe(
      'https://shop.example/assets/hearth-training-Ab12.js',
    );
    expect(assets['tfjs-backend-wasm.wasm']).toBe('https://cdn.example/w-1.wasm');
    expect(wasmPathsOf(assets)).toEqual({
      'tfjs-backend-wasm.wasm': 'https://cdn.example/w-1.wasm',
      'tfjs-backend-wasm-simd.wasm': 'https://shop.example/assets/simd-2.wasm',
      'tfjs-backend-wasm-threaded-simd.wasm': 'https://shop.example/assets/threaded-3.wasm',
    });
  });

  it('falls back to the files next to the worker for a broken or partial fragment', () => {
    const base = 'https://shop.example/h/hearth.worker.js';
    expect(workerAssetUrls(`${base}#hearth-assets=%7Bnot-json`)['hearth-training.js']).toBe(
      'https://shop.example/h/hearth-training.js',
    );
    const partial = `${base}#hearth-assets=${encodeURIComponent(JSON.stringify({ 'hearth-training.js': '/t.js' }))}`;
    const assets = workerAssetUrls(partial);
    expect(assets['hearth-training.js']).toBe('https://shop.example/t.js');
    expect(assets['tfjs-backend-wasm-simd.wasm']).toBe(
      'https://shop.example/h/tfjs-backend-wasm-simd.wasm',
    );
  });
});
