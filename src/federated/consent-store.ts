/**
 * The visitor's opt-in to federated learning, persisted in the store's metadata so it survives
 * reloads and is shared by every tab. Default: not granted. Browser-safe.
 */
/**
 * The part of a `HearthStore` (`src/storage`) the federated browser code needs: metadata only.
 * Declared here because federated code sits on core alone; any Hearth store satisfies it.
 */
export interface MetaStore {
  getMeta<T>(key: string): Promise<T | undefined>;
  setMeta(key: string, value: unknown): Promise<void>;
}

/** Metadata key of the consent record unless overridden. */
export const CONSENT_META_KEY = 'federated.consent';

/** The persisted consent record. */
export interface FederatedConsent {
  readonly granted: boolean;
  /** When the visitor last granted or revoked (ms since epoch); null when never asked. */
  readonly changedAt: number | null;
}

/** Opt-in state of federated learning. */
export interface ConsentStore {
  /** The current record, read from storage every time (another tab may have changed it). */
  get(): Promise<FederatedConsent>;
  /** Shorthand for `(await get()).granted`. */
  isGranted(): Promise<boolean>;
  /** Records the opt-in and notifies listeners. */
  grant(): Promise<void>;
  /** Records the opt-out and notifies listeners. */
  revoke(): Promise<void>;
  /** Called after each `grant`/`revoke` of this store. Returns an unsubscribe function. */
  onChange(listener: (consent: FederatedConsent) => void): () => void;
}

/** Options of {@link createConsentStore}. */
export interface ConsentStoreOptions {
  readonly store: MetaStore;
  /** Metadata key (default {@link CONSENT_META_KEY}). */
  readonly key?: string;
  /** Clock for `changedAt` (default `Date.now`). */
  readonly now?: () => number;
}

const NOT_GRANTED: FederatedConsent = Object.freeze({ granted: false, changedAt: null });

/** Creates the consent store; nothing is granted until {@link ConsentStore.grant} is called. */
export function createConsentStore(o: ConsentStoreOptions): ConsentStore {
  const key = o.key ?? CONSENT_META_KEY;
  const now = o.now ?? Date.now;
  const listeners = new Set<(consent: FederatedConsent) => void>();
  const get = async (): Promise<FederatedConsent> => {
    const stored = await o.store.getMeta<FederatedConsent>(key);
    // Anything but an explicit `true` (missing, corrupt, older shape) means no consent.
    return stored !== undefined && stored !== null && stored.granted === true
      ? { granted: true, changedAt: typeof stored.changedAt === 'number' ? stored.changedAt : null }
      : stored && typeof stored.changedAt === 'number'
        ? { granted: false, changedAt: stored.changedAt }
        : NOT_GRANTED;
  };
  const set = async (granted: boolean): Promise<void> => {
    const consent: FederatedConsent = { granted, changedAt: now() };
    await o.store.setMeta(key, consent);
    for (const listener of [...listeners]) listener(consent);
  };
  return {
    get,
    isGranted: async () => (await get()).granted,
    grant: () => set(true),
    revoke: () => set(false),
    onChange(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
