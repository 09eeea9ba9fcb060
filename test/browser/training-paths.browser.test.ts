import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { splitInteractions, type Split } from '../../src/core/eval/split';
import type {
  MfCheckpoint,
  MfComputePath,
  MfTrainOptions,
  MfTrainResult,
} from '../../src/core/models/mf/mf-trainer';
import { createTypedMfPath } from '../../src/core/models/mf/train-typed';
import type { TfjsBackendName } from '../../src/core/models/mf/tfjs/tfjs-backends';
import { createTfjsMfPath } from '../../src/core/models/mf/tfjs/tfjs-mf-path';
import {
  SMALL_OPTIONS,
  allScores,
  datasetOf,
  maxAbsDiff,
  ndcg10,
  plantedMatrix,
  top10Overlap,
} from '../core/models/mf/tfjs/planted';

/** The binaries' folder as served by Vite (`/node_modules/@tensorflow/tfjs-backend-wasm/dist/`). */
const WASM_PATHS = new URL('./', new URL(wasmSimdUrl, location.href)).href;

// Software WebGPU/WebGL (SwiftShader) run ~100× slower than typed: 300 users × 200 items, k = 16.
const split: Split = splitInteractions(
  datasetOf(plantedMatrix(300, 200, 10, 11, false, 0.4, 0.02)),
  {
    protocol: 'random',
    seed: 42,
  },
);
const OPTIONS: MfTrainOptions = { ...SMALL_OPTIONS, epochs: 6 };

let typed: MfTrainResult;
let typedNdcg: number;
let typedScores: Float32Array;

const scoresOf = (r: MfTrainResult): Float32Array =>
  allScores(
    r.userFactors,
    r.model.itemFactors,
    r.model.itemBias,
    r.numUsers,
    r.model.numItems,
    r.model.factors,
  );
const maxAbs = (a: Float32Array): number => maxAbsDiff(a, new Float32Array(a.length));

beforeAll(async () => {
  typed = await createTypedMfPath().train(split.train, OPTIONS);
  typedNdcg = ndcg10(typed, split);
  typedScores = scoresOf(typed);
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

/** Every score within 5e-4 of the largest typed score, same top-10 lists, NDCG@10 within 0.01. */
function expectAgreesWithTyped(result: MfTrainResult): void {
  const scoreDiff = maxAbsDiff(scoresOf(result), typedScores);
  const overlap = top10Overlap(result, typed, split.train);
  const ndcg = ndcg10(result, split);
  console.info(
    `${result.computePath}: max score diff ${scoreDiff.toExponential(2)} ` +
      `(largest typed score ${maxAbs(typedScores).toFixed(2)}), top-10 overlap ` +
      `${overlap.toFixed(4)}, NDCG@10 ${ndcg.toFixed(4)} (typed ${typedNdcg.toFixed(4)}), ` +
      `epoch ms ${result.epochMs.map((ms) => ms.toFixed(0)).join(' ')}`,
  );
  expect(scoreDiff).toBeLessThan(5e-4 * Math.max(1, maxAbs(typedScores)));
  expect(overlap).toBeGreaterThan(0.99);
  expect(Math.abs(ndcg - typedNdcg)).toBeLessThan(0.01);
}

describe('training in the browser on every compute path', () => {
  it('typed learns the planted clusters (sanity check of the reference)', () => {
    expect(split.evaluatedUsers).toBeGreaterThan(250);
    expect(typed.lossHistory[5]!).toBeLessThan(typed.lossHistory[0]!);
    // Random ranking of ~190 candidates gives NDCG@10 near 0.05; measured 0.26.
    expect(typedNdcg).toBeGreaterThan(0.15);
  });

  it.each(['wasm', 'cpu', 'webgl', 'webgpu'] as const)(
    'TF.js %s agrees with typed (scores, top-10, NDCG@10)',
    async (backend) => {
      const path = await tfjsPath(backend);
      const result = await path.train(split.train, OPTIONS);
      expect(result.computePath).toBe(backend);
      expectAgreesWithTyped(result);
    },
  );

  it('relays one run typed → webgpu → webgl → wasm through checkpoints', async () => {
    const relay: MfComputePath[] = [
      createTypedMfPath(),
      await tfjsPath('webgpu'),
      await tfjsPath('webgl'),
      await tfjsPath('wasm'),
    ];
    let last: MfCheckpoint | undefined;
    let result: MfTrainResult | null = null;
    for (const [leg, path] of relay.entries()) {
      // Legs of 2, 1, 1 and 2 epochs.
      const epochs = [2, 3, 4, 6][leg]!;
      result = await path.train(split.train, {
        ...OPTIONS,
        epochs,
        ...(last ? { resumeFrom: last } : {}),
        onCheckpoint: (c) => void (last = c),
      });
      expect(last?.epoch).toBe(epochs);
    }
    expect(result!.computePath).toBe('wasm');
    expect(result!.lossHistory).toHaveLength(6);
    expectAgreesWithTyped(result!);
  });
});
