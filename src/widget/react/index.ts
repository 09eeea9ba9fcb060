/**
 * Hearth for React (18 or 19): `<HearthRecs>`, `useRecommendations` and `useHearthRuntime`, on the
 * same per-page runtime (one Web Worker) as the `<hearth-recs>` script-tag widget. React stays out
 * of the script-tag bundle.
 *
 * @example
 * <HearthRecs type="similar" objectIDs={[product.id]} limit={8} explain
 *   modelSrc="/model/model.hearth" catalogSrc="/model/catalog.json" />
 *
 * @example
 * // Your own code on the rows' runtime (no second worker):
 * const runtime = useHearthRuntime({ modelSrc: '/model/model.hearth' });
 * await runtime?.recommender.train();
 *
 * @module
 */
export { HearthRecs } from './hearth-recs';
export type {
  HearthHeaderProps,
  HearthItemProps,
  HearthRecsClassNames,
  HearthRecsProps,
  HearthRecsTranslations,
} from './hearth-recs';
export { useRecommendations, useHearthRuntime, runtimeFor } from './use-recommendations';
export type {
  RecommendationsStatus,
  UseRecommendationsOptions,
  UseRecommendationsResult,
} from './use-recommendations';
export type { RowFallback } from '../row-query';
export {
  sharedRuntime,
  createWidgetRuntime,
  disposeSharedRuntime,
  peekSharedRuntime,
} from '../shared-runtime';
export type { WidgetRuntime, WidgetRuntimeEvent, WidgetRuntimeOptions } from '../shared-runtime';
export type * from '../widget-types';
export type { ExperimentExposure, RowExperiment } from '../../worker/recommender-types';
