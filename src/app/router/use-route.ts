import { useSyncExternalStore } from 'react';
import { parseRoute, type Route } from './route';

const subscribe = (listener: () => void): (() => void) => {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
};

const getHash = (): string => location.hash;

/** The current route; re-renders on every hash change. */
export function useRoute(): Route {
  // Parse from the hash string so that the snapshot is stable between changes.
  return parseRoute(useSyncExternalStore(subscribe, getHash));
}
