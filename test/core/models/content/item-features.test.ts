import { describe, expect, it } from 'vitest';
import type { Item } from '../../../../src/core/data/types';
import { ModelFileError, OptionError } from '../../../../src/core/errors';
import type {
  FeatureGroupWeights,
  ItemFeaturizer,
} from '../../../../src/core/models/content/item-features';
import {
  fitItemFeaturizer,
  itemFeaturizerFromState,
} from '../../../../src/core/models/content/item-features';

const CATALOG: Item[] = [
  {
    id: 'a',
    title: 'Red chef knife',
    category: ['Home', 'Kitchen', 'Knives'],
    tags: ['Steel', 'sharp'],
    price: 10,
    inStock: true,
    attributes: { color: 'Red', year: 2001, handmade: true },
  },
  {
    id: 'b',
    title: 'Blue chef knife',
    category: ['Home', 'Kitchen'],
    tags: ['steel'],
    price: 12,
    inStock: false,
    attributes: { color: 'red', year: 2003, handmade: true },
  },
  {
    id: 'c',
    title: 'Garden hose',
    description: 'A long green garden hose.',
    category: ['Home', 'Garden'],
    tags: ['sharp'],
    price: 40,
    inStock: true,
    attributes: { color: 'green', year: 2010, handmade: false, sku: 'x'.repeat(120) },
  },
];

const NONE: FeatureGroupWeights = {
  text: 0,
  category: 0,
  tags: 0,
  price: 0,
  stock: 0,
  attributes: 0,
};

/** Feature name → value of one item's row. */
function named(f: ItemFeaturizer, item: Item): Record<string, number> {
  const row = f.featurize(item);
  return Object.fromEntries([...row.indices].map((i, j) => [f.featureName(i), row.values[j]!]));
}

