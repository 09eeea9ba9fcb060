import type { RecommenderEvent } from './recommender-types';

/** The listeners of a recommender and the one way to reach them. */
export interface RecommenderEvents {
  emit(event: RecommenderEvent): void;
  /** Adds a listener; returns its removal. */
  on(listener: (event: RecommenderEvent) => void): () => void;
  /** Drops every listener (dispose). */
  clear(): void;
}

/** Creates an empty {@link RecommenderEvents}. */
export function createRecommenderEvents(): RecommenderEvents {
  const listeners = new Set<(event: RecommenderEvent) => void>();
  return {
    emit(event) {
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (error) {
          // A failing listener must not break the others or the operation that emitted.
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    },
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    clear() {
      listeners.clear();
    },
  };
}
