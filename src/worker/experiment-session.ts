import { createConsentStore, type MetaStore } from '../federated/consent-store';
import { randomReportId } from '../federated/experiment-report';
import type { LoadedDefinitions } from './experiment-definitions';
import { createReportUploader } from './experiment-uploads';
import type { LocalRecommenderDeps } from './recommender-deps';

/** Meta key of the device's random experiment unit id (the arm hash input). */
export const UNIT_ID_META_KEY = 'experiments.unit-id';

/** Definitions and the unit id they are assigned with. */
export type LoadedSession = LoadedDefinitions & { readonly unitId: string };

/** What the experiment runtime holds per store lifetime (a new one after an erase). */
export interface Session {
  readonly meta: MetaStore;
  /** Unit id and definitions, loaded on first use (after an erase: only at the next call). */
  loaded(): Promise<LoadedSession>;
  readonly uploader: ReturnType<typeof createReportUploader> | null;
  readonly consent: ReturnType<typeof createConsentStore>;
}

/** Options of {@link openExperimentSession}. */
export interface ExperimentSessionOptions {
  readonly meta: MetaStore;
  /** Where reports go (absolute); undefined: no reports, the arm still runs. */
  readonly reportUrl: string | undefined;
  readonly token: string | undefined;
  readonly fetch: LocalRecommenderDeps['fetch'];
  readonly now: () => number;
  /** Loads the definitions (undefined: no experiments configured). */
  readonly source: (() => Promise<LoadedDefinitions>) | undefined | null;
  /** Called with the session and its loaded value once loaded. */
  readonly onLoaded: (session: Session, value: LoadedSession) => void;
}

/**
 * Opens a session: the consent store, the report uploader and a lazily loaded unit id (drawn and
 * stored on first use) with the definitions.
 */
export function openExperimentSession(o: ExperimentSessionOptions): Session {
  const consent = createConsentStore({ store: o.meta });
  const uploader =
    o.reportUrl === undefined
      ? null
      : createReportUploader({
          meta: o.meta,
          reportUrl: o.reportUrl,
          token: o.token,
          fetch: o.fetch,
          isAllowed: () => consent.isGranted(),
          now: o.now,
        });
  let loading: Promise<LoadedSession> | undefined;
  const opened: Session = {
    meta: o.meta,
    uploader,
    consent,
    loaded: () => (loading ??= load()),
  };
  const load = async (): Promise<LoadedSession> => {
    let unitId = await o.meta.getMeta<string>(UNIT_ID_META_KEY);
    if (typeof unitId !== 'string') {
      // 128 random bits: the arm hash input; it never leaves the device.
      unitId = randomReportId();
      await o.meta.setMeta(UNIT_ID_META_KEY, unitId);
    }
    const definitions = o.source ? await o.source() : { definitions: [] };
    const value = { ...definitions, unitId };
    o.onLoaded(opened, value);
    return value;
  };
  return opened;
}

/**
 * Returns `serial(job)`: runs `job` after every earlier one, holding the lock `name` shared by
 * this site's tabs (Web Locks, where available): records are read, changed and written back
 * whole, and two tabs closing the same period would otherwise queue two reports for it.
 */
export function createTabSerial(name: string): <T>(job: () => Promise<T>) => Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  let lock: Promise<unknown> = Promise.resolve();
  return <T>(job: () => Promise<T>): Promise<T> => {
    const exclusive = (): Promise<T> =>
      typeof locks?.request === 'function' ? (locks.request(name, job) as Promise<T>) : job();
    const run = lock.then(exclusive, exclusive);
    lock = run.catch(() => undefined);
    return run;
  };
}
