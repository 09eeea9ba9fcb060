import { describe, expect, it } from 'vitest';
import {
  categoryHref,
  parseRoute,
  productHref,
  routeHref,
  type Route,
} from '../../../src/app/router/route';

describe('routes', () => {
  it('parses every page from the hash', () => {
    expect(parseRoute('')).toEqual({ page: 'home' });
    expect(parseRoute('#/')).toEqual({ page: 'home' });
    expect(parseRoute('#/p/p0042')).toEqual({ page: 'product', id: 'p0042' });
    expect(parseRoute('#/c/Home/Kitchen%20%26%20Dining')).toEqual({
      page: 'category',
      path: ['Home', 'Kitchen & Dining'],
    });
    for (const page of ['cart', 'train', 'data', 'privacy'] as const) {
      expect(parseRoute(`#/${page}`)).toEqual({ page });
    }
  });

  it('treats malformed hashes as not found instead of throwing', () => {
    for (const hash of ['#/p', '#/p/a/b', '#/c', '#/nope', '#/cart/x', '#/p/%E0%A4%A', '#/c//x']) {
      expect(parseRoute(hash)).toEqual({ page: 'not-found', hash });
    }
  });

  it('round-trips ids and paths with any characters', () => {
    const routes: Route[] = [
      { page: 'home' },
      { page: 'product', id: 'sku/1 #2?' },
      { page: 'category', path: ['Toys & Games', 'Puzzles/3D'] },
      { page: 'privacy' },
    ];
    for (const route of routes) expect(parseRoute(routeHref(route))).toEqual(route);
    expect(productHref('a b')).toBe('#/p/a%20b');
    expect(categoryHref(['A', 'B C'])).toBe('#/c/A/B%20C');
  });
});
