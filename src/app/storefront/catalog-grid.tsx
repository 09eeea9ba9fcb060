import { useId, useMemo, useState } from 'react';
import { formatCount } from '../format';
import type { Product } from './product';
import { ProductTile } from './product-tile';

/** Products shown per "Show more". */
export const PAGE_SIZE = 24;

/** Sort orders of the grid. */
export const SORTS = {
  featured: { label: 'Featured', compare: null },
  'price-asc': {
    label: 'Price: low to high',
    compare: (a: Product, b: Product) => (a.price ?? Infinity) - (b.price ?? Infinity),
  },
  'price-desc': {
    label: 'Price: high to low',
    compare: (a: Product, b: Product) => (b.price ?? -Infinity) - (a.price ?? -Infinity),
  },
  rating: {
    label: 'Customer rating',
    compare: (a: Product, b: Product) => (b.rating ?? 0) - (a.rating ?? 0),
  },
} as const;

/** A sort key of {@link SORTS}. */
export type SortKey = keyof typeof SORTS;

/** Products in the given order (a stable sort; `featured` keeps catalog order). */
export function sortProducts(products: readonly Product[], sort: SortKey): readonly Product[] {
  const compare = SORTS[sort].compare;
  return compare === null ? products : [...products].sort(compare);
}

/** Grid of products with a sort control and "Show more" paging. */
export function CatalogGrid({ products, label }: { products: readonly Product[]; label: string }) {
  const [sort, setSort] = useState<SortKey>('featured');
  const [shown, setShown] = useState(PAGE_SIZE);
  const sorted = useMemo(() => sortProducts(products, sort), [products, sort]);
  const sortId = useId();
  const visible = sorted.slice(0, shown);
  return (
    <div className="grid-block">
      <div className="grid-block__bar">
        <p className="grid-block__count">
          Showing {formatCount(visible.length)} of {formatCount(products.length)} products
        </p>
        <label htmlFor={sortId}>Sort by</label>
        <select
          id={sortId}
          value={sort}
          onChange={(event) => setSort(event.target.value as SortKey)}
        >
          {Object.entries(SORTS).map(([key, { label: text }]) => (
            <option key={key} value={key}>
              {text}
            </option>
          ))}
        </select>
      </div>
      <ul className="grid" aria-label={label}>
        {visible.map((product) => (
          <ProductTile key={product.id} product={product} />
        ))}
      </ul>
      {shown < sorted.length ? (
        <button type="button" className="button" onClick={() => setShown((n) => n + PAGE_SIZE)}>
          Show {Math.min(PAGE_SIZE, sorted.length - shown)} more
        </button>
      ) : null}
    </div>
  );
}
