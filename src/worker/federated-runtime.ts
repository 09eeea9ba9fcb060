/**
 * Federated learning inside the browser runtime (design: `docs/privacy.md`): the visitor's
 * opt-in, contributions after local training or on demand, and the hot swap of each newer global
 * model into the serving model. A recommender loads this module with a dynamic `import()` only
 * when a page uses federated learning, so serving never pays for it. Without a configured server
 * it only reports the status and records opt-outs: its fetch refuses every request.
 */
import type { ModelBundle } from '../core/bundle/model-bundle';
import { replaceItemModel } from '../core/bundle/replace-item-model';
import type { Item } from '../core/data/types';
import type { EventWeights } from '../core/data/types';
import { HearthError, OptionError } from '../core/errors';
import type { MfModel } from '../core/models/mf/mf-model';
import type { HistoryEvent } from '../core/serve/row-types';
import type { MetaStore } from '../federated/consent-store';
import {
  resolveDevicePrivacy,
  RoundRefusedError,
  type DevicePrivacyPolicy,
} from '../federated/device-privacy-floor';
import { emptyLedgerSummary } from '../federated/epsilon-ledger';
import type { VersionedModel } from '../federated/federated-model';
import {
  createFederatedParticipant,
  isRetryableFederatedError,
  type FederatedParticipant,
  type ParticipateOutcome,
} from '../federated/federated-participant';
import type { HearthStore } from '../storage/store-types';
import { foldInHistoryOf } from './federated-history';
import type { LocalRecommenderDeps } from './local-recommender';
import type {
  FederatedAttempt,
  FederatedConfig,
  FederatedStatus,
  RecommenderEvent,
} from './recommender-types';

/** Default of `FederatedConfig.refreshIntervalMs`: ten minutes. */
export const DEFAULT_REFRESH_INTERVAL_MS = 600_000;

/** Metadata key of the version of the last global model served on this device. */
export const GLOBAL_VERSION_META_KEY = 'federated.global-version';

/** What {@link createFederatedRuntime} needs from its recommender. */
export interface FederatedHost {
  /** Absent: no server, nothing is ever fetched. */
  readonly config: FederatedConfig | undefined;
  /** `baseUrl` resolves an empty or relative `serverUrl`; `fetch` replaces the global one. */
  readonly deps: Pick<LocalRecommenderDeps, 'baseUrl' | 'fetch'>;
  readonly eventWeights: EventWeights;
  /** The recommender's store (reopened after an erase). */
  store(): Promise<HearthStore>;
  /** The serving model now. */
  model(): { readonly bundle: ModelBundle | null; readonly version: number };
  /** The visitor's live profile, oldest first. */
  history(): readonly HistoryEvent[];
  /** The catalog the recommender serves (the content tower is refit on it at each swap). */
  catalog(): readonly Item[];
  /**
   * Stores and serves `bundle` as source `federated` (emitting `model-changed`) unless the
   * serving model is no longer version `basedOn`; resolves with the new version, or null then.
   */
  save(bundle: ModelBundle, meta: Record<string, unknown>, basedOn: number): Promise<number | null>;
  emit(event: RecommenderEvent): void;
}

/** Federated learning of one recommender; every method behaves as its `Recommender` namesake. */
export interface FederatedRuntime {
  status(): Promise<FederatedStatus>;
  setConsent(granted: boolean): Promise<FederatedStatus>;
  participate(): Promise<FederatedStatus>;
  /** When consented: fetches the global model now and every `refreshIntervalMs`. */
  start(): Promise<void>;
  /** After a local training: contributes in the background when consented (and not turned off). */
  afterTraining(): void;
  /** The data was erased: stops all activity, forgets this session and emits the blank status. */
  reset(): void;
  dispose(): void;
}

const NOT_CONFIGURED =
  'Federated learning is not configured: set federated.serverUrl ("" = this site\'s origin) and federated.token in the recommender config.';

