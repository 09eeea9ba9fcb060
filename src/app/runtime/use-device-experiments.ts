import type { ExperimentsStatus } from '../../worker/recommender-types';
import { usePolled } from './use-polled';
import { useAppServices, useRuntimeState, type HearthBinding } from './use-hearth';
import type { AsyncState } from './use-async';

/** How often the device's experiment status is read again (ms): exposures, queue, next report. */
export const DEVICE_EXPERIMENTS_REFRESH_MS = 3_000;

/** What {@link useDeviceExperiments} returns: `enabled` false when the device runs none. */
export type DeviceExperimentsState = AsyncState<ExperimentsStatus> & { readonly enabled: boolean };

/**
 * This device's experiments (arm, exposure, values, reports sent and queued), read from the
 * storefront's recommender; again after every history change, restart, and every few seconds.
 * Nothing is asked (and no experiment code loaded) where the storefront runs no experiment.
 */
export function useDeviceExperiments(binding: HearthBinding): DeviceExperimentsState {
  const enabled = useAppServices().experiments === true;
  const state = useRuntimeState(binding.runtime);
  const ready = state.status === 'ready';
  const polled = usePolled(
    async () => {
      if (!enabled) return null;
      if (!ready) throw new Error('Hearth is still starting on this device.');
      return binding.runtime.recommender.experiments();
    },
    DEVICE_EXPERIMENTS_REFRESH_MS,
    [binding, enabled, ready, state.generation, state.historyTick],
  );
  return { ...polled, value: polled.value ?? undefined, enabled };
}
