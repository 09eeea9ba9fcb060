import { describe, expect, it } from 'vitest';
import type { Interaction } from '../../../src/core/data/types';
import { sortProducts } from '../../../src/app/storefront/catalog-grid';
import {
  buildCategoryTree,
  findCategory,
  inCategory,
} from '../../../src/app/storefront/category-tree';
import { toProduct } from '../../../src/app/storefront/product';
import { strongestActions } from '../../../src/app/storefront/use-activity';
import { cartCount, cartReducer, MAX_QUANTITY } from '../../../src/app/storefront/use-cart';

const products = [
  toProduct({
    id: 'a',
    title: 'A',
    category: ['Home', 'Kitchen', 'Knives'],
    price: 30,
    attributes: { rating: 4 },
  }),
  toProduct({
    id: 'b',
    title: 'B',
    category: ['Home', 'Kitchen', 'Pans'],
    price: 10,
    attributes: { rating: 5 },
  }),
  toProduct({
    id: 'c',
    title: 'C',
    category: ['Home', 'Bath'],
    inStock: false,
    attributes: { rating: 3 },
  }),
  toProduct({ id: 'd', title: 'D', category: ['Garden'], price: 20 }),
];

describe('catalog', () => {
  it('builds a sorted category tree with counts at every level', () => {
    const tree = buildCategoryTree(products);
    expect(tree.count).toBe(4);
    expect(tree.children.map((c) => [c.name, c.count])).toEqual([
      ['Garden', 1],
      ['Home', 3],
    ]);
    const kitchen = findCategory(tree, ['Home', 'Kitchen'])!;
    expect(kitchen.path).toEqual(['Home', 'Kitchen']);
    expect(kitchen.children.map((c) => c.name)).toEqual(['Knives', 'Pans']);
    expect(findCategory(tree, ['Home', 'Nope'])).toBeNull();
    expect(products.filter((p) => inCategory(p, ['Home', 'Kitchen'])).map((p) => p.id)).toEqual([
      'a',
      'b',
    ]);
  });

  it('turns items into products: attributes, unknown stock as in stock, resolved images', () => {
    const p = toProduct(
      {
        id: 'x',
        imageUrl: 'images/x.svg',
        attributes: { brand: 'Acme', rating: 4.5, reviewCount: 3 },
      },
      (url) => (url ? `/demo/${url}` : undefined),
    );
    expect(p).toMatchObject({
      title: 'x',
      inStock: true,
      image: '/demo/images/x.svg',
      brand: 'Acme',
      rating: 4.5,
    });
    expect(products[2]!.inStock).toBe(false);
  });

  it('sorts by price (unknown last) and rating, keeping catalog order for featured', () => {
    expect(sortProducts(products, 'featured').map((p) => p.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(sortProducts(products, 'price-asc').map((p) => p.id)).toEqual(['b', 'd', 'a', 'c']);
    expect(sortProducts(products, 'price-desc').map((p) => p.id)).toEqual(['a', 'd', 'b', 'c']);
    expect(sortProducts(products, 'rating').map((p) => p.id)).toEqual(['b', 'a', 'c', 'd']);
  });
});

describe('cart', () => {
  it('adds, counts, clamps quantities, removes at 0 and clears', () => {
    let cart = cartReducer([], { type: 'add', id: 'a' });
    cart = cartReducer(cart, { type: 'add', id: 'b' });
    cart = cartReducer(cart, { type: 'add', id: 'a' });
    expect(cart).toEqual([
      { id: 'a', quantity: 2 },
      { id: 'b', quantity: 1 },
    ]);
    expect(cartCount(cart)).toBe(3);
    cart = cartReducer(cart, { type: 'set-quantity', id: 'b', quantity: 1000 });
    expect(cart[1]!.quantity).toBe(MAX_QUANTITY);
    expect(cartReducer(cart, { type: 'set-quantity', id: 'a', quantity: Number.NaN })).toBe(cart);
    cart = cartReducer(cart, { type: 'set-quantity', id: 'a', quantity: 0 });
    expect(cart.map((l) => l.id)).toEqual(['b']);
    expect(cartReducer(cart, { type: 'clear' })).toEqual([]);
  });
});

describe('activity', () => {
  it('keeps the strongest event per item', () => {
    const events: Interaction[] = [
      { itemId: 'a', type: 'view', timestamp: 3 },
      { itemId: 'a', type: 'purchase', timestamp: 2 },
      { itemId: 'a', type: 'click', timestamp: 1 },
      { itemId: 'b', type: 'click', timestamp: 1 },
    ];
    expect(Object.fromEntries(strongestActions(events))).toEqual({ a: 'purchase', b: 'click' });
  });
});
