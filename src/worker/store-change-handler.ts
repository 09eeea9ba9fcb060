import type { StoreChange } from '../storage/store-types';
import { unreachable } from './protocol';
import { messageOf } from './recommender-checks';
import type { RecommenderEvent } from './recommender-types';
import { MODEL_NAME, type ServingModel } from './serving-model';

/** What {@link createStoreChangeHandler} acts on. */
export interface StoreChangeTargets {
  readonly serving: ServingModel;
  readonly scheduleProfileRefresh: () => void;
  /** Another tab erased everything: forget what this recommender holds. */
  readonly forgetAll: () => void;
  readonly emit: (event: RecommenderEvent) => void;
  readonly isDisposed: () => boolean;
}

/**
 * The store-change listener of a recommender. Changes made through this recommender are applied
 * where they are made; only other tabs' matter (and quota warnings, from anywhere).
 */
export function createStoreChangeHandler(t: StoreChangeTargets): (change: StoreChange) => void {
  return (change) => {
    if (t.isDisposed()) return;
    // Quota evictions and an interrupted import undone (this tab's or another's) explain themselves.
    if ('message' in change) {
      t.emit({ type: 'storage', message: change.message });
      return;
    }
    if (change.remote !== true) return;
    switch (change.kind) {
      case 'model':
        if (change.name === MODEL_NAME && change.version > t.serving.state().version) {
          t.serving.loadStored('other-tab').catch((error: unknown) =>
            t.emit({
              type: 'storage',
              message: `Could not load the new model: ${messageOf(error)}`,
            }),
          );
        }
        break;
      case 'catalog':
        t.serving.reloadCatalog().catch(() => undefined);
        break;
      case 'interactions':
        t.scheduleProfileRefresh();
        break;
      case 'erased':
        t.forgetAll();
        t.emit({
          type: 'storage',
          message: 'All Hearth data on this device was erased in another tab.',
        });
        t.emit({ type: 'history-changed', events: 0 });
        break;
      default:
        unreachable(change, 'store change');
    }
  };
}
