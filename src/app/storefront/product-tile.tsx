import { formatPrice } from '../format';
import { productHref } from '../router/route';
import type { Product } from './product';

/** A product in the catalog grid: a link to its page. */
export function ProductTile({ product }: { readonly product: Product }) {
  return (
    <li className="tile">
      <a className="tile__link" href={productHref(product.id)}>
        <span className="tile__image" aria-hidden="true">
          {product.image ? <img src={product.image} alt="" loading="lazy" /> : null}
        </span>
        <span className="tile__title">{product.title}</span>
        <span className="tile__meta">
          <span className="tile__price">{formatPrice(product.price)}</span>
          {product.inStock ? null : <span className="stock stock--out">Out of stock</span>}
        </span>
      </a>
    </li>
  );
}
