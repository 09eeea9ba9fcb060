import {
  useEffect,
  useRef,
  type KeyboardEvent as ReactKeyboardEvent,
  type MouseEvent as ReactMouseEvent,
  type ReactNode,
} from 'react';
import type { RowSource } from '../../core/serve/row-types';
import { createImpressionObserver, observeVisible } from '../impressions';
import { moveCardFocus } from '../row-keyboard';
import {
  DEFAULT_EMPTY_TEXT,
  DEFAULT_HEADINGS,
  DEFAULT_REASONS,
  formatPrice,
  formatReason,
} from '../row-text';
import type { RecommendedItem } from '../widget-types';
import type { RowExperiment } from '../../worker/recommender-types';
import {
  runtimeFor,
  useRecommendations,
  type UseRecommendationsOptions,
} from './use-recommendations';

/** Class names added to the component's elements (Algolia Recommend's names). */
export interface HearthRecsClassNames {
  readonly root: string;
  /** Added to the root when there is nothing to show. */
  readonly emptyRoot: string;
  readonly title: string;
  readonly container: string;
  readonly list: string;
  readonly item: string;
}

/** Texts of the component. */
export interface HearthRecsTranslations {
  /** Heading (default per row type, e.g. "Recommended for you"); also the region's label. */
  readonly title: string;
  /** Shown when the row is empty or failed (without `emptyComponent`). */
  readonly empty: string;
  /** Reason line with `explain`; `{title}` is the reason item's title. */
  readonly because: string;
}

/** Props of a custom `itemComponent`. */
export interface HearthItemProps {
  readonly item: RecommendedItem;
}

/** Props of a custom `headerComponent`. */
export interface HearthHeaderProps {
  readonly items: readonly RecommendedItem[];
  readonly source: RowSource | null;
  readonly classNames: Partial<HearthRecsClassNames>;
  readonly translations: HearthRecsTranslations;
}

/** Props of {@link HearthRecs}. */
export interface HearthRecsProps extends UseRecommendationsOptions {
  readonly itemComponent?: (props: HearthItemProps) => ReactNode;
  readonly headerComponent?: (props: HearthHeaderProps) => ReactNode;
  readonly emptyComponent?: () => ReactNode;
  readonly classNames?: Partial<HearthRecsClassNames>;
  readonly translations?: Partial<HearthRecsTranslations>;
  /** ISO 4217 code for prices (default: plain number with two decimals). */
  readonly currency?: string;
  readonly locale?: string;
  /** After the click was tracked; the item's link (if any) navigates unless you prevent it. */
  readonly onItemClick?: (item: RecommendedItem, event: ReactMouseEvent) => void;
  /** Once per item, when half of it is visible. */
  readonly onImpression?: (item: RecommendedItem) => void;
}

const cx = (...names: (string | false | undefined)[]): string =>
  names.filter((n): n is string => typeof n === 'string' && n !== '').join(' ');

const FOCUSABLE = 'a[href], button, [tabindex]';

interface DefaultItemProps {
  readonly item: RecommendedItem;
  readonly reason?: string;
  readonly price?: string;
}

function DefaultItem({ item, reason, price }: DefaultItemProps): ReactNode {
  const body = (
    <>
      {item.imageUrl !== undefined && (
        <img className="hearth-recs-image" src={item.imageUrl} alt={item.title} loading="lazy" />
      )}
      <span className="hearth-recs-title">{item.title}</span>
      {price !== undefined && <span className="hearth-recs-price">{price}</span>}
      {reason !== undefined && <span className="hearth-recs-reason">{reason}</span>}
    </>
  );
  const tabIndex = item.rank === 1 ? 0 : -1;
  return item.url !== undefined ? (
    <a className="hearth-recs-card" href={item.url} tabIndex={tabIndex}>
      {body}
    </a>
  ) : (
    <button className="hearth-recs-card" type="button" tabIndex={tabIndex}>
      {body}
    </button>
  );
}

/**
 * A recommendation row for React apps, on the page's shared Hearth runtime (one worker for every
 * row and `<hearth-recs>` element). Unstyled: style it through `classNames`. A labelled region
 * with a list; arrow keys move between items; clicking an item tracks a `click` (with
 * `via: 'row'`, the experiments' row-click metric). The region carries `data-status`,
 * `data-source` and, for a set-up mistake such as a missing model, `data-problem` (e.g.
 * `no-model`, also logged once).
 *
 * Under an experiment arm (when the runtime's recommender runs experiments) the row records one
 * exposure at its first item impression. In a holdout arm it renders only an empty, zero-height
 * `<div data-status="holdout">` (no heading, no class names, no empty text) and records the
 * exposure when that place scrolls into view.
 */
