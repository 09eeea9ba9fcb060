/**
 * Experiments inside the browser runtime (issue 13; design in `docs/experiments.md`): the
 * device's random unit id, sticky arms, the arm's settings on every row, exposures, outcomes from
 * `track()`, and one report per experiment and reporting period through a consented offline
 * queue. A recommender loads this module with a dynamic `import()` only when its config has
 * `experiments`, so pages without experiments never download it.
 */
import type { ModelBundle } from '../core/bundle/model-bundle';
import { OptionError } from '../core/errors';
import type { RowRequest, RowResult } from '../core/serve/row-types';
import type { MetaStore } from '../federated/consent-store';
import { exposeDevice } from '../federated/experiment-device-state';
import {
  checkOutcomeFields,
  DEFAULT_ATTRIBUTION_WINDOW_MS,
  metricIncrements,
} from '../federated/experiment-outcomes';
import type { HearthStore } from '../storage/store-types';
import {
  armIdOf,
  checkedAttributes,
  resolveExperiments,
  runningExperiment,
} from './experiment-assignments';
import { createDefinitionSource } from './experiment-definitions';
import { serveUnderArm } from './experiment-rows';
import { prepareArmModel } from './experiment-model';
import {
  applyOutcome,
  closeDuePeriods,
  enrollStored,
  nextWakeUp,
  type StoredExperiment,
  type StoredExperiments,
} from './experiment-records';
import { experimentsStatusOf } from './experiment-status';
import { absoluteUrl } from './experiment-uploads';
import {
  createTabSerial,
  openExperimentSession,
  type LoadedSession,
  type Session,
} from './experiment-session';
import type { LocalRecommenderDeps } from './recommender-deps';
import type {
  ExperimentExposure,
  ExperimentsStatus,
  RecommendedRow,
  RecommenderConfig,
  RecommenderEvent,
  TrackEvent,
} from './recommender-types';
import type { ServingModel } from './serving-model';

export { UNIT_ID_META_KEY } from './experiment-session';
/** Metadata key of the per-experiment records. */
export const RECORDS_META_KEY = 'experiments.records';
/** Stored events read for the CUPED pre-period (the most recent ones). */
const PRE_PERIOD_EVENTS = 5000;
/** Longest timer wait (setTimeout overflows past 2³¹ ms). */
const MAX_WAIT_MS = 2 ** 31 - 1;

/** What {@link createExperimentRuntime} needs from its recommender. */
export interface ExperimentHost {
  /** The recommender's config: without `experiments` nothing runs (`configured: false`). */
  readonly config: Pick<RecommenderConfig, 'experiments' | 'federated' | 'dbName'>;
  readonly deps: Pick<LocalRecommenderDeps, 'baseUrl' | 'fetch'>;
  readonly visitorId: string;
  /** The recommender's store (reopened after an erase). */
  store(): Promise<HearthStore>;
  /** The serving model: its catalog (prices for revenue), and where an arm's model is stored. */
  readonly serving: Pick<ServingModel, 'catalog' | 'saveAndServe'>;
  /** Downloads a model file (`initial-load`'s, so errors name the URL). */
  download(url: string, deps: Pick<LocalRecommenderDeps, 'baseUrl' | 'fetch'>): Promise<Uint8Array>;
  /** Decodes (and so validates) a model file. */
  decode(bytes: Uint8Array): ModelBundle;
  emit(event: RecommenderEvent): void;
  /** The recommender's events: a `federated` event says when consent changed. */
  on(listener: (event: RecommenderEvent) => void): () => void;
  /** Clock (default `Date.now`). */
  readonly now?: () => number;
}

/** Experiments of one recommender; methods named as on `Recommender` behave as documented there. */
export interface ExperimentRuntime {
  /**
   * Before the model loads: stores the running arm's `modelUrl` model (or, once the arm no longer
   * applies, the config's) in place of the stored one, so that it is what the recommender serves.
   */
  prepareModel(configModelUrl: string | undefined): Promise<void>;
  /** `rows` under the running arm: its settings applied, each row tagged with the arm. */
  rows(rows: RowSource): { recommend(request: RowRequest): RecommendedRow };
  track(event: TrackEvent, timestamp: number): Promise<void>;
  recordExposure(exposure: ExperimentExposure): Promise<void>;
  status(): Promise<ExperimentsStatus>;
  /** The data was erased: forget everything held in memory; the next call starts afresh. */
  reset(): void;
  dispose(): void;
}

/** What rows are served from. */
interface RowSource {
  recommend(request: RowRequest): RowResult;
}

