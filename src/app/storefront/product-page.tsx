import { useEffect, useState } from 'react';
import { formatCount, formatPrice } from '../format';
import { PageTitle } from '../page-title';
import { useStorefront } from '../runtime/use-hearth';
import { Breadcrumbs } from './breadcrumbs';
import { StorefrontRow } from './storefront-row';
import { useCart } from './use-cart';
import { useCatalog } from './use-catalog';

/** A product: image, details, add to cart, and the rows that depend on it. Opening it is a `view`. */
export function ProductPage({ id }: { readonly id: string }) {
  const catalog = useCatalog();
  const { runtime } = useStorefront();
  const cart = useCart();
  const product = catalog.byId.get(id);
  const [added, setAdded] = useState(0);

  useEffect(() => {
    setAdded(0);
    if (catalog.byId.has(id)) void runtime.track({ itemId: id, type: 'view' });
  }, [id, catalog, runtime]);

  if (!product) {
    return (
      <>
        <PageTitle>Product not found</PageTitle>
        <p>
          This shop has no product “{id}”. <a href="#/">Back to the shop</a>.
        </p>
      </>
    );
  }

  const addToCart = (): void => {
    cart.dispatch({ type: 'add', id: product.id });
    setAdded((n) => n + 1);
    void runtime.track({ itemId: product.id, type: 'cart' });
  };
  const inCart = cart.lines.find((line) => line.id === product.id)?.quantity ?? 0;

  return (
    <>
      <Breadcrumbs path={product.category} linkLast />
      <article className="product" aria-labelledby="page-title">
        <div className="product__image">
          {product.image ? (
            <img src={product.image} alt={`Illustration of ${product.title}`} />
          ) : null}
        </div>
        <div className="product__details">
          <PageTitle>{product.title}</PageTitle>
          {product.brand !== undefined ? (
            <p className="product__brand">by {product.brand}</p>
          ) : null}
          {product.rating !== undefined ? (
            <p className="product__rating">
              Rated {product.rating.toFixed(1)} out of 5
              {product.reviewCount !== undefined
                ? ` (${formatCount(product.reviewCount)} reviews)`
                : ''}
            </p>
          ) : null}
          <p className="product__price">{formatPrice(product.price)}</p>
          <p className={product.inStock ? 'stock stock--in' : 'stock stock--out'}>
            {product.inStock ? 'In stock' : 'Out of stock'}
          </p>
          <p className="product__description">{product.description}</p>
          {product.tags.length > 0 ? (
            <>
              <h2 className="product__tags-title">Tags</h2>
              <ul className="tags">
                {product.tags.map((tag) => (
                  <li key={tag} className="tag">
                    {tag}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <div className="product__buy">
            <button
              type="button"
              className="button button--primary"
              onClick={addToCart}
              disabled={!product.inStock}
            >
              {product.inStock ? 'Add to cart' : 'Out of stock'}
            </button>
            <p role="status" className="product__added">
              {added > 0 ? (
                <>
                  Added. {inCart} in your cart — <a href="#/cart">view cart</a>
                </>
              ) : null}
            </p>
          </div>
        </div>
      </article>
      <StorefrontRow
        title="Similar items"
        request={{ type: 'similar', itemId: product.id, k: 10, filters: { inStockOnly: true } }}
      />
      <StorefrontRow
        title="Frequently bought together"
        request={{
          type: 'bought-together',
          itemIds: [product.id],
          k: 8,
          filters: { inStockOnly: true },
        }}
      />
      <StorefrontRow
        title="Recommended for you"
        hide={[product.id]}
        request={{
          type: 'for-you',
          history: [],
          k: 10,
          filters: { inStockOnly: true },
        }}
      />
    </>
  );
}
