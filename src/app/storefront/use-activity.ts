import { createContext, useContext, useMemo } from 'react';
import { DEFAULT_EVENT_WEIGHTS, type EventType, type Interaction } from '../../core/data/types';
import { DEFAULT_HISTORY_LIMIT } from '../../worker';
import { useAsync } from '../runtime/use-async';
import { useRuntimeState, type HearthBinding } from '../runtime/use-hearth';

/** Events read: as many as the runtime's live profile holds, which is what the rows fold in. */
export const ACTIVITY_LIMIT = DEFAULT_HISTORY_LIMIT;

/** The visitor's recent events and, per item, the strongest thing they did with it. */
export interface Activity {
  /** Newest first. */
  readonly events: readonly Interaction[];
  readonly actionOf: (itemId: string) => EventType | undefined;
  readonly error: string | null;
}

/** Per item, the event type with the largest default weight (purchase > cart > click > view). */
export function strongestActions(events: readonly Interaction[]): Map<string, EventType> {
  const best = new Map<string, EventType>();
  for (const event of events) {
    const current = best.get(event.itemId);
    if (
      current === undefined ||
      DEFAULT_EVENT_WEIGHTS[event.type] > DEFAULT_EVENT_WEIGHTS[current]
    ) {
      best.set(event.itemId, event.type);
    }
  }
  return best;
}

/** The visitor's recent events from the device's database, re-read after every history change. */
export function useActivity(binding: HearthBinding, limit: number = ACTIVITY_LIMIT): Activity {
  const state = useRuntimeState(binding.runtime);
  const { value, error } = useAsync(
    () => binding.reader.recentEvents(limit),
    [binding, limit, state.historyTick, state.generation, state.status],
  );
  return useMemo(() => {
    const events = value ?? [];
    const actions = strongestActions(events);
    return { events, actionOf: (id: string) => actions.get(id), error };
  }, [value, error]);
}

const EMPTY: Activity = { events: [], actionOf: () => undefined, error: null };

/** The storefront visitor's activity, read once at the top of the app and shared. */
export const ActivityContext = createContext<Activity>(EMPTY);

/** The storefront visitor's activity (empty outside the provider). */
export function useStorefrontActivity(): Activity {
  return useContext(ActivityContext);
}
