import type { ExperimentsStatus } from '../../worker/recommender-types';
import { usePolled } from './use-polled';
import { useRuntimeState, type HearthBinding } from './use-hearth';
import type { AsyncState } from './use-async';

/** How often the device's experiment status is read again (ms): exposures, queue, next report. */
export const DEVICE_EXPERIMENTS_REFRESH_MS = 3_000;

/**
 * This device's experiments (arm, exposure, values, reports sent and queued), read from the
 * storefront's recommender; again after every history change, restart, and every few seconds.
 */
export function useDeviceExperiments(binding: HearthBinding): AsyncState<ExperimentsStatus> {
  const state = useRuntimeState(binding.runtime);
  const ready = state.status === 'ready';
  return usePolled(
    async () => {
      if (!ready) throw new Error('Hearth is still starting on this device.');
      return binding.runtime.recommender.experiments();
    },
    DEVICE_EXPERIMENTS_REFRESH_MS,
    [binding, ready, state.generation, state.historyTick],
  );
}
