import type { RankedItem } from '../../core/serve/rank-items';
import { formatPrice } from '../format';
import type { Product } from '../storefront/product';

/** Props of {@link RecommendationCard}. */
export interface RecommendationCardProps {
  readonly item: RankedItem;
  /** Id of the row's element: prefixes the ids this card creates. */
  readonly rowId: string;
  readonly product: Product;
  /** Why the item is here ("Because you viewed …"). */
  readonly explanation: string;
  /** The item entered the row with its latest refresh. */
  readonly isNew: boolean;
  /** Link target; without it the card is a button. */
  readonly href?: string;
  readonly onActivate?: (product: Product) => void;
  /** Roving-focus wiring from the row. */
  readonly tabIndex: 0 | -1;
  readonly focusRef: (element: HTMLElement | null) => void;
  readonly onFocus: () => void;
}

/** One recommended item: image, title, price and the explanation of why it is recommended. */
export function RecommendationCard(props: RecommendationCardProps) {
  const { item, product, explanation, isNew } = props;
  const whyId = `${props.rowId}-why-${item.index}`;
  const body = (
    <>
      {product.image ? (
        <span className="rec-card__image" aria-hidden="true">
          <img src={product.image} alt="" loading="lazy" />
        </span>
      ) : null}
      <span className="rec-card__title">{product.title}</span>
      {product.price !== undefined ? (
        <span className="rec-card__price">{formatPrice(product.price)}</span>
      ) : null}
    </>
  );
  const common = {
    className: 'rec-card__link',
    tabIndex: props.tabIndex,
    ref: props.focusRef,
    onFocus: props.onFocus,
    'aria-describedby': whyId,
    onClick: () => props.onActivate?.(product),
  };
  return (
    <li className={isNew ? 'rec-card rec-card--new' : 'rec-card'} data-item-id={item.id}>
      {props.href !== undefined ? (
        <a href={props.href} {...common}>
          {body}
        </a>
      ) : (
        <button type="button" {...common}>
          {body}
        </button>
      )}
      <p className="rec-card__why" id={whyId}>
        {isNew ? <span className="badge badge--new">New</span> : null}
        {explanation}
      </p>
    </li>
  );
}
