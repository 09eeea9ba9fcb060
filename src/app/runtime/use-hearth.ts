import { createContext, useContext, useSyncExternalStore } from 'react';
import type { NetworkMeter, NetworkMeterSnapshot } from './network-meter';
import type { HearthRuntime, HearthRuntimeState } from './hearth-runtime';
import type { StoreReader } from './store-reader';
import type { OfflineController } from '../../widget/offline';

/** A recommender runtime and the page's read-only view of its database. */
export interface HearthBinding {
  readonly runtime: HearthRuntime;
  readonly reader: StoreReader;
}

/** Everything the app's components reach through context. */
export interface AppServices {
  /** The storefront's runtime (demo catalog, global model, the visitor's events). */
  readonly storefront: HearthBinding;
  /** The "bring your own data" runtime, created on first use. */
  readonly workbench: () => HearthBinding;
  readonly meter: NetworkMeter;
  /**
   * Whether the storefront runs the shop's experiment on this device (the visitor had opted in
   * when the page loaded); absent = no.
   */
  readonly experiments?: boolean;
  /** Hearth's service worker (offline copy); absent in the dev server, null without support. */
  readonly offline?: Promise<OfflineController | null>;
}

/** Context holding the {@link AppServices}; provided once by `App`. */
export const AppServicesContext = createContext<AppServices | null>(null);

/** The app's services; throws outside `App` (a programming error). */
export function useAppServices(): AppServices {
  const services = useContext(AppServicesContext);
  if (services === null) throw new Error('useAppServices() must be called inside <App>.');
  return services;
}

/** The storefront binding. */
export function useStorefront(): HearthBinding {
  return useAppServices().storefront;
}

/** Re-renders on every change of a runtime's state. */
export function useRuntimeState(runtime: HearthRuntime): HearthRuntimeState {
  return useSyncExternalStore(runtime.subscribe, runtime.getState);
}

/** Re-renders when the network meter counts bytes. */
export function useNetworkMeter(meter: NetworkMeter): NetworkMeterSnapshot {
  return useSyncExternalStore(meter.subscribe, meter.snapshot);
}
