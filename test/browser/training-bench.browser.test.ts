import { describe, expect, it } from 'vitest';
import { runTrainingBench, syntheticMl100kShape } from '../../bench/browser/training-bench';
import { plantedMatrix } from '../core/models/mf/tfjs/planted';

/** A planted matrix as the bench's input arrays. */
function plantedPairs(): Parameters<typeof runTrainingBench>[0] {
  const m = plantedMatrix(300, 200, 10, 11, false, 0.4, 0.02);
  const users = new Int32Array(m.indices.length);
  for (let u = 0; u < m.rows; u++) users.fill(u, m.indptr[u]!, m.indptr[u + 1]!);
  return { users, items: Int32Array.from(m.indices), numUsers: m.rows, numItems: m.cols };
}

describe('browser training bench', () => {
  it('reports epoch time and NDCG@10 per backend; slow ones hand over to typed within budget', async () => {
    // A 2 s budget: the software GPUs run 1–2 epochs of k = 64 and typed finishes.
    const out = await runTrainingBench(plantedPairs(), { slowBudgetMs: 2000 });
    console.info(JSON.stringify(out, null, 1));
    expect(out['browser.data']).toBe('given');
    expect(out['browser.data.users']).toBe(300);
    const typedNdcg = out['browser.backends.typed.ndcg10'] as number;
    expect(typedNdcg).toBeGreaterThan(0.15);
    expect(out['browser.backends.typed.epochsOnBackend']).toBe(10);
    expect(out['browser.backends.wasm.epochsOnBackend']).toBe(10);
    for (const name of ['typed', 'wasm', 'webgpu', 'webgl', 'cpu']) {
      const key = `browser.backends.${name}`;
      expect(out[`${key}.error`]).toBeUndefined();
      expect(out[`${key}.epochMs`]).toBeGreaterThan(0);
      expect(out[`${key}.epochsOnBackend`]).toBeGreaterThanOrEqual(1);
      expect(Math.abs((out[`${key}.ndcg10`] as number) - typedNdcg)).toBeLessThan(0.01);
    }
    expect(out['browser.backends.webgpu.epochsOnBackend']).toBeLessThan(10);
  });

  it('synthesizes seeded data of ML-100K’s shape when given none', () => {
    const a = syntheticMl100kShape();
    expect([a.numUsers, a.numItems]).toEqual([943, 1682]);
    expect(a.users.length).toBeGreaterThan(80_000);
    expect(a.users.length).toBeLessThan(120_000);
    const perUser = new Int32Array(a.numUsers);
    for (const u of a.users) perUser[u]!++;
    expect(Math.min(...perUser)).toBeGreaterThanOrEqual(20);
    expect(syntheticMl100kShape().items).toEqual(a.items);
  });
});
