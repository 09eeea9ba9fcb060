import { describe, expect, it } from 'vitest';
import type { Item } from '../../../../src/core/data/types';
import { DataError, ModelFileError, OptionError } from '../../../../src/core/errors';
import type { ContentTowerOptions } from '../../../../src/core/models/content/content-tower';
import {
  contentTowerFromState,
  fitContentTower,
} from '../../../../src/core/models/content/content-tower';
import { createRng } from '../../../../src/core/random';

const K = 8;
const TAGS = 15;

/**
 * Planted catalog: every item has 3 distinct tags and its true factors are the sum of its tags'
 * vectors (bias: the sum of the tags' biases) plus a little noise. The combination {0, 1, 2} is
 * never used in training, so it is a genuinely unseen item.
 */
function plantedCatalog(seed: number, numItems = 400) {
  const rng = createRng(seed);
  const tagVectors = new Float64Array(TAGS * K).map(() => rng.normal());
  const tagBias = new Float64Array(TAGS).map(() => 0.3 * rng.normal());
  const truth = (tags: readonly number[]) => {
    const vector = new Float32Array(K);
    let bias = 0;
    for (const t of tags) {
      for (let j = 0; j < K; j++) vector[j]! += tagVectors[t * K + j]!;
      bias += tagBias[t]!;
    }
    return { vector, bias };
  };
  const items: Item[] = [];
  const itemFactors = new Float32Array(numItems * K);
  const itemBias = new Float32Array(numItems);
  for (let i = 0; i < numItems; i++) {
    let tags: number[];
    do {
      const picked = new Set<number>();
      while (picked.size < 3) picked.add(rng.int(TAGS));
      tags = [...picked].sort((a, b) => a - b);
    } while (tags.join() === '0,1,2');
    items.push({ id: `i${i}`, tags: tags.map((t) => `tag${t}`) });
    const { vector, bias } = truth(tags);
    for (let j = 0; j < K; j++) itemFactors[i * K + j] = vector[j]! + 0.01 * rng.normal();
    itemBias[i] = bias + 0.01 * rng.normal();
  }
  return { items, itemFactors, itemBias, truth };
}

function towerOptions(seed = 1): ContentTowerOptions & ReturnType<typeof plantedCatalog> {
  const planted = plantedCatalog(seed);
  return { ...planted, factors: K, regularization: 0.05 };
}

describe('fitContentTower', () => {
  it('recovers planted tag structure for an unseen item', () => {
    const options = towerOptions();
    const tower = fitContentTower(options);
    const expected = options.truth([0, 1, 2]);
    const got = tower.embed({ id: 'new', tags: ['tag0', 'TAG1', 'tag2'] });
    let err = 0;
    let norm = 0;
    for (let j = 0; j < K; j++) {
      err += (got.vector[j]! - expected.vector[j]!) ** 2;
      norm += expected.vector[j]! ** 2;
    }
    expect(Math.sqrt(err / norm)).toBeLessThan(0.05);
    expect(got.bias).toBeCloseTo(expected.bias, 1);
    expect(tower.fitInfo?.warmItems).toBe(400);
  });

  it('embeds an item without known features at the mean of the warm items', () => {
    const options = towerOptions();
    const tower = fitContentTower(options);
    const mean = new Float32Array(K);
    for (let i = 0; i < 400; i++)
      for (let j = 0; j < K; j++) mean[j]! += options.itemFactors[i * K + j]! / 400;
    const got = tower.embed({ id: 'bare', tags: ['never-seen'] });
    for (let j = 0; j < K; j++) expect(got.vector[j]).toBeCloseTo(mean[j]!, 4);
  });

  it('is deterministic', () => {
    const a = fitContentTower(towerOptions(4)).toTensors();
    const b = fitContentTower(towerOptions(4)).toTensors();
    expect(b).toEqual(a);
  });

  it('round-trips its state exactly', () => {
    const tower = fitContentTower({ ...towerOptions(), features: { text: { minDf: 1 } } });
    const tensors = Object.fromEntries(
      Object.entries(tower.toTensors()).map(([name, t]) => [name, t.slice()]),
    );
    const restored = contentTowerFromState(JSON.parse(JSON.stringify(tower.toJSON())), tensors);
    expect(restored.fitInfo).toBeUndefined();
    const probes: Item[] = [
      { id: 'p', tags: ['tag3', 'tag9'] },
      { id: 'q', tags: ['tag0', 'tag1', 'tag2'], title: 'anything' },
    ];
    for (const p of probes) expect(restored.embed(p)).toEqual(tower.embed(p));
  });

  it('fills preallocated outputs in embedMany consistently with embed', () => {
    const tower = fitContentTower(towerOptions());
    const probes: Item[] = [
      { id: 'a', tags: ['tag1'] },
      { id: 'b' },
      { id: 'c', tags: ['tag4', 'tag7'] },
    ];
    const vectors = new Float32Array(probes.length * K);
    const bias = new Float32Array(probes.length);
    const out = tower.embedMany(probes, vectors, bias);
    expect(out.vectors).toBe(vectors);
    probes.forEach((p, r) => {
      const one = tower.embed(p);
      expect(vectors.subarray(r * K, r * K + K)).toEqual(one.vector);
      expect(bias[r]).toBe(Math.fround(one.bias));
    });
    expect(() => tower.embedMany(probes, new Float32Array(K), bias)).toThrow(OptionError);
  });

  it('learns only from items in the train mask', () => {
    const options = towerOptions();
    const mask = new Uint8Array(400).fill(1);
    for (let i = 0; i < 50; i++) mask[i] = 0;
    const garbage = (value: number) => {
      const f = options.itemFactors.slice();
      const b = options.itemBias.slice();
      f.fill(value, 0, 50 * K);
      b.fill(value, 0, 50);
      return fitContentTower({ ...options, itemFactors: f, itemBias: b, trainMask: mask });
    };
    const a = garbage(1e3);
    const b = garbage(-7);
    expect(a.toTensors()).toEqual(b.toTensors());
    expect(a.fitInfo?.warmItems).toBe(350);
    const unmasked = fitContentTower({
      ...options,
      itemFactors: options.itemFactors.slice().fill(1e3, 0, 50 * K),
    });
    expect(unmasked.toTensors()).not.toEqual(a.toTensors());
  });

  it('rejects inconsistent inputs and corrupt state', () => {
    const options = towerOptions();
    expect(() => fitContentTower({ ...options, itemBias: new Float32Array(3) })).toThrow(
      OptionError,
    );
    expect(() => fitContentTower({ ...options, factors: 0 })).toThrow(OptionError);
    expect(() => fitContentTower({ ...options, trainMask: new Uint8Array(400) })).toThrow(
      DataError,
    );
    const tower = fitContentTower(options);
    const json = tower.toJSON();
    expect(() => contentTowerFromState({ ...json, version: 2 as 1 }, tower.toTensors())).toThrow(
      ModelFileError,
    );
    const { mean: _mean, ...withoutMean } = tower.toTensors();
    expect(() => contentTowerFromState(json, withoutMean)).toThrow(ModelFileError);
    expect(() => contentTowerFromState({ ...json, factors: K + 1 }, tower.toTensors())).toThrow(
      ModelFileError,
    );
  });
});
