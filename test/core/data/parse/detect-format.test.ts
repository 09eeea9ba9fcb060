import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../../../src/core/data/parse/index';

const interactions = { kind: 'interactions' } as const;

describe('detectFormat', () => {
  it('recognises JSON Lines, MovieLens, TSV, CSV and whitespace', () => {
    expect(detectFormat('{"a":1}\n', interactions).format).toBe('jsonl');
    expect(detectFormat('196\t242\t3\t881250949\n186\t302\t3\t891717742\n', interactions)).toEqual({
      format: 'movielens',
      layout: { kind: 'delimited', delimiter: '\t', quotes: false },
    });
    expect(detectFormat('userId,movieId,rating,timestamp\n1,2,3,4\n', interactions).format).toBe(
      'movielens',
    );
    expect(detectFormat('1::2::3::4\n', interactions).layout).toEqual({
      kind: 'separator',
      separator: '::',
    });
    expect(detectFormat('u\ti\n', interactions).format).toBe('tsv');
    expect(detectFormat('u,i\n', interactions).format).toBe('csv');
    expect(detectFormat('u;i;r\n', interactions).layout).toEqual({
      kind: 'delimited',
      delimiter: ';',
      quotes: true,
    });
    expect(detectFormat('1  2   3\n', interactions).format).toBe('whitespace');
    expect(detectFormat('\uFEFF\n\n  {"a":1}\n', interactions).format).toBe('jsonl');
  });

  it('does not take a tab file with a header or text ids for MovieLens', () => {
    expect(detectFormat('user\titem\trating\tts\n1\t2\t3\t4\n', interactions).format).toBe('tsv');
    expect(
      detectFormat('196\t242\t3\t881250949\nu\t302\t3\t891717742\n', interactions).format,
    ).toBe('tsv');
  });

  it('recognises MovieLens u.item only for catalogs', () => {
    const line = `1|Toy Story (1995)|01-Jan-1995||http://x|${Array(19).fill('0').join('|')}`;
    expect(detectFormat(line, { kind: 'catalog' }).format).toBe('movielens');
    expect(detectFormat(line, interactions).format).toBe('csv');
  });

  it('resolves explicit formats and delimiters', () => {
    expect(
      detectFormat('a|b\n', { ...interactions, format: 'csv', delimiter: '|' }).layout,
    ).toEqual({
      kind: 'delimited',
      delimiter: '|',
      quotes: true,
    });
    expect(
      detectFormat('1,2,3,4\n', { ...interactions, format: 'movielens' }).layout,
    ).toMatchObject({ delimiter: ',' });
    expect(detectFormat('', { ...interactions, format: 'movielens' }).layout).toMatchObject({
      delimiter: '\t',
    });
    expect(() => detectFormat('a', { kind: 'catalog', format: 'whitespace' })).toThrow(
      /titles contain spaces/,
    );
  });

  it('refuses JSON arrays with a hint', () => {
    expect(() => detectFormat('[{"a":1}]', interactions)).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_FORMAT' }),
    );
  });
});
