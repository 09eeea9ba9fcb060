import type {
  ExperimentExposure,
  Recommender,
  RowExperiment,
  TrackEvent,
} from '../../src/worker/recommender-types';

/** What {@link experimentRecommender} saw the widget do. */
export interface ExperimentSpy {
  readonly exposures: ExperimentExposure[];
  readonly tracked: TrackEvent[];
}

/**
 * A real recommender whose rows come back served under `experiment` (a holdout's with no items),
 * recording the exposures and tracked events the widget sends (a tracked event is recorded once
 * the recommender stored it).
 */
export function experimentRecommender(
  inner: Recommender,
  experiment: RowExperiment | undefined,
  spy: ExperimentSpy,
): Recommender {
  return new Proxy(inner, {
    get(target, key) {
      if (key === 'recommend') {
        return async (request: Parameters<Recommender['recommend']>[0]) => {
          const row = await target.recommend(request);
          if (!experiment) return row;
          return experiment.holdout ? { ...row, items: [], experiment } : { ...row, experiment };
        };
      }
      if (key === 'recordExposure') {
        return async (exposure: ExperimentExposure) => {
          spy.exposures.push(exposure);
        };
      }
      if (key === 'track') {
        return async (event: TrackEvent) => {
          await target.track(event);
          spy.tracked.push(event);
        };
      }
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
}
