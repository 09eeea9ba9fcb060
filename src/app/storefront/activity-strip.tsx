import type { EventType } from '../../core/data/types';
import { formatCount, formatTime } from '../format';
import { productHref } from '../router/route';
import { useStorefrontActivity } from './use-activity';
import { useCatalog } from './use-catalog';

/** Events listed in the strip. */
export const STRIP_EVENTS = 8;

const LABELS: Record<EventType, string> = {
  view: 'Viewed',
  click: 'Clicked',
  cart: 'Added to cart',
  purchase: 'Bought',
  rating: 'Rated',
  dismiss: 'Dismissed',
};

/** The visitor's most recent events, as stored on this device; the rows learn from these. */
export function ActivityStrip() {
  const activity = useStorefrontActivity();
  const catalog = useCatalog();
  const recent = activity.events.slice(0, STRIP_EVENTS);
  return (
    <section className="activity" aria-labelledby="activity-title">
      <div className="activity__header">
        <h2 id="activity-title" className="activity__title">
          Your activity
        </h2>
        <p className="activity__note">
          <span data-testid="history-count">{formatCount(activity.events.length)}</span>{' '}
          {activity.events.length === 1 ? 'event' : 'events'}, stored only in this browser.{' '}
          <a href="#/privacy">What is stored?</a>
        </p>
      </div>
      {activity.error !== null ? (
        <p className="error" role="alert">
          Could not read your activity: {activity.error}
        </p>
      ) : null}
      {recent.length === 0 ? (
        <p className="activity__empty">
          Nothing yet. Open a product or click a recommendation and watch the rows change.
        </p>
      ) : (
        <ol className="activity__list" aria-label="Recent events, newest first">
          {recent.map((event, i) => (
            <li key={`${event.timestamp}-${event.itemId}-${event.type}-${i}`}>
              <span className={`event-type event-type--${event.type}`}>{LABELS[event.type]}</span>{' '}
              <a href={productHref(event.itemId)}>
                {catalog.byId.get(event.itemId)?.title ?? event.itemId}
              </a>{' '}
              <time dateTime={new Date(event.timestamp).toISOString()}>
                {formatTime(event.timestamp)}
              </time>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
