import { describe, expect, it } from 'vitest';
import { ENGLISH_STOP_WORDS, tokenize } from '../../../../src/core/models/content/tokenize';

describe('tokenize', () => {
  it('lowercases and drops English stop words', () => {
    expect(tokenize('The Lord of the Rings')).toEqual(['lord', 'rings']);
    expect(ENGLISH_STOP_WORDS.has('the')).toBe(true);
  });

  it('keeps letters of any script, with accents, and digits', () => {
    expect(tokenize('Crème Brûlée, naïve café! (1995)')).toEqual([
      'crème',
      'brûlée',
      'naïve',
      'café',
      '1995',
    ]);
    expect(tokenize('Привет, мир — Ελληνικά')).toEqual(['привет', 'мир', 'ελληνικά']);
  });

  it('splits ideographic scripts into characters', () => {
    expect(tokenize('東京の夜 tower')).toEqual(['東', '京', 'の', '夜', 'tower']);
  });

  it('normalises compatibility forms and removes apostrophes inside words', () => {
    expect(tokenize('ﬁsh ＡＢＣ')).toEqual(['fish', 'abc']);
    expect(tokenize("Don't Stop")).toEqual(['dont', 'stop']);
  });

  it('honours minLength and a custom stop-word set', () => {
    expect(tokenize('a b cd efg', { stopWords: new Set(), minLength: 2 })).toEqual(['cd', 'efg']);
    expect(tokenize('a b cd', { stopWords: new Set(), minLength: 1 })).toEqual(['a', 'b', 'cd']);
    expect(tokenize('red apple', { stopWords: new Set(['red']) })).toEqual(['apple']);
  });

  it('appends bigrams of adjacent kept tokens', () => {
    expect(tokenize('Red apple pie', { bigrams: true })).toEqual([
      'red',
      'apple',
      'pie',
      'red apple',
      'apple pie',
    ]);
    expect(tokenize('pie', { bigrams: true })).toEqual(['pie']);
  });

  it('returns nothing for empty or punctuation-only text', () => {
    expect(tokenize('')).toEqual([]);
    expect(tokenize(' -- !! ')).toEqual([]);
  });
});
