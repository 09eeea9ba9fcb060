import { useEffect, useRef, type RefObject } from 'react';
import { createImpressionObserver, observeVisible } from '../../widget/impressions';
import type { RowExperiment } from '../../worker/recommender-types';
import { messageOf } from '../runtime/hearth-runtime';
import type { HearthBinding } from '../runtime/use-hearth';

/** Where {@link useRowExposure} watches: the row's card list, or a holdout row's empty place. */
export interface RowExposureRefs {
  readonly list: RefObject<HTMLUListElement | null>;
  readonly place: RefObject<HTMLDivElement | null>;
}

/**
 * Records the exposure of the experiment arm a row was served under, once per row served (each
 * fetch brings a new `experiment`): at the first card impression (half a card visible), or, for
 * a holdout row, when the empty place it occupies scrolls into view. Nothing for rows outside an
 * experiment.
 */
export function useRowExposure(
  binding: HearthBinding,
  experiment: RowExperiment | undefined,
): RowExposureRefs {
  const list = useRef<HTMLUListElement | null>(null);
  const place = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    if (!experiment) return;
    let recorded = false;
    const expose = (): void => {
      if (recorded) return;
      recorded = true;
      const { experimentId, armId } = experiment;
      binding.runtime.recommender
        .recordExposure({ experimentId, armId })
        .catch((error: unknown) =>
          console.error(
            `[hearth demo] exposure of ${experimentId} not recorded:`,
            messageOf(error),
          ),
        );
    };
    if (experiment.holdout) {
      return place.current ? observeVisible(place.current, expose) : undefined;
    }
    const cards = list.current?.querySelectorAll('[data-item-id]');
    if (!cards) return;
    const observer = createImpressionObserver(expose);
    observer.observe(cards);
    return () => observer.disconnect();
  }, [binding, experiment]);
  return { list, place };
}
