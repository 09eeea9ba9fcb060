import { describe, expect, it } from 'vitest';
import { OptionError } from '../../src/core/errors';
import { DEFAULT_LIMIT, itemHref, readElementSettings } from '../../src/widget/element-attributes';

const read = (attributes: Record<string, string>) =>
  readElementSettings((name) => attributes[name] ?? null);

describe('readElementSettings', () => {
  it('defaults to a for-you row of 8 with its heading and no consent change', () => {
    const { settings, problems } = read({});
    expect(problems).toEqual([]);
    expect(settings).toEqual({
      query: { type: 'for-you', itemIds: [], limit: DEFAULT_LIMIT, explain: false },
      heading: 'Recommended for you',
    });
  });

  it('reads every attribute', () => {
    const { settings } = read({
      type: 'bought-together',
      'item-id': ' p1, p2 ,,p3 ',
      limit: '4',
      explain: '',
      heading: 'Complete the look',
      consent: 'granted',
      'model-src': '/m/model.hearth',
      'catalog-src': '/m/catalog.json',
      'image-base': '/demo/',
      'item-href': '/p/{id}',
      currency: 'EUR',
      locale: 'fr-FR',
    });
    expect(settings).toEqual({
      query: {
        type: 'bought-together',
        itemIds: ['p1', 'p2', 'p3'],
        limit: 4,
        explain: true,
        imageBase: '/demo/',
      },
      heading: 'Complete the look',
      consent: 'granted',
      modelSrc: '/m/model.hearth',
      catalogSrc: '/m/catalog.json',
      itemHref: '/p/{id}',
      currency: 'EUR',
      locale: 'fr-FR',
    });
  });

  it('treats any consent other than "granted" as denied, and explain="false" as off', () => {
    expect(read({ consent: 'yes' }).settings.consent).toBe('denied');
    expect(read({ consent: '' }).settings.consent).toBe('denied');
    expect(read({ explain: 'false' }).settings.query.explain).toBe(false);
  });

  it('replaces a bad limit by the default and lists the problem', () => {
    for (const limit of ['0', '2.5', 'many', '51']) {
      const { settings, problems } = read({ limit });
      expect(settings.query.limit).toBe(DEFAULT_LIMIT);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(`limit="${limit}"`);
    }
  });

  it('throws OptionError for an unknown type', () => {
    expect(() => read({ type: 'related-products' })).toThrow(OptionError);
    expect(() => read({ type: 'related-products' })).toThrow(/type must be one of for-you/);
  });
});

describe('itemHref', () => {
  it('fills {id} with the URL-encoded id', () => {
    expect(itemHref('/p/{id}?ref={id}', 'a b/c')).toBe('/p/a%20b%2Fc?ref=a%20b%2Fc');
    expect(itemHref(undefined, 'x')).toBeUndefined();
  });
});
