import { useCallback } from 'react';
import type { RowRequest } from '../../core/serve/row-types';
import { productHref } from '../router/route';
import { useStorefront } from '../runtime/use-hearth';
import { RecommendationRow } from '../rows/recommendation-row';
import { toProduct, type Product } from './product';
import { useStorefrontActivity } from './use-activity';
import { useCatalog } from './use-catalog';

/** Props of {@link StorefrontRow}. */
export interface StorefrontRowProps {
  readonly request: RowRequest;
  readonly title: string;
  readonly level?: 2 | 3;
  readonly emptyText?: string;
  /** Items never shown (see `RecommendationRowProps.hide`). */
  readonly hide?: readonly string[];
}

/**
 * A recommendation row of the storefront: cards link to product pages and a click is tracked as a
 * row click (`via: 'row'`, the experiments' `row-click` metric).
 */
export function StorefrontRow(props: StorefrontRowProps) {
  const binding = useStorefront();
  const catalog = useCatalog();
  const activity = useStorefrontActivity();
  const productOf = useCallback(
    (id: string): Product => catalog.byId.get(id) ?? toProduct({ id }),
    [catalog],
  );
  const onActivate = useCallback(
    (product: Product) =>
      void binding.runtime.track({ itemId: product.id, type: 'click', via: 'row' }),
    [binding],
  );
  return (
    <RecommendationRow
      binding={binding}
      request={props.request}
      title={props.title}
      {...(props.level !== undefined && { level: props.level })}
      {...(props.emptyText !== undefined && { emptyText: props.emptyText })}
      {...(props.hide !== undefined && { hide: props.hide })}
      productOf={productOf}
      actionOf={activity.actionOf}
      hrefOf={productHref}
      onActivate={onActivate}
    />
  );
}
