import { describe, expect, it } from 'vitest';
import { DataError } from '../../../../src/core/errors';
import { MOVIELENS_GENRES, parseCatalog } from '../../../../src/core/data/parse/index';

async function dataError(promise: Promise<unknown>): Promise<DataError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

describe('parseCatalog CSV/TSV', () => {
  it('maps the standard fields and keeps other columns as attributes', async () => {
    const text = [
      'id,title,description,category,tags,price,in_stock,image_url,brand,weight,code',
      'k1,Chef knife,"Sharp, 20 cm",Home > Kitchen > Knives,steel;chef,$49.90,yes,https://x/k1.png,Acme,0.25,007',
      'k2,Board,,Home/Kitchen,"wood|board",12,0,,,,',
    ].join('\n');
    const { items, report } = await parseCatalog(text);
    expect(report).toMatchObject({ format: 'csv', totalRows: 2, acceptedRows: 2 });
    expect(items).toEqual([
      {
        id: 'k1',
        title: 'Chef knife',
        description: 'Sharp, 20 cm',
        category: ['Home', 'Kitchen', 'Knives'],
        tags: ['steel', 'chef'],
        price: 49.9,
        inStock: true,
        imageUrl: 'https://x/k1.png',
        attributes: { brand: 'Acme', weight: 0.25, code: '007' },
      },
      {
        id: 'k2',
        title: 'Board',
        category: ['Home', 'Kitchen'],
        tags: ['wood', 'board'],
        price: 12,
        inStock: false,
      },
    ]);
  });

  it('reads TSV with aliased headers and comma-separated tags', async () => {
    const text =
      'sku\tname\tcategories\tkeywords\tavailable\nA\tAlpha\tBooks|Fiction\tx, y ,x\tTRUE\n';
    const { items, report } = await parseCatalog(text);
    expect(report.format).toBe('tsv');
    expect(items).toEqual([
      { id: 'A', title: 'Alpha', category: ['Books', 'Fiction'], tags: ['x', 'y'], inStock: true },
    ]);
  });

  it('maps columns explicitly by name and index', async () => {
    const text = 'code,label,cost\nc1,One,3\n';
    const { items } = await parseCatalog(text, {
      columns: { id: 'code', title: 1, price: 'cost' },
    });
    expect(items).toEqual([{ id: 'c1', title: 'One', price: 3 }]);
  });

  it('reads a headerless catalog as id, title, then attributes', async () => {
    const { items } = await parseCatalog('1,Alpha,x\n2,Beta,y\n');
    expect(items).toEqual([
      { id: '1', title: 'Alpha', attributes: { column2: 'x' } },
      { id: '2', title: 'Beta', attributes: { column2: 'y' } },
    ]);
  });

  it('rejects duplicate ids (first wins) and malformed fields with their lines', async () => {
    const text = [
      'id,title,price,inStock', // 1
      'a,First,1,yes', // 2
      'a,Second,2,yes', // 3
      'b,Bad price,cheap,yes', // 4
      'c,Bad stock,3,maybe', // 5
      ',No id,4,no', // 6
      'd,Good,5,no', // 7
    ].join('\n');
    const { items, report } = await parseCatalog(text);
    expect(items.map((i) => [i.id, i.title])).toEqual([
      ['a', 'First'],
      ['d', 'Good'],
    ]);
    expect(report).toMatchObject({ totalRows: 6, acceptedRows: 2, rejectedRows: 4 });
    expect(report.errors).toEqual([
      { line: 3, reason: 'duplicate item id "a" (first seen on line 2; the first row is kept)' },
      { line: 4, reason: 'price (column "price") is not a number: "cheap"' },
      {
        line: 5,
        reason: 'inStock (column "inStock") must be true/false, yes/no or 1/0, got "maybe"',
      },
      { line: 6, reason: 'empty item id (column "id")' },
    ]);
  });

  it('throws UNKNOWN_COLUMN without an id column and EMPTY_INPUT without rows', async () => {
    const missing = await dataError(parseCatalog('title,price\nA,1\n'));
    expect(missing.code).toBe('UNKNOWN_COLUMN');
    expect(missing.message).toContain('columns.id');
    expect((await dataError(parseCatalog('id,title\n'))).code).toBe('EMPTY_INPUT');
  });

  it('throws INVALID_ROW when every row is bad', async () => {
    const error = await dataError(parseCatalog('id,price\na,x\nb,y\n'));
    expect(error.code).toBe('INVALID_ROW');
    expect(error.message).toContain('line 2: price (column "price") is not a number');
  });
});

