import type { HearthStore } from '../storage/store-types';
import type { LiveProfile } from './live-profile';
import type { RecommenderEvent } from './recommender-types';

/** Delay that batches profile refreshes after bursts of store changes. */
const PROFILE_REFRESH_MS = 50;

/** Keeps the live profile in step with the store (imports here, events from other tabs). */
export interface ProfileSync {
  /** Re-reads the visitor's recent events now; emits `history-changed` if they changed. */
  refresh(): Promise<void>;
  /** Refreshes soon, once for a burst of changes. */
  scheduleRefresh(): void;
  dispose(): void;
}

/** Options of {@link createProfileSync}. */
export interface ProfileSyncOptions {
  readonly profile: LiveProfile;
  readonly store: () => Promise<HearthStore>;
  readonly historyLimit: number;
  readonly visitorId: string;
  readonly emit: (event: RecommenderEvent) => void;
}

/** Creates a {@link ProfileSync}. */
export function createProfileSync(o: ProfileSyncOptions): ProfileSync {
  const { profile } = o;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;
  const refresh = async (): Promise<void> => {
    const s = await o.store();
    const rows = await s.recentInteractions(o.historyLimit, o.visitorId);
    const before = profile.history();
    profile.replaceStored(rows);
    const after = profile.history();
    const same =
      before.length === after.length &&
      before.every((e, i) => e.itemId === after[i]!.itemId && e.type === after[i]!.type);
    if (!same) o.emit({ type: 'history-changed', events: profile.size });
  };
  return {
    refresh,
    scheduleRefresh() {
      if (timer !== null || disposed) return;
      timer = setTimeout(() => {
        timer = null;
        if (!disposed) refresh().catch(() => undefined);
      }, PROFILE_REFRESH_MS);
    },
    dispose() {
      disposed = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
