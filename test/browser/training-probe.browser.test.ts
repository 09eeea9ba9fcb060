import * as tf from '@tensorflow/tfjs-core';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import { it } from 'vitest';
import { createTypedMfPath } from '../../src/core/models/mf/train-typed';
import { createTfjsMfPath } from '../../src/core/models/mf/tfjs/tfjs-mf-path';
import { SMALL_OPTIONS, maxAbsDiff, plantedMatrix } from '../core/models/mf/tfjs/planted';

it('probe', async () => {
  console.log('url', wasmSimdUrl);
  const prefix = wasmSimdUrl.slice(0, wasmSimdUrl.lastIndexOf('/') + 1);
  const matrix = plantedMatrix(300, 200, 5, 11, false, 0.15, 0.02);
  const o = { ...SMALL_OPTIONS, factors: 16, epochs: 6 };
  const typed = await createTypedMfPath().train(matrix, o);
  console.log('nnz', matrix.indices.length, 'typed', typed.epochMs.map(Math.round));
  for (const backend of ['wasm', 'cpu', 'webgl', 'webgpu'] as const) {
    const t0 = performance.now();
    const path = await createTfjsMfPath({ backend, wasmPaths: prefix });
    const t1 = performance.now();
    const r = await path.train(matrix, o);
    console.log(backend, 'create', Math.round(t1 - t0), 'epochs', r.epochMs.map(Math.round), 'diff', maxAbsDiff(r.userFactors, typed.userFactors), tf.getBackend());
  }
});