describe('parseCatalog JSON Lines', () => {
  it('refuses a sharded catalog index with a message that names the file to give instead', async () => {
    const index =
      '{"kind":"hearth-catalog-index","version":1,"items":3,"hash":"fnv1a32-utf16","shards":["0-ab.json"]}';
    const error = await dataError(parseCatalog(index));
    expect(error.code).toBe('UNKNOWN_FORMAT');
    expect(error.message).toMatch(/catalog-index\.json.*catalog\.json/);
  });

  it('accepts arrays for category and tags and keeps other keys as attributes', async () => {
    const text = [
      '{"productId": 17, "name": "Lamp", "category": ["Home", "Lighting"], "tags": ["warm", "led"], "price": "19.5", "inStock": true, "specs": {"w": 5}, "rank": 2}',
      '{"productId": 18, "name": "Bulb", "category": "Home > Lighting", "tags": "a|b", "inStock": 0}',
      '{"productId": 19, "price": "n/a"}',
      '{"name": "no id"}',
    ].join('\n');
    const { items, report } = await parseCatalog(text);
    expect(report).toMatchObject({ format: 'jsonl', acceptedRows: 2, rejectedRows: 2 });
    expect(items).toEqual([
      {
        id: '17',
        title: 'Lamp',
        category: ['Home', 'Lighting'],
        tags: ['warm', 'led'],
        price: 19.5,
        inStock: true,
        attributes: { specs: '{"w":5}', rank: 2 },
      },
      { id: '18', title: 'Bulb', category: ['Home', 'Lighting'], tags: ['a', 'b'], inStock: false },
    ]);
    expect(report.errors).toEqual([
      { line: 3, reason: 'price (key "price") is not a number: "n/a"' },
      {
        line: 4,
        reason: 'empty item id (no id, itemId, sku or productId key; map it with columns.id)',
      },
    ]);
  });
});

describe('parseCatalog MovieLens u.item', () => {
  const line = (id: number, title: string, date: string, flags: number[]): string => {
    const genreFlags = MOVIELENS_GENRES.map((_, g) => (flags.includes(g) ? '1' : '0'));
    return [id, title, date, '', `http://imdb/${id}`, ...genreFlags].join('|');
  };

  it('reads latin-1 titles, dates and genres in u.genre order', async () => {
    const text = [
      line(1, 'Toy Story (1995)', '01-Jan-1995', [3, 4, 5]),
      line(2, 'Les Misérables (1995)', '27-Oct-1995', [8]),
      line(3, 'unknown', '', [0]),
    ].join('\n');
    // latin-1: é is the single byte 0xE9.
    const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
    const { items, report } = await parseCatalog(bytes);
    expect(report.format).toBe('movielens');
    expect(items).toEqual([
      {
        id: '1',
        title: 'Toy Story (1995)',
        category: ['Animation'],
        tags: ['Animation', "Children's", 'Comedy'],
        attributes: { releaseDate: '1995-01-01', year: 1995, imdbUrl: 'http://imdb/1' },
      },
      {
        id: '2',
        title: 'Les Misérables (1995)',
        category: ['Drama'],
        tags: ['Drama'],
        attributes: { releaseDate: '1995-10-27', year: 1995, imdbUrl: 'http://imdb/2' },
      },
      {
        id: '3',
        title: 'unknown',
        category: ['unknown'],
        tags: ['unknown'],
        attributes: { imdbUrl: 'http://imdb/3' },
      },
    ]);
  });

  it('rejects malformed u.item lines when the format is given', async () => {
    const text = [
      line(1, 'A', '01-Jan-1995', [1]),
      '2|B|01-Jan-1995',
      line(3, 'C', '', [2]).replace(/\|0$/, '|x'),
    ].join('\n');
    const { items, report } = await parseCatalog(text, { format: 'movielens' });
    expect(items.map((i) => i.id)).toEqual(['1']);
    expect(report.errors.map((e) => e.line)).toEqual([2, 3]);
    expect(report.errors[0]!.reason).toContain('too few fields: expected 24');
    expect(report.errors[1]!.reason).toBe('genre flag Western (field 24) must be 0 or 1, got "x"');
  });
});
