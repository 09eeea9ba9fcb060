import { useId } from 'react';
import type { EventType } from '../../core/data/types';
import type { RowRequest } from '../../core/serve/row-types';
import type { HearthBinding } from '../runtime/use-hearth';
import type { Product } from '../storefront/product';
import { describeSource, explainItem, isFallback } from './explain';
import { RecommendationCard } from './recommendation-card';
import { useRovingFocus } from './use-roving-focus';
import { useRow } from './use-row';
import { useRowExposure } from './use-row-exposure';

/** Props of {@link RecommendationRow}. */
export interface RecommendationRowProps {
  readonly binding: HearthBinding;
  readonly request: RowRequest;
  readonly title: string;
  /** Heading level inside the page (default 2). */
  readonly level?: 2 | 3;
  readonly productOf: (id: string) => Product;
  readonly actionOf: (id: string) => EventType | undefined;
  /** Card link target; without it cards are buttons calling `onActivate`. */
  readonly hrefOf?: (id: string) => string;
  readonly onActivate?: (product: Product) => void;
  /** Shown when the row has no items. */
  readonly emptyText?: string;
  /**
   * Items never shown, without changing the request (e.g. the product on the page, which the
   * history excludes only once its view is recorded).
   */
  readonly hide?: readonly string[];
}

/**
 * A row of recommendations: heading, where its items come from (personal or which fallback), and
 * cards with their explanations. Refreshes after every click; items that just entered are marked
 * "New". One tab stop; ←/→/Home/End move between cards. Under an experiment arm it records the
 * exposure at its first card impression; a holdout arm's row renders an empty, zero-height place
 * that records the exposure when it scrolls into view.
 */
export function RecommendationRow(props: RecommendationRowProps) {
  const { binding, request, title, productOf, actionOf } = props;
  const rowId = `row${useId().replace(/:/g, '')}`;
  const { result, error, loading, newIds, changes } = useRow(binding, request);
  const exposure = useRowExposure(binding, result?.experiment);
  const hidden = new Set(props.hide ?? []);
  const items = (result?.items ?? []).filter((item) => !hidden.has(item.id));
  const focus = useRovingFocus(items.length);
  const Heading = props.level === 3 ? 'h3' : 'h2';
  const titleOf = (id: string): string => productOf(id).title;
  if (result?.experiment?.holdout) {
    return (
      <div
        ref={exposure.place}
        className="rec-row--holdout"
        data-row={request.type}
        data-holdout={result.experiment.experimentId}
      />
    );
  }
  return (
    <section
      className="rec-row"
      aria-labelledby={`${rowId}-title`}
      data-row={request.type}
      data-source={result?.source ?? ''}
      data-changes={changes}
    >
      <div className="rec-row__header">
        <Heading id={`${rowId}-title`} className="rec-row__title">
          {title}
        </Heading>
        {result ? (
          <span
            className={
              isFallback(result.source) ? 'source source--fallback' : 'source source--model'
            }
          >
            {describeSource(result.type, result.source)}
          </span>
        ) : null}
        <span className="rec-row__status">
          {loading && !result ? 'Loading…' : null}
          {changes > 0 && newIds.size > 0
            ? `Updated after your last click: ${newIds.size} new`
            : null}
        </span>
      </div>
      {error !== null ? (
        <p className="error" role="alert">
          Could not load “{title}”: {error}
        </p>
      ) : null}
      {result && items.length === 0 ? (
        <p className="rec-row__empty">{props.emptyText ?? 'Nothing to recommend here yet.'}</p>
      ) : null}
      {items.length > 0 ? (
        <>
          <p id={`${rowId}-hint`} className="visually-hidden">
            Use the left and right arrow keys to move between items.
          </p>
          <ul
            ref={exposure.list}
            className="rec-row__list"
            aria-labelledby={`${rowId}-title`}
            aria-describedby={`${rowId}-hint`}
            onKeyDown={focus.onKeyDown}
          >
            {items.map((item, i) => (
              <RecommendationCard
                key={item.id}
                rowId={rowId}
                item={item}
                product={productOf(item.id)}
                explanation={explainItem(item, { source: result!.source, titleOf, actionOf })}
                isNew={newIds.has(item.id)}
                {...(props.hrefOf && { href: props.hrefOf(item.id) })}
                {...(props.onActivate && { onActivate: props.onActivate })}
                tabIndex={focus.tabIndexOf(i)}
                focusRef={focus.refOf(i)}
                onFocus={focus.onFocusOf(i)}
              />
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