export function HearthRecs(props: HearthRecsProps): ReactNode {
  const { type, classNames = {}, explain = false } = props;
  const { items, source, status, problem, experiment } = useRecommendations(props);
  const translations: HearthRecsTranslations = {
    title: DEFAULT_HEADINGS[type],
    empty: DEFAULT_EMPTY_TEXT,
    because: DEFAULT_REASONS[type],
    ...props.translations,
  };
  const list = useRef<HTMLOListElement>(null);
  const onImpression = useRef(props.onImpression);
  onImpression.current = props.onImpression;
  const byId = useRef(new Map<string, RecommendedItem>());
  byId.current = new Map(items.map((item) => [item.id, item]));

  const holdoutPlace = useRef<HTMLDivElement>(null);
  const exposed = useRef<RowExperiment | null>(null);
  // Once per row served: each fetch of the row brings a new `experiment` object.
  const expose = useRef((): void => undefined);
  expose.current = () => {
    if (!experiment || exposed.current === experiment) return;
    exposed.current = experiment;
    runtimeFor(props)
      .recordExposure(experiment)
      .catch((error: unknown) => console.error('[hearth-recs] exposure not recorded:', error));
  };

  useEffect(() => {
    const root = list.current;
    if (!root || (!onImpression.current && !experiment)) return;
    const observer = createImpressionObserver((_card, id) => {
      expose.current();
      const item = byId.current.get(id);
      if (item) onImpression.current?.(item);
    });
    observer.observe(root.querySelectorAll('[data-item-id]'));
    return () => observer.disconnect();
  }, [items, experiment]);

  useEffect(() => {
    const place = holdoutPlace.current;
    if (!place || !experiment?.holdout) return;
    return observeVisible(place, () => expose.current());
  }, [experiment]);

  const track = (item: RecommendedItem, event: ReactMouseEvent): void => {
    runtimeFor(props)
      .track({ itemId: item.id, type: 'click', via: 'row' })
      .catch((error: unknown) => console.error('[hearth-recs] click not tracked:', error));
    props.onItemClick?.(item, event);
  };

  const onKeyDown = (event: ReactKeyboardEvent<HTMLOListElement>): void => {
    const cards = [...event.currentTarget.children].flatMap((li) => {
      const card = li.querySelector<HTMLElement>(FOCUSABLE);
      return card ? [card] : [];
    });
    moveCardFocus(event.nativeEvent, cards);
  };

  if (experiment?.holdout) return <div ref={holdoutPlace} data-status="holdout" />;
  const isEmpty = status === 'empty' || status === 'error';
  return (
    <section
      className={cx('hearth-recs', classNames.root, isEmpty && classNames.emptyRoot)}
      role="region"
      aria-label={translations.title}
      aria-busy={status === 'loading'}
      data-status={status}
      data-source={source ?? undefined}
      data-problem={problem?.code}
    >
      {props.headerComponent ? (
        props.headerComponent({ items, source, classNames, translations })
      ) : (
        <h2 className={cx('hearth-recs-title', classNames.title)}>{translations.title}</h2>
      )}
      {isEmpty ? (
        props.emptyComponent ? (
          props.emptyComponent()
        ) : (
          <p className="hearth-recs-empty">{translations.empty}</p>
        )
      ) : (
        <div className={cx('hearth-recs-container', classNames.container)}>
          <ol className={cx('hearth-recs-list', classNames.list)} ref={list} onKeyDown={onKeyDown}>
            {items.map((item) => {
              const reason = item.reasons[0];
              return (
                <li
                  key={item.id}
                  className={cx('hearth-recs-item', classNames.item)}
                  data-item-id={item.id}
                  onClick={(event) => track(item, event)}
                >
                  {props.itemComponent ? (
                    props.itemComponent({ item })
                  ) : (
                    <DefaultItem
                      item={item}
                      {...(explain &&
                        reason && { reason: formatReason(translations.because, reason.title) })}
                      {...(item.price !== undefined && {
                        price: formatPrice(item.price, props.currency, props.locale),
                      })}
                    />
                  )}
                </li>
              );
            })}
          </ol>
        </div>
      )}
    </section>
  );
}