type Attempt = Omit<FederatedAttempt, 'at'>;

/** One participant and the store access it owns; closed on erase or dispose. */
interface Session {
  readonly participant: FederatedParticipant;
  readonly meta: MetaStore;
  close(): void;
}

/** Creates the runtime; it sends nothing until the visitor opts in (the participant gates every request). */
export function createFederatedRuntime(host: FederatedHost): FederatedRuntime {
  const config = host.config;
  const serverUrl = config ? checkConfig(config, host.deps.baseUrl) : '';
  const privacy: DevicePrivacyPolicy = resolveDevicePrivacy(config?.privacy);
  let disposed = false;
  /** The server's model last received this session (applied or, when it does not fit, not). */
  let latest: VersionedModel | undefined;
  let lastAttempt: FederatedAttempt | null = null;
  let applied: Promise<number | null> | undefined;
  let applying: Promise<unknown> = Promise.resolve();
  let timer: ReturnType<typeof setInterval> | undefined;
  let emitQueued = false;

  const openSession = (): Session => {
    let closed = false;
    const store = (): Promise<HearthStore> =>
      closed
        ? Promise.reject(new HearthError('DISPOSED', 'Federated learning of this session stopped.'))
        : host.store();
    const meta: MetaStore = {
      getMeta: async <T>(key: string): Promise<T | undefined> => (await store()).getMeta<T>(key),
      setMeta: async (key, value) => (await store()).setMeta(key, value),
    };
    const override = host.deps.fetch;
    const fetch: typeof globalThis.fetch | undefined = !config
      ? () => Promise.reject(new OptionError(NOT_CONFIGURED))
      : override && ((input, init) => override(urlOf(input), init));
    const participant = createFederatedParticipant({
      serverUrl,
      token: config?.token ?? '',
      store: meta,
      privacy,
      ...(fetch && { fetch }),
      getHistory: () => {
        const bundle = host.model().bundle;
        return bundle ? foldInHistoryOf(host.history(), bundle, host.eventWeights) : [];
      },
      getModel: () => latest,
      // Models are applied where `refreshModel` resolves, in order with other swaps.
      onModel: () => undefined,
    });
    const unsubscribe = participant.onStats(changed);
    return {
      participant,
      meta,
      close() {
        closed = true;
        unsubscribe();
        participant.dispose();
      },
    };
  };

  function changed(): void {
    if (emitQueued || disposed) return;
    emitQueued = true;
    // Several changes in one task (a request, the queue, the attempt) make one event.
    queueMicrotask(() => {
      emitQueued = false;
      status().then(
        (s) => disposed || host.emit({ type: 'federated', status: s }),
        () => undefined,
      );
    });
  }

  let session = openSession();

  const appliedVersion = (s: Session): Promise<number | null> =>
    (applied ??= s.meta.getMeta<unknown>(GLOBAL_VERSION_META_KEY).then(
      (v) => (typeof v === 'number' ? v : null),
      () => {
        applied = undefined;
        return null;
      },
    ));

  async function status(): Promise<FederatedStatus> {
    const s = session;
    const { requests, bytesSent, bytesReceived, updatesSent } = s.participant.stats();
    const [consent, pendingUploads, version, ledger] = await Promise.all([
      s.participant.consent.get(),
      s.participant.pendingUploads(),
      appliedVersion(s),
      s.participant.privacyLedger(),
    ]);
    return {
      configured: config !== undefined,
      consent,
      requests,
      bytesSent,
      bytesReceived,
      updatesSent,
      pendingUploads,
      globalModelVersion: latest?.version ?? version,
      lastAttempt,
      privacy: ledger,
    };
  }

  const record = (s: Session, attempt: Attempt): void => {
    if (s !== session) return;
    lastAttempt = { ...attempt, at: Date.now() };
    changed();
  };

  /** Serves `incoming` in place of the current model's MF part, unless it is already served. */
  async function apply(s: Session, incoming: VersionedModel): Promise<void> {
    try {
      const before = await appliedVersion(s);
      if (s === session) latest = incoming;
      for (;;) {
        if (s !== session) return;
        const { bundle, version } = host.model();
        // Nothing to apply it to yet: contributions still use it, a later version is applied.
        if (!bundle) return;
        const problem = mismatchOf(incoming.model, bundle);
        if (problem) {
          record(s, { status: 'failed', message: `Global model ${incoming.version}: ${problem}` });
          return;
        }
        // Version 0 is the server's starting model (the site's own); a version served before may
        // have been replaced by a local training since: keep the local model in both cases.
        if (incoming.version === 0 || incoming.version === before) return;
        const next: ModelBundle = replaceItemModel({
          bundle,
          mf: incoming.model,
          catalog: host.catalog(),
        });
        const served = await host.save(next, { globalVersion: incoming.version }, version);
        // Another model was served meanwhile: build again from that one.
        if (served === null) continue;
        applied = Promise.resolve(incoming.version);
        await s.meta.setMeta(GLOBAL_VERSION_META_KEY, incoming.version);
        changed();
        return;
      }
    } catch (error) {
      record(s, {
        status: 'failed',
        message: `Could not apply global model ${incoming.version}: ${messageOf(error)}`,
      });
    }
  }

  /** Fetches the global model if it changed (consent required) and applies it. */
  async function refresh(s: Session): Promise<void> {
    let model: VersionedModel | null;
    try {
      model = await s.participant.refreshModel();
    } catch (error) {
      // Network trouble is retried by the next refresh (timer, contribution); a refusal (wrong
      // token, corrupt model) would repeat, so the visitor and the site's developer should see it.
      const optedOut = error instanceof HearthError && error.code === 'CONSENT_REQUIRED';
      if (!optedOut && !isRetryableFederatedError(error)) {
        record(s, {
          status: 'failed',
          message: `Could not fetch the global model: ${messageOf(error)}`,
        });
      }
      return;
    }
    if (!model) return;
    const run = applying.then(() => apply(s, model));
    applying = run;
    await run;
  }

  async function attemptOnce(s: Session): Promise<Attempt> {
    if (!(await s.participant.consent.isGranted())) return { status: 'no-consent' };
    // The update is computed against the server's model: fetch it first if none is known.
    if (!latest) await refresh(s);
    const bundle = host.model().bundle;
    const problem = bundle && latest && mismatchOf(latest.model, bundle);
    if (problem) return { status: 'failed', message: problem };
    return attemptOf(await s.participant.participate());
  }

  async function contribute(s: Session): Promise<void> {
    let attempt: Attempt;
    try {
      attempt = await attemptOnce(s);
    } catch (error) {
      attempt = { status: 'failed', message: messageOf(error) };
    }
    record(s, attempt);
    await refresh(s);
  }

  const stopTimer = (): void => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };

  const tick = async (): Promise<void> => {
    const s = session;
    if (await s.participant.consent.isGranted().catch(() => false)) await refresh(s);
    else stopTimer();
  };

  async function start(): Promise<void> {
    const s = session;
    if (!config || disposed || !(await s.participant.consent.isGranted())) return;
    if (s !== session || disposed) return;
    const every = config.refreshIntervalMs ?? DEFAULT_REFRESH_INTERVAL_MS;
    if (every > 0 && timer === undefined) timer = setInterval(() => void tick(), every);
    await refresh(s);
  }

  const requireConfig = (): void => {
    if (!config) throw new OptionError(NOT_CONFIGURED);
  };

  return {
    status,

    async setConsent(granted) {
      const s = session;
      if (granted) {
        requireConfig();
        await s.participant.consent.grant();
        void start().catch(() => undefined);
      } else {
        stopTimer();
        await s.participant.consent.revoke();
      }
      changed();
      return status();
    },

    async participate() {
      requireConfig();
      await contribute(session);
      return status();
    },

    start,

    afterTraining() {
      if (!config || config.participateAfterTraining === false) return;
      const s = session;
      s.participant.consent.isGranted().then(
        (granted) => (granted && s === session ? contribute(s) : undefined),
        () => undefined,
      );
    },

    reset() {
      stopTimer();
      session.close();
      session = openSession();
      latest = undefined;
      applied = undefined;
      lastAttempt = null;
      // Known without reading the store, which the erase just deleted.
      if (!disposed) {
        host.emit({ type: 'federated', status: blankStatus(config !== undefined, privacy) });
      }
    },

    dispose() {
      disposed = true;
      stopTimer();
      session.close();
    },
  };
}