describe('fitItemFeaturizer', () => {
  it('emits every category prefix, equally weighted within the group', () => {
    const f = fitItemFeaturizer(CATALOG, { minDf: 1, groupWeights: { ...NONE, category: 1 } });
    const row = named(f, CATALOG[0]!);
    expect(Object.keys(row).sort()).toEqual([
      'cat:Home',
      'cat:Home>Kitchen',
      'cat:Home>Kitchen>Knives',
    ]);
    for (const v of Object.values(row)) expect(v).toBeCloseTo(1 / Math.sqrt(3), 6);
    expect(f.featureGroup(f.featurize(CATALOG[0]!).indices[0]!)).toBe('category');
  });

  it('normalises each group, then weighs it, then normalises the row', () => {
    const f = fitItemFeaturizer(CATALOG, {
      minDf: 1,
      groupWeights: { ...NONE, category: 2, tags: 1 },
    });
    const row = named(f, { id: 'q', category: ['Home'], tags: ['Steel', 'sharp'] });
    // category group (1) × 2, tag group (1/√2, 1/√2) × 1, row norm √5.
    expect(row['cat:Home']).toBeCloseTo(2 / Math.sqrt(5), 6);
    expect(row['tag:steel']).toBeCloseTo(1 / Math.sqrt(10), 6);
    expect(row['tag:sharp']).toBeCloseTo(1 / Math.sqrt(10), 6);
  });

  it('buckets prices on a log scale with half-weight neighbours', () => {
    const f = fitItemFeaturizer(CATALOG, { minDf: 1, groupWeights: { ...NONE, price: 1 } });
    const row = named(f, { id: 'q', price: 9.5 });
    const norm = Math.sqrt(1 + 0.25 + 0.25);
    expect(row['price:3']).toBeCloseTo(1 / norm, 6);
    expect(row['price:2']).toBeCloseTo(0.5 / norm, 6);
    expect(row['price:4']).toBeCloseTo(0.5 / norm, 6);
    expect(Object.keys(named(f, { id: 'q', price: 9.5 }))).toHaveLength(3);
    const sharp = fitItemFeaturizer(CATALOG, {
      minDf: 1,
      ordinalSmoothing: 0,
      groupWeights: { ...NONE, price: 1 },
    });
    expect(named(sharp, { id: 'q', price: 9.5 })).toEqual({ 'price:3': 1 });
  });

  it('encodes stock, booleans, lowercased strings and numeric quantile buckets', () => {
    const f = fitItemFeaturizer(CATALOG, {
      minDf: 1,
      ordinalSmoothing: 0,
      groupWeights: { ...NONE, stock: 1, attributes: 1 },
    });
    expect(Object.keys(named(f, CATALOG[1]!)).sort()).toEqual([
      'attr:color=red',
      'attr:handmade=true',
      'attr:year#1',
      'stock:out',
    ]);
    // Three distinct years → boundaries [2003, 2010]; 2020 falls in the top bucket. Long strings are skipped.
    expect(Object.keys(named(f, CATALOG[2]!)).sort()).toEqual([
      'attr:color=green',
      'attr:handmade=false',
      'attr:year#2',
      'stock:in',
    ]);
    expect(named(f, { id: 'q', attributes: { year: 2020 } })).toEqual({ 'attr:year#2': 1 });
  });

  it('drops categorical features seen in fewer than minDf items', () => {
    const f = fitItemFeaturizer(CATALOG, {
      minDf: 2,
      groupWeights: { ...NONE, category: 1, tags: 1 },
    });
    const names = Array.from({ length: f.numFeatures }, (_, i) => f.featureName(i)).sort();
    expect(names).toEqual(['cat:Home', 'cat:Home>Kitchen', 'tag:sharp', 'tag:steel']);
  });

  it('puts TF-IDF text terms first and keeps rows unit-length', () => {
    const f = fitItemFeaturizer(CATALOG, { text: { minDf: 2, maxDfRatio: 1 } });
    expect(f.featureName(0)).toMatch(/^text:/);
    expect(['text:chef', 'text:knife', 'text:garden', 'text:hose']).toContain(f.featureName(0));
    for (const item of CATALOG) {
      const row = f.featurize(item);
      let norm = 0;
      for (const v of row.values) norm += v * v;
      expect(norm).toBeCloseTo(1, 5);
      for (let j = 1; j < row.indices.length; j++)
        expect(row.indices[j]!).toBeGreaterThan(row.indices[j - 1]!);
    }
  });

  it('gives empty rows to featureless and missing items', () => {
    const f = fitItemFeaturizer(CATALOG);
    expect(f.featurize({ id: 'bare' }).indices.length).toBe(0);
    const m = f.featurizeMany([CATALOG[0], undefined, { id: 'bare' }]);
    expect(m.rows).toBe(3);
    expect(m.cols).toBe(f.numFeatures);
    expect(m.indptr[2]! - m.indptr[1]!).toBe(0);
    expect(m.indptr[3]! - m.indptr[2]!).toBe(0);
    expect([...m.indices.subarray(0, m.indptr[1]!)]).toEqual([...f.featurize(CATALOG[0]!).indices]);
  });

  it('round-trips through JSON and the idf tensor', () => {
    const f = fitItemFeaturizer(CATALOG, { minDf: 1, text: { minDf: 1, bigrams: true } });
    const g = itemFeaturizerFromState(JSON.parse(JSON.stringify(f.toJSON())), f.idf.slice());
    expect(g.numFeatures).toBe(f.numFeatures);
    const probe: Item = {
      id: 'p',
      title: 'Red garden knife',
      category: ['Home', 'Garden'],
      price: 11,
      attributes: { year: 2002 },
    };
    expect(g.featurize(probe)).toEqual(f.featurize(probe));
  });

  it('rejects bad options and corrupt state', () => {
    expect(() => fitItemFeaturizer(CATALOG, { groupWeights: { text: -1 } })).toThrow(OptionError);
    expect(() => fitItemFeaturizer(CATALOG, { priceBucketBase: 1 })).toThrow(OptionError);
    expect(() => fitItemFeaturizer(CATALOG, { ordinalSmoothing: 2 })).toThrow(OptionError);
    const f = fitItemFeaturizer(CATALOG, { text: { minDf: 1 } });
    expect(() => itemFeaturizerFromState(f.toJSON(), new Float32Array(f.idf.length + 1))).toThrow(
      ModelFileError,
    );
  });
});
