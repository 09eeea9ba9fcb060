import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/core/errors';
import {
  displayCatalogFrom,
  downloadCatalog,
  readCatalogRecords,
  resolveItemUrl,
} from '../../src/widget/display-catalog';

const BASE = 'https://shop.example/model/catalog.json';

describe('readCatalogRecords', () => {
  it('reads the JSON array hearth train writes and JSON Lines, skipping bad lines', () => {
    expect(readCatalogRecords('[{"id":"a"},{"id":"b"}]', BASE)).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(readCatalogRecords('{"id":"a"}\n\nnot json\n{"id":"b"}\n', BASE)).toEqual([
      { id: 'a' },
      { id: 'b' },
    ]);
    expect(readCatalogRecords('  ', BASE)).toEqual([]);
  });

  it('refuses other formats with a DataError naming the file', () => {
    expect(() => readCatalogRecords('id,title\na,A', BASE)).toThrow(DataError);
    expect(() => readCatalogRecords('id,title\na,A', BASE)).toThrow(/catalog at https:\/\/shop/);
  });
});

describe('displayCatalogFrom', () => {
  it('keeps display fields under their common names; first record of an id wins', () => {
    const catalog = displayCatalogFrom(
      [
        { id: 'a', title: 'Lamp', price: 12.5, imageUrl: 'images/a.svg', url: '/p/a' },
        { id: 7, name: 'Chair', price: '30', image: 'https://cdn.example/7.jpg', link: '/p/7' },
        { id: 'a', title: 'Duplicate' },
        { title: 'no id' },
        { id: 'c', price: 'n/a' },
        null,
      ],
      BASE,
    );
    expect(catalog.size).toBe(3);
    expect(catalog.get('a')).toEqual({
      id: 'a',
      title: 'Lamp',
      price: 12.5,
      imageUrl: 'images/a.svg',
      url: '/p/a',
    });
    expect(catalog.get('7')).toEqual({
      id: '7',
      title: 'Chair',
      price: 30,
      imageUrl: 'https://cdn.example/7.jpg',
      url: '/p/7',
    });
    expect(catalog.get('c')).toEqual({ id: 'c', title: 'c' });
    expect(catalog.baseUrl).toBe(BASE);
  });
});

describe('resolveItemUrl', () => {
  it('resolves relative addresses and drops unsafe schemes', () => {
    expect(resolveItemUrl('images/a.svg', BASE)).toBe('https://shop.example/model/images/a.svg');
    expect(resolveItemUrl('/demo/images/a.svg', BASE)).toBe(
      'https://shop.example/demo/images/a.svg',
    );
    expect(resolveItemUrl('data:image/png;base64,AAAA', BASE)).toBe('data:image/png;base64,AAAA');
    expect(resolveItemUrl('javascript:alert(1)', BASE)).toBeUndefined();
    expect(resolveItemUrl('data:text/html,<b>x</b>', BASE)).toBeUndefined();
    expect(resolveItemUrl(undefined, BASE)).toBeUndefined();
    expect(resolveItemUrl('x', 'not a base')).toBeUndefined();
  });
});

describe('downloadCatalog', () => {
  it('returns the text, and explains failed downloads', async () => {
    const ok = async (): Promise<Response> => new Response('[{"id":"a"}]');
    expect(await downloadCatalog(BASE, ok)).toBe('[{"id":"a"}]');
    const missing = async (): Promise<Response> => new Response('', { status: 404 });
    await expect(downloadCatalog(BASE, missing)).rejects.toThrow(/HTTP 404\); check catalog-src/);
    const offline = async (): Promise<Response> => {
      throw new TypeError('Failed to fetch');
    };
    await expect(downloadCatalog(BASE, offline)).rejects.toMatchObject({
      code: 'UNREADABLE_INPUT',
      message: expect.stringContaining('Failed to fetch'),
    });
  });
});
