/**
 * Hearth's script-tag widget: defines `<hearth-recs>` and installs `window.Hearth`.
 *
 * @example
 * <script type="module" src="/widget/hearth-recs.js"></script>
 * <hearth-recs type="for-you" limit="8" model-src="/model/model.hearth" catalog-src="/model/catalog.json"></hearth-recs>
 * <script>document.querySelector('.product').onclick = () => Hearth.track({ itemId: 'p42', type: 'view' })</script>
 *
 * @module
 */
import { defineHearthRecs } from './hearth-recs-element';
import { installHearthGlobal } from './hearth-global';

export { HearthRecsElement, HEARTH_RECS_TAG, defineHearthRecs } from './hearth-recs-element';
export type { HearthRecsState, HearthRenderDetail } from './hearth-recs-element';
export { installHearthGlobal, createHearthGlobal } from './hearth-global';
export type { HearthGlobal } from './hearth-global';
export {
  sharedRuntime,
  createWidgetRuntime,
  disposeSharedRuntime,
  peekSharedRuntime,
} from './shared-runtime';
export type { WidgetRuntime, WidgetRuntimeEvent, WidgetRuntimeOptions } from './shared-runtime';
export type * from './widget-types';
export type { ExperimentExposure, RowExperiment } from '../worker/recommender-types';

try {
  defineHearthRecs();
  installHearthGlobal();
} catch (error) {
  // A page that cannot run the widget (no custom elements, a locked-down global) keeps working.
  console.error('[hearth] the widget could not start:', error);
}
