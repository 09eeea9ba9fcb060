import { describe, expect, it } from 'vitest';
import type { CsrMatrix } from '../../../src/core/data/csr-matrix';
import { splitInteractions } from '../../../src/core/eval/split';
import type { MfModel } from '../../../src/core/models/mf/mf-model';
import { carveValidationSplit } from '../../../src/core/tune/validation-split';
import { validationNdcg } from '../../../src/core/tune/validation-score';
import { plantedDataset } from '../../fixtures/synthetic';

/** Each user's entries as (item, lastSeen) pairs of a matrix with parallel timestamps. */
function entries(m: CsrMatrix, times: Float64Array, u: number): { item: number; t: number }[] {
  const out: { item: number; t: number }[] = [];
  for (let p = m.indptr[u]!; p < m.indptr[u + 1]!; p++)
    out.push({ item: m.indices[p]!, t: times[p]! });
  return out;
}

describe('carveValidationSplit mirrors the evaluation protocol', () => {
  const planted = plantedDataset({ users: 50, items: 40, pIn: 0.8, pOut: 0.1, seed: 5 });
  // Interleave users in time (the fixture's timestamps follow pair order, user by user).
  const n = planted.columns.length;
  const data = {
    ...planted,
    columns: {
      ...planted.columns,
      timestamps: Float64Array.from({ length: n }, (_, e) => ((e * 7919) % n) * 60_000),
    },
  };
  const split = splitInteractions(data, { protocol: 'random', seed: 1 });
  const times = split.trainLastSeen!;

  it('the split carries the latest timestamp of every training entry', () => {
    expect(times.length).toBe(split.train.indices.length);
    expect(times.every((t) => Number.isFinite(t))).toBe(true);
  });

  it('last: each validated user holds out exactly their most recent training pair', () => {
    const v = carveValidationSplit(split.train, { seed: 2, protocol: 'last', lastSeen: times });
    expect(v.users.length).toBeGreaterThan(0);
    for (const u of v.users) {
      const held = v.heldOut.indices.subarray(v.heldOut.indptr[u]!, v.heldOut.indptr[u + 1]!);
      expect(held.length).toBe(1);
      const all = entries(split.train, times, u);
      const latest = all.reduce((a, b) => (b.t >= a.t ? b : a));
      expect(held[0]).toBe(latest.item);
    }
    expect(v.fit.indices.length + v.heldOut.indices.length).toBe(split.train.indices.length);
  });

  it('temporal: nothing at or after the cut is fitted; validated users hold out their later pairs', () => {
    const v = carveValidationSplit(split.train, {
      seed: 2,
      protocol: 'temporal',
      lastSeen: times,
    });
    const sorted = Float64Array.from(times).sort();
    const cut = sorted[Math.floor(0.8 * sorted.length)]!;
    const timeOf = new Map<string, number>();
    for (let u = 0; u < split.train.rows; u++)
      for (const e of entries(split.train, times, u)) timeOf.set(`${u}:${e.item}`, e.t);
    for (let u = 0; u < v.fit.rows; u++) {
      for (let p = v.fit.indptr[u]!; p < v.fit.indptr[u + 1]!; p++)
        expect(timeOf.get(`${u}:${v.fit.indices[p]!}`)!).toBeLessThan(cut);
      for (let p = v.heldOut.indptr[u]!; p < v.heldOut.indptr[u + 1]!; p++)
        expect(timeOf.get(`${u}:${v.heldOut.indices[p]!}`)!).toBeGreaterThanOrEqual(cut);
    }
    expect(v.heldOut.indices.length).toBeGreaterThan(0);
    for (const u of v.users)
      expect(v.heldOut.indptr[u + 1]! - v.heldOut.indptr[u]!).toBeGreaterThan(0);
  });

  it('temporal without timestamps falls back to random', () => {
    const none = new Float64Array(times.length).fill(NaN);
    const a = carveValidationSplit(split.train, { seed: 3, protocol: 'temporal', lastSeen: none });
    const b = carveValidationSplit(split.train, { seed: 3 });
    expect(a.heldOut.indices).toEqual(b.heldOut.indices);
  });
});

describe('validationNdcg scores as served', () => {
  it('a user with no neighbour evidence is ranked by the MF part, not by all-zero scores', () => {
    // One user, 6 items: item 5 is held out; MF ranks it first, the neighbour lists know nothing.
    const fit: CsrMatrix = {
      rows: 1,
      cols: 6,
      indptr: Int32Array.from([0, 1]),
      indices: Int32Array.from([0]),
      values: Float32Array.from([1]),
    };
    const heldOut: CsrMatrix = { ...fit, indices: Int32Array.from([5]) };
    const model = {
      kind: 'mf',
      numItems: 6,
      factors: 1,
      itemFactors: Float32Array.from([0, 0.1, 0.2, 0.3, 0.4, 1]),
      itemBias: new Float32Array(6),
    } as unknown as MfModel;
    const split = { fit, heldOut, users: Int32Array.from([0]) };
    const parts = {
      mf: { model, userFactors: Float32Array.from([1]) },
      neighbors: (_u: number, out: Float32Array) => out.fill(0),
    };
    const [pure] = validationNdcg(split, parts, [{ mfWeight: 0, biasScale: 0, neighborWeight: 1 }]);
    expect(pure!.mean).toBeCloseTo(1, 6);
    const [alone] = validationNdcg(split, { neighbors: parts.neighbors }, [
      { mfWeight: 0, biasScale: 0, neighborWeight: 1 },
    ]);
    expect(alone!.mean).toBeLessThan(1);
  });
});
