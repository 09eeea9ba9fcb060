import { useEffect, useState, type DependencyList } from 'react';
import { useAsync, type AsyncState } from './use-async';

/**
 * {@link useAsync} that also reruns `load` every `intervalMs` (live views: the experiment
 * analysis, the device's report queue). The last value stays shown while a reload runs.
 */
export function usePolled<T>(
  load: () => Promise<T>,
  intervalMs: number,
  deps: DependencyList,
): AsyncState<T> {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return useAsync(load, [...deps, tick]);
}