/** What the visitor sees as the last attempt for a participant's outcome. */
function attemptOf(outcome: ParticipateOutcome): Attempt {
  if (outcome.status !== 'flushed') return { status: outcome.status };
  const { flush } = outcome;
  const why = outcome.error === undefined ? '' : ` (${messageOf(outcome.error)})`;
  if (flush.sent > 0) return { status: 'contributed' };
  if (outcome.error instanceof RoundRefusedError) {
    return { status: 'refused', message: outcome.error.message };
  }
  if (flush.blocked === 'not-allowed') return { status: 'no-consent' };
  if (flush.pending > 0) {
    return {
      status: 'queued',
      message:
        flush.blocked === 'offline'
          ? 'This device is offline: the contribution is queued and will be sent once it is back online.'
          : `The contribution could not be sent${why}; it is queued and will be retried.`,
    };
  }
  return { status: 'failed', message: `The federated server refused the contribution${why}.` };
}

/** Why a global model cannot replace the serving model's MF part, or null when it fits. */
function mismatchOf(model: MfModel, bundle: ModelBundle): string | null {
  const have = bundle.mf;
  if (model.numItems === have.numItems && model.factors === have.factors) return null;
  return `the server's model has ${model.numItems} items × ${model.factors} factors but the model on this device has ${have.numItems} × ${have.factors}; start the server with --model set to the model file this site serves.`;
}

