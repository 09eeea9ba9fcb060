import { useId, useMemo, useState } from 'react';
import type { HistoryEvent } from '../../core/serve/row-types';
import { formatCount } from '../format';
import { useRuntimeState, type HearthBinding } from '../runtime/use-hearth';
import { RecommendationRow } from '../rows/recommendation-row';
import { useRow } from '../rows/use-row';
import type { WorkbenchCatalog } from './use-workbench-catalog';

/** Items listed to pick a history from: the most popular ones, or catalog matches of a search. */
export const PICK_LIST_SIZE = 60;

/** Most items a picked history holds. */
export const MAX_PICKED = 20;

/**
 * Browse a trained model without any user: pick a few items as a history and see the for-you row
 * it produces (nothing is stored: the history is passed with each request), plus items similar to
 * the last pick.
 */
export function WorkbenchResults({
  binding,
  catalog,
}: {
  readonly binding: HearthBinding;
  readonly catalog: WorkbenchCatalog;
}) {
  const state = useRuntimeState(binding.runtime);
  const [picked, setPicked] = useState<readonly string[]>([]);
  const [query, setQuery] = useState('');
  const searchId = useId();
  const popular = useRow(binding, { type: 'popular', k: PICK_LIST_SIZE, maxReasons: 0 });
  const candidates = useMemo(() => {
    const q = query.trim().toLowerCase();
    if (q === '') return (popular.result?.items ?? []).map((item) => item.id);
    const pool =
      catalog.products.length > 0
        ? catalog.products.map((p) => p.id)
        : (popular.result?.items ?? []).map((item) => item.id);
    return pool
      .filter(
        (id) => catalog.productOf(id).title.toLowerCase().includes(q) || id.toLowerCase() === q,
      )
      .slice(0, PICK_LIST_SIZE);
  }, [query, catalog, popular.result]);

  const toggle = (id: string): void =>
    setPicked((current) =>
      current.includes(id) ? current.filter((x) => x !== id) : [...current, id].slice(-MAX_PICKED),
    );
  const history: HistoryEvent[] = picked.map((itemId) => ({ itemId, type: 'click' }));
  const last = picked[picked.length - 1];

  if (state.modelVersion === 0) {
    return <p>Train a model first: its results appear here.</p>;
  }

  return (
    <div className="workbench-results">
      <div className="field">
        <label htmlFor={searchId}>Find items</label>
        <input
          id={searchId}
          type="search"
          value={query}
          placeholder={catalog.products.length > 0 ? 'Title or id' : 'Item id'}
          onChange={(e) => setQuery(e.target.value)}
        />
      </div>
      <h3 id="pick-title">
        {query.trim() === '' ? 'Most popular items' : 'Matching items'} — pick some as a history
      </h3>
      <ul className="pick-list" aria-labelledby="pick-title">
        {candidates.map((id) => {
          const on = picked.includes(id);
          return (
            <li key={id}>
              <button
                type="button"
                className={on ? 'pick pick--on' : 'pick'}
                aria-pressed={on}
                onClick={() => toggle(id)}
              >
                {catalog.productOf(id).title}
                {catalog.productOf(id).title !== id ? (
                  <span className="pick__id"> ({id})</span>
                ) : null}
              </button>
            </li>
          );
        })}
      </ul>
      {candidates.length === 0 ? <p>No item matches “{query}”.</p> : null}
      <section aria-labelledby="history-title" className="picked">
        <h3 id="history-title">Chosen history ({formatCount(picked.length)} items)</h3>
        {picked.length === 0 ? (
          <p>No items yet: the for-you row falls back to popular items.</p>
        ) : (
          <>
            <ul className="chips">
              {picked.map((id) => (
                <li key={id} className="chip">
                  {catalog.productOf(id).title}{' '}
                  <button
                    type="button"
                    className="chip__remove"
                    aria-label={`Remove ${catalog.productOf(id).title} from the history`}
                    onClick={() => toggle(id)}
                  >
                    ×
                  </button>
                </li>
              ))}
            </ul>
            <button type="button" className="button button--quiet" onClick={() => setPicked([])}>
              Clear the history
            </button>
          </>
        )}
      </section>
      <RecommendationRow
        binding={binding}
        level={3}
        title="For you, from the chosen history"
        request={{ type: 'for-you', history, k: 12 }}
        productOf={catalog.productOf}
        actionOf={(id) => (picked.includes(id) ? 'click' : undefined)}
        onActivate={(product) => toggle(product.id)}
      />
      {last !== undefined ? (
        <RecommendationRow
          binding={binding}
          level={3}
          title={`Similar to ${catalog.productOf(last).title}`}
          request={{ type: 'similar', itemId: last, k: 12 }}
          productOf={catalog.productOf}
          actionOf={() => undefined}
          onActivate={(product) => toggle(product.id)}
        />
      ) : null}
    </div>
  );
}
