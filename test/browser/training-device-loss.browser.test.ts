import * as tf from '@tensorflow/tfjs-core';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { splitInteractions, type Split } from '../../src/core/eval/split';
import type {
  MfComputePath,
  MfTrainOptions,
  MfTrainResult,
} from '../../src/core/models/mf/mf-trainer';
import { createTypedMfPath } from '../../src/core/models/mf/train-typed';
import { trainWithFallback } from '../../src/core/models/mf/train-with-fallback';
import type { TfjsBackendName } from '../../src/core/models/mf/tfjs/tfjs-backends';
import { createTfjsMfPath } from '../../src/core/models/mf/tfjs/tfjs-mf-path';
import {
  SMALL_OPTIONS,
  datasetOf,
  maxAbsDiff,
  ndcg10,
  plantedMatrix,
} from '../core/models/mf/tfjs/planted';

/** The binaries by name, the form that also survives a production build's hashed file names. */
const WASM_PATHS = {
  'tfjs-backend-wasm.wasm': wasmUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
};

// Small enough for SwiftShader (see training-paths.browser.test.ts).
const split: Split = splitInteractions(
  datasetOf(plantedMatrix(300, 200, 10, 11, false, 0.4, 0.02)),
  { protocol: 'random', seed: 42 },
);
const OPTIONS: MfTrainOptions = { ...SMALL_OPTIONS, epochs: 5 };

let typed: MfTrainResult;
let typedNdcg: number;
beforeAll(async () => {
  typed = await createTypedMfPath().train(split.train, OPTIONS);
  typedNdcg = ndcg10(typed, split);
});

const open: MfComputePath[] = [];
afterEach(() => {
  for (const path of open.splice(0)) path.dispose();
});

async function tfjsPath(backend: TfjsBackendName): Promise<MfComputePath> {
  const path = await createTfjsMfPath({ backend, wasmPaths: WASM_PATHS });
  open.push(path);
  return path;
}

/** What TF.js' active backend exposes of its GPU device or context. */
interface ActiveDevices {
  readonly device?: { destroy(): void };
  readonly gpgpu?: { readonly gl: WebGL2RenderingContext };
}
const activeDevices = (): ActiveDevices => tf.backend() as unknown as ActiveDevices;

/**
 * Options whose epoch-1 checkpoint schedules `loseDevice` for the next task: nothing yields
 * between epochs, so it runs while epoch 2's work is queued and its loss is being read back.
 */
function losingDeviceDuringEpoch2(loseDevice: () => void): MfTrainOptions {
  return {
    ...OPTIONS,
    onCheckpoint: (c) => {
      if (c.epoch === 1) setTimeout(loseDevice, 0);
    },
  };
}

function expectMatchesTyped(result: MfTrainResult): void {
  const ndcg = ndcg10(result, split);
  const diff = maxAbsDiff(result.userFactors, typed.userFactors);
  console.info(
    `${result.computePath} after fallback: NDCG@10 ${ndcg.toFixed(4)} (typed ${typedNdcg.toFixed(4)}), ` +
      `max user-factor diff ${diff.toExponential(2)}`,
  );
  expect(Math.abs(ndcg - typedNdcg)).toBeLessThan(0.01);
  expect(diff).toBeLessThan(1e-3);
  expect(maxAbsDiff(result.model.itemFactors, typed.model.itemFactors)).toBeLessThan(1e-3);
}

describe('GPU loss during training in the browser', () => {
  it('WebGPU device destroyed during epoch 2: falls back to wasm from the epoch-1 checkpoint', async () => {
    const fallbacks: string[] = [];
    const result = await trainWithFallback({
      matrix: split.train,
      train: losingDeviceDuringEpoch2(() => activeDevices().device!.destroy()),
      order: [await tfjsPath('webgpu'), await tfjsPath('wasm')],
      onFallback: (from, error) => fallbacks.push(`${from}: ${error.code}`),
    });
    expect(fallbacks).toEqual(['webgpu: BACKEND_FAILED']);
    expect(result.fallbacks).toHaveLength(1);
    expect(result.fallbacks[0]!.error.message).toMatch(/^WebGPU device lost: /);
    expect(result.resumedFromEpoch).toBe(1);
    expect(result.computePath).toBe('wasm');
    expect(result.lossHistory).toHaveLength(OPTIONS.epochs);
    expectMatchesTyped(result);
  });

  it('WebGPU works again afterwards on a fresh device', async () => {
    const path = await tfjsPath('webgpu');
    const result = await path.train(split.train, { ...OPTIONS, epochs: 2 });
    const reference = await createTypedMfPath().train(split.train, { ...OPTIONS, epochs: 2 });
    expect(maxAbsDiff(result.userFactors, reference.userFactors)).toBeLessThan(1e-3);
  });

  it('WebGL context lost during epoch 2: falls back to wasm from the epoch-1 checkpoint', async () => {
    const result = await trainWithFallback({
      matrix: split.train,
      train: losingDeviceDuringEpoch2(() =>
        activeDevices().gpgpu!.gl.getExtension('WEBGL_lose_context')!.loseContext(),
      ),
      order: [await tfjsPath('webgl'), await tfjsPath('wasm')],
    });
    expect(result.fallbacks.map((f) => f.from)).toEqual(['webgl']);
    expect(result.fallbacks[0]!.error).toMatchObject({ code: 'BACKEND_FAILED' });
    expect(result.fallbacks[0]!.error.message).toMatch(/^WebGL context lost/);
    expect(result.resumedFromEpoch).toBe(1);
    expectMatchesTyped(result);
  });

  it('WebGL works again afterwards on a fresh context', async () => {
    const path = await tfjsPath('webgl');
    const result = await path.train(split.train, { ...OPTIONS, epochs: 2 });
    const reference = await createTypedMfPath().train(split.train, { ...OPTIONS, epochs: 2 });
    expect(maxAbsDiff(result.userFactors, reference.userFactors)).toBeLessThan(1e-3);
  });
});
