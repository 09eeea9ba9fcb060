import { useEffect, useState, type DependencyList } from 'react';
import { messageOf } from './hearth-runtime';

/** State of an {@link useAsync} load; `value` keeps the last result while reloading. */
export interface AsyncState<T> {
  readonly value: T | undefined;
  readonly error: string | null;
  readonly loading: boolean;
}

/**
 * Runs `load` whenever `deps` change and returns its latest settled result. Results of superseded
 * runs are dropped, so a slow early load never overwrites a newer one.
 */
export function useAsync<T>(load: () => Promise<T>, deps: DependencyList): AsyncState<T> {
  const [state, setState] = useState<AsyncState<T>>({
    value: undefined,
    error: null,
    loading: true,
  });
  useEffect(() => {
    let current = true;
    setState((s) => (s.loading ? s : { ...s, loading: true }));
    load().then(
      (value) => {
        if (current) setState({ value, error: null, loading: false });
      },
      (error: unknown) => {
        if (current) setState((s) => ({ value: s.value, error: messageOf(error), loading: false }));
      },
    );
    return () => {
      current = false;
    };
    // The caller lists what `load` depends on, as with useEffect.
  }, deps);
  return state;
}