/** Checks the configuration and returns the absolute server URL. */
function checkConfig(config: FederatedConfig, baseUrl: string | undefined): string {
  const { serverUrl, token, refreshIntervalMs: every } = config;
  if (typeof token !== 'string' || token === '') {
    throw new OptionError(
      'federated.token must be the deployment token of the server (a non-empty string).',
    );
  }
  if (every !== undefined && !(Number.isFinite(every) && every >= 0)) {
    throw new OptionError(
      `federated.refreshIntervalMs must be a number of milliseconds ≥ 0 (got ${every}); 0 turns the periodic refresh off.`,
    );
  }
  if (typeof serverUrl !== 'string') {
    throw new OptionError('federated.serverUrl must be a URL, or "" for this site\'s own origin.');
  }
  const base = baseUrl ?? (globalThis as { location?: { href: string } }).location?.href;
  try {
    // '' (and '/') resolve to the origin of the page (or of the worker, which shares it).
    return new URL(serverUrl || '/', base).href;
  } catch {
    throw new OptionError(
      `federated.serverUrl ${JSON.stringify(serverUrl)} is not a URL${base === undefined ? ' and there is no page address to resolve it against' : ''}; pass an absolute URL such as https://fl.example.com.`,
    );
  }
}

const urlOf = (input: RequestInfo | URL): string =>
  typeof input === 'string' ? input : 'url' in input ? input.url : input.href;

function blankStatus(configured: boolean, privacy: DevicePrivacyPolicy): FederatedStatus {
  return {
    configured,
    consent: { granted: false, changedAt: null },
    requests: 0,
    bytesSent: 0,
    bytesReceived: 0,
    updatesSent: 0,
    pendingUploads: 0,
    globalModelVersion: null,
    lastAttempt: null,
    privacy: emptyLedgerSummary(privacy),
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
