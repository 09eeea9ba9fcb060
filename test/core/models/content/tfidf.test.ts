import { describe, expect, it } from 'vitest';
import { OptionError } from '../../../../src/core/errors';
import { fitTfIdf, tfIdfFromTerms } from '../../../../src/core/models/content/tfidf';

// Hand-computed: N = 3, df(apple) = 3, df(banana) = 2, df(cherry) = 1;
// idf = ln((1 + N) / (1 + df)) + 1 → apple 1, banana 1.2876821, cherry 1.6931472.
const DOCS = [
  ['apple', 'banana'],
  ['apple', 'cherry'],
  ['apple', 'apple', 'banana'],
];
const ALL = { minDf: 1, maxDfRatio: 1 };

describe('fitTfIdf', () => {
  it('orders terms by document frequency and computes smoothed idf', () => {
    const v = fitTfIdf(DOCS, ALL);
    expect(v.terms).toEqual(['apple', 'banana', 'cherry']);
    expect(v.idf[0]).toBeCloseTo(1, 6);
    expect(v.idf[1]).toBeCloseTo(1.2876821, 6);
    expect(v.idf[2]).toBeCloseTo(1.6931472, 6);
    expect(v.indexOf('cherry')).toBe(2);
    expect(v.indexOf('durian')).toBe(-1);
  });

  it('gives L2-normalised raw-count TF-IDF vectors', () => {
    const v = fitTfIdf(DOCS, { ...ALL, sublinearTf: false });
    const d2 = v.transform(DOCS[2]!);
    expect([...d2.indices]).toEqual([0, 1]);
    // (2·1, 1·1.2877) / ‖·‖
    expect(d2.values[0]).toBeCloseTo(0.840802, 6);
    expect(d2.values[1]).toBeCloseTo(0.5413428, 6);
    const d1 = v.transform(DOCS[1]!);
    expect([...d1.indices]).toEqual([0, 2]);
    expect(d1.values[0]).toBeCloseTo(0.5085423, 6);
    expect(d1.values[1]).toBeCloseTo(0.861037, 6);
  });

  it('uses 1 + ln(count) as term frequency by default', () => {
    const d2 = fitTfIdf(DOCS, ALL).transform(DOCS[2]!);
    expect(d2.values[0]).toBeCloseTo(0.7959605, 6);
    expect(d2.values[1]).toBeCloseTo(0.6053485, 6);
  });

  it('caps the vocabulary by document frequency', () => {
    expect(fitTfIdf(DOCS, { minDf: 2, maxDfRatio: 1 }).terms).toEqual(['apple', 'banana']);
    expect(fitTfIdf(DOCS, { minDf: 1, maxDfRatio: 0.9 }).terms).toEqual(['banana', 'cherry']);
    expect(fitTfIdf(DOCS, { ...ALL, maxTerms: 1 }).terms).toEqual(['apple']);
  });

  it('ignores unknown tokens and returns empty vectors for empty documents', () => {
    const v = fitTfIdf(DOCS, ALL);
    expect(v.transform(['durian']).indices.length).toBe(0);
    expect(v.transform([]).values.length).toBe(0);
  });

  it('round-trips through terms and idf', () => {
    const v = fitTfIdf(DOCS, ALL);
    const w = tfIdfFromTerms(v.terms, v.idf.slice(), v.sublinearTf);
    expect(w.transform(DOCS[2]!)).toEqual(v.transform(DOCS[2]!));
    expect(() => tfIdfFromTerms(['a'], new Float32Array(2), true)).toThrow(OptionError);
  });

  it('rejects out-of-range options', () => {
    expect(() => fitTfIdf(DOCS, { minDf: 0 })).toThrow(OptionError);
    expect(() => fitTfIdf(DOCS, { maxDfRatio: 0 })).toThrow(OptionError);
  });
});
