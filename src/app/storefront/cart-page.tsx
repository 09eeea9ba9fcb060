import { useId, useState } from 'react';
import { formatCount, formatPrice } from '../format';
import { PageTitle } from '../page-title';
import { productHref } from '../router/route';
import { useStorefront } from '../runtime/use-hearth';
import { StorefrontRow } from './storefront-row';
import { cartCount, MAX_QUANTITY, useCart } from './use-cart';
import { useCatalog } from './use-catalog';

interface Order {
  readonly items: number;
  readonly total: number;
}

function CartLineRow({ id, quantity }: { readonly id: string; readonly quantity: number }) {
  const catalog = useCatalog();
  const cart = useCart();
  const quantityId = useId();
  const product = catalog.byId.get(id);
  const title = product?.title ?? id;
  return (
    <li className="cart-line">
      <span className="cart-line__image" aria-hidden="true">
        {product?.image ? <img src={product.image} alt="" /> : null}
      </span>
      <a className="cart-line__title" href={productHref(id)}>
        {title}
      </a>
      <span className="cart-line__price">{formatPrice(product?.price)}</span>
      <label htmlFor={quantityId} className="cart-line__quantity">
        Quantity of {title}
      </label>
      <input
        id={quantityId}
        type="number"
        min={1}
        max={MAX_QUANTITY}
        value={quantity}
        onChange={(event) =>
          cart.dispatch({ type: 'set-quantity', id, quantity: event.target.valueAsNumber })
        }
      />
      <button
        type="button"
        className="button button--quiet"
        onClick={() => cart.dispatch({ type: 'remove', id })}
      >
        Remove <span className="visually-hidden">{title}</span>
      </button>
    </li>
  );
}

/** The cart: lines, total, checkout (tracked as purchases) and a bought-together row. */
export function CartPage() {
  const cart = useCart();
  const catalog = useCatalog();
  const { runtime } = useStorefront();
  const [order, setOrder] = useState<Order | null>(null);
  const total = cart.lines.reduce(
    (sum, line) => sum + (catalog.byId.get(line.id)?.price ?? 0) * line.quantity,
    0,
  );

  const checkout = async (): Promise<void> => {
    const lines = cart.lines;
    setOrder({ items: cartCount(lines), total });
    cart.dispatch({ type: 'clear' });
    for (const line of lines) {
      await runtime.track({ itemId: line.id, type: 'purchase', value: line.quantity });
    }
  };

  return (
    <>
      <PageTitle>Your cart</PageTitle>
      {order !== null ? (
        <p className="notice" role="status">
          Thank you! Your demo order of {formatCount(order.items)} items ({formatPrice(order.total)}
          ) was recorded as purchases on this device. Nothing was charged or sent.
        </p>
      ) : null}
      {cart.lines.length === 0 ? (
        <p>
          Your cart is empty. <a href="#/">Continue shopping</a>.
        </p>
      ) : (
        <>
          <ul className="cart" aria-label="Items in your cart">
            {cart.lines.map((line) => (
              <CartLineRow key={line.id} id={line.id} quantity={line.quantity} />
            ))}
          </ul>
          <p className="cart__total">
            Total: <strong>{formatPrice(total)}</strong> for {formatCount(cartCount(cart.lines))}{' '}
            items
          </p>
          <button type="button" className="button button--primary" onClick={() => void checkout()}>
            Place order
          </button>
          <StorefrontRow
            title="Frequently bought together"
            request={{
              type: 'bought-together',
              itemIds: cart.lines.map((line) => line.id),
              k: 8,
              exclude: cart.lines.map((line) => line.id),
              filters: { inStockOnly: true },
            }}
          />
        </>
      )}
      <StorefrontRow
        title="Recommended for you"
        request={{ type: 'for-you', history: [], k: 10, filters: { inStockOnly: true } }}
      />
    </>
  );
}
