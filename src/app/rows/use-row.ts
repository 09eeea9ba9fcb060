import { useMemo, useRef } from 'react';
import type { RowRequest, RowResult } from '../../core/serve/row-types';
import type { RecommendedRow } from '../../worker/recommender-types';
import { useAsync } from '../runtime/use-async';
import { useRuntimeState, type HearthBinding } from '../runtime/use-hearth';

/** A row as rendered: the latest result and which of its items were not in the previous one. */
export interface RowState {
  /** With `experiment` when the row was served under an experiment arm. */
  readonly result: RecommendedRow | undefined;
  readonly error: string | null;
  readonly loading: boolean;
  /** Items that entered the row with its latest refresh (empty on the first load). */
  readonly newIds: ReadonlySet<string>;
  /** Refreshes so far that changed the row's items (0 on the first load). */
  readonly changes: number;
}

/** Ids in `next` that `previous` did not have (none when there was no previous result). */
export function enteredIds(
  previous: RowResult | undefined,
  next: RowResult | undefined,
): ReadonlySet<string> {
  if (!previous || !next) return new Set();
  const before = new Set(previous.items.map((item) => item.id));
  return new Set(next.items.filter((item) => !before.has(item.id)).map((item) => item.id));
}

/** Rows remembered per runtime, so a row shown again marks what changed since it was last seen. */
const MEMORY_ROWS = 64;
const memories = new WeakMap<HearthBinding, Map<string, RecommendedRow>>();

function remember(binding: HearthBinding, key: string, row: RecommendedRow): void {
  let memory = memories.get(binding);
  if (!memory) memories.set(binding, (memory = new Map()));
  memory.delete(key);
  memory.set(key, row);
  if (memory.size > MEMORY_ROWS) memory.delete(memory.keys().next().value!);
}

/**
 * Fetches a recommendation row and refetches it after every history change (each click), model
 * swap or restart, so the row follows the visitor. `request` is compared by value. Items new
 * since the row was last shown (in this component or an earlier one) are reported in `newIds`.
 */
export function useRow(binding: HearthBinding, request: RowRequest): RowState {
  const state = useRuntimeState(binding.runtime);
  const key = JSON.stringify(request);
  const ready = state.status === 'ready';
  const {
    value: loaded,
    error,
    loading,
  } = useAsync(
    async () => ({
      key,
      row: ready
        ? await binding.runtime.recommender.recommend(JSON.parse(key) as RowRequest)
        : undefined,
    }),
    [binding, key, ready, state.historyTick, state.modelVersion, state.generation],
  );
  // A result of the previous request (still shown while the new one loads) is not this row's.
  const value = loaded?.key === key ? loaded.row : undefined;
  const seen = useRef<{
    last: RecommendedRow | undefined;
    previous: RecommendedRow | undefined;
    key: string | null;
    changes: number;
  }>({ last: undefined, previous: undefined, key: null, changes: 0 });
  return useMemo(() => {
    const memo = seen.current;
    if (memo.key !== key) {
      // Another request: compare with what this request showed when last seen, if ever.
      memo.key = key;
      memo.last = memories.get(binding)?.get(key);
      memo.previous = undefined;
      memo.changes = 0;
    }
    if (value !== undefined && value !== memo.last) {
      // Only a row with items that were not there before counts as a change: one click tracks a
      // click and a view, and the second update often just reorders the first one's items — that
      // must not reset what is marked "new" since the click.
      if (memo.last !== undefined && enteredIds(memo.last, value).size > 0) {
        memo.previous = memo.last;
        memo.changes++;
      }
      memo.last = value;
      remember(binding, key, value);
    }
    const current = memo.last;
    return {
      result: current,
      error,
      loading,
      newIds: enteredIds(memo.previous, current),
      changes: memo.changes,
    };
  }, [value, error, loading, key, binding]);
}