/** Creates the runtime; definitions load on first use. */
export function createExperimentRuntime(host: ExperimentHost): ExperimentRuntime {
  const config = host.config.experiments;
  const federated = host.config.federated;
  const now = host.now ?? (() => Date.now());
  const windowMs = config?.attributionWindowMs ?? DEFAULT_ATTRIBUTION_WINDOW_MS;
  if (!(Number.isFinite(windowMs) && windowMs > 0)) {
    throw new OptionError(
      `experiments.attributionWindowMs must be a positive number of ms (got ${windowMs}).`,
    );
  }
  const attributes = checkedAttributes(config?.attributes);
  // Relative URLs resolve against the page (or, in Hearth's worker, the worker's own address).
  const page = host.deps.baseUrl ?? (globalThis as { location?: { href: string } }).location?.href;
  const deps = { ...host.deps, ...(page !== undefined && { baseUrl: page }) };
  const reportBase = config?.reportUrl ?? federated?.serverUrl;
  const source =
    config &&
    createDefinitionSource({
      config,
      federated,
      deps,
      meta: metaOf(),
    });
  const emitted = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;

  function metaOf(): MetaStore {
    return {
      getMeta: async (key) => (await host.store()).getMeta(key),
      setMeta: async (key, value) => (await host.store()).setMeta(key, value),
    };
  }

  /** The current session's definitions once loaded (rows are served synchronously). */
  let known: LoadedSession | null = null;

  const openSession = (): Session =>
    openExperimentSession({
      meta: metaOf(),
      reportUrl:
        reportBase === undefined
          ? undefined
          : absoluteUrl(reportBase || '/', page, 'experiments.reportUrl'),
      token: federated?.token,
      fetch: deps.fetch,
      now,
      source,
      onLoaded: (opened, value) => {
        if (session === opened) known = value;
      },
    });
  let session = openSession();

  const serial = createTabSerial(`hearth-experiments:${host.config.dbName ?? 'hearth'}`);

  const entriesNow = async (s: Session) => {
    const { definitions, unitId } = await s.loaded();
    return resolveExperiments(definitions, unitId, now(), attributes);
  };

  const records = async (s: Session): Promise<Record<string, StoredExperiment>> =>
    (await s.meta.getMeta<Record<string, StoredExperiment>>(RECORDS_META_KEY)) ?? {};

  const price = (itemId: string): number | undefined =>
    host.serving.catalog().find((item) => item.id === itemId)?.price;

  /**
   * Brings the records up to date at `now`: enrolls newly assigned experiments, queues the report
   * of every period that closed (and the final one of experiments that ended, changed version or
   * left the document), and arms the timer for the next period end.
   */
  async function sync(s: Session): Promise<Record<string, StoredExperiment>> {
    const t = now();
    const entries = await entriesNow(s);
    const stored = await records(s);
    const fresh: StoredExperiment[] = [];
    for (const entry of entries) {
      const { definition } = entry;
      if (entry.state === 'refused') announce(entry.definition, entry.state, null, entry.message);
      if (entry.state !== 'assigned' || entry.armIndex === null) continue;
      const armId = armIdOf(definition, entry.armIndex) ?? '';
      announce(definition, 'assigned', armId);
      const have = stored[definition.id];
      if (have?.record.version === definition.version) continue;
      const store = await host.store();
      const history = await store.recentInteractions(PRE_PERIOD_EVENTS, host.visitorId);
      fresh.push(enrollStored(definition, armId, history, t, price));
    }
    // Without a server to report to, the device still runs its arm; the records keep accumulating.
    const uploader = s.uploader;
    const runs = (id: string, version: number): boolean =>
      entries.some(
        (e) => e.definition.id === id && e.definition.version === version && e.state === 'assigned',
      );
    const closed = uploader ? closeDuePeriods(stored, runs, t) : { next: stored, reports: [] };
    for (const report of closed.reports) await uploader?.enqueue(report);
    // A new version replaces the old record only once the old one's final report is queued.
    const next: Record<string, StoredExperiment> = { ...closed.next };
    for (const f of fresh) next[f.definition.id] = f;
    await s.meta.setMeta(RECORDS_META_KEY, next);
    // A period closed while the page is open: send its report now (the queue asks consent first).
    if (closed.reports.length > 0) void uploader?.flush().catch(() => undefined);
    arm(
      next,
      entries.map((e) => e.definition),
    );
    return next;
  }

  function announce(
    definition: { readonly id: string; readonly version: number },
    state: 'assigned' | 'refused',
    armId: string | null,
    message?: string,
  ): void {
    const key = `${definition.id}/${definition.version}/${state}`;
    if (emitted.has(key)) return;
    emitted.add(key);
    host.emit({
      type: 'experiment',
      experimentId: definition.id,
      version: definition.version,
      state,
      armId,
      ...(message !== undefined && { message }),
    });
  }

  /** Wakes up at the next period end (or stop) to queue and send the closed period's report. */
  function arm(
    stored: Record<string, StoredExperiment>,
    definitions: readonly { readonly stop?: string }[],
  ): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (disposed) return;
    const t = now();
    const due = nextWakeUp(stored, definitions, t);
    if (due === null) return;
    const wait = Math.min(MAX_WAIT_MS, Math.max(0, due - t));
    const s = session;
    timer = setTimeout(() => {
      timer = undefined;
      void serial(() => sync(s))
        .then(() => s.uploader?.flush())
        .catch(() => undefined);
    }, wait);
  }

  /** `job` on the up-to-date records, whose result is written back. */
  const update = (
    change: (stored: StoredExperiments) => StoredExperiments | null,
  ): Promise<void> => {
    const s = session;
    return serial(async () => {
      const stored = await sync(s);
      const next = change(stored);
      if (next !== null) await s.meta.setMeta(RECORDS_META_KEY, next);
      arm(next ?? stored, (await s.loaded()).definitions);
    });
  };

  let consented: boolean | undefined;
  // Consent is the federated-learning opt-in: send what waits once granted, drop it when revoked.
  const unsubscribe = host.on((event) => {
    if (event.type !== 'federated') return;
    const granted = event.status.consent.granted;
    if (granted) void session.uploader?.flush().catch(() => undefined);
    else if (consented === true) void session.uploader?.clear().catch(() => undefined);
    consented = granted;
  });

  const started = (async () => {
    if (!config) return;
    await serial(() => sync(session));
    void session.uploader?.flush().catch(() => undefined);
  })();
  started.catch(() => undefined);

  return {
    async prepareModel(configUrl) {
      const s = session;
      const loaded = await s.loaded();
      const armModel = runningExperiment(await entriesNow(s))?.settings.modelUrl;
      // An arm's model URL is relative to the experiments document it came from.
      const base = loaded.documentUrl ?? page;
      const armUrl = armModel === undefined ? undefined : new URL(armModel, base).href;
      await prepareArmModel({ ...host, deps, meta: s.meta, armUrl, configUrl });
    },

    rows(rows) {
      const serve = (request: RowRequest): RowResult => rows.recommend(request);
      return {
        recommend(request) {
          const loaded = known;
          if (!config) return serve(request);
          if (loaded === null) {
            // Only after an erase: this row is the default one, the next ones run the new draw.
            session.loaded().catch(() => undefined);
            return serve(request);
          }
          const entries = resolveExperiments(loaded.definitions, loaded.unitId, now(), attributes);
          const running = runningExperiment(entries);
          if (running === null) return serve(request);
          const { definition, armIndex, settings } = running;
          const experiment = {
            experimentId: definition.id,
            armId: armIdOf(definition, armIndex) ?? '',
            holdout: settings.holdout,
          };
          return serveUnderArm(request, settings, experiment, serve);
        },
      };
    },

    async track(event, timestamp) {
      if (!config) return;
      checkOutcomeFields(event);
      const increments = metricIncrements({ ...event, timestamp }, price);
      const t = now();
      await update((stored) => applyOutcome(stored, increments, timestamp, t, windowMs));
    },

    async recordExposure(exposure) {
      if (!config) {
        throw new OptionError(
          'recordExposure: no experiments are configured (set experiments in the recommender config).',
        );
      }
      const running = runningExperiment(await entriesNow(session));
      const armId = running && armIdOf(running.definition, running.armIndex);
      if (running?.definition.id !== exposure.experimentId || armId !== exposure.armId) {
        throw new OptionError(
          `recordExposure: experiment "${exposure.experimentId}" arm "${exposure.armId}" is not running on this device${running ? ` (it runs "${running.definition.id}" arm "${armId}")` : ''}; pass the experiment of the row that was seen.`,
        );
      }
      const t = now();
      await update((stored) => {
        const have = stored[exposure.experimentId];
        if (!have || have.record.closed) return null;
        const record = exposeDevice(have.record, t);
        return record === have.record
          ? null
          : { ...stored, [exposure.experimentId]: { ...have, record } };
      });
    },

    async status() {
      const s = session;
      const consent = await s.consent.isGranted();
      if (!config) {
        return { configured: false, consent, experiments: [], pendingReports: 0, lastReport: null };
      }
      const { problem } = await s.loaded();
      const stored = await serial(() => sync(s));
      return experimentsStatusOf({
        entries: await entriesNow(s),
        stored,
        pending: (await s.uploader?.pending()) ?? [],
        last: (await s.uploader?.lastReports()) ?? {},
        consent,
        now: now(),
        problem,
      });
    },

    reset() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      session.uploader?.dispose();
      emitted.clear();
      known = null;
      session = openSession();
    },

    dispose() {
      disposed = true;
      unsubscribe();
      if (timer !== undefined) clearTimeout(timer);
      session.uploader?.dispose();
    },
  };
}
