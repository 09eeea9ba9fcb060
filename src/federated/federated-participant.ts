/**
 * The browser side of federated learning in one object: the consent gate, the round
 * contribution ({@link participateInRound}), the offline retry queue and the model refresh, with
 * a count of what was sent for the privacy panel. Every request goes through one fetch wrapper that
 * re-reads the consent record first, so a device that has not opted in sends nothing at all.
 * Browser-safe.
 */
import { DataError } from '../core/errors';
import type { WeightedItem } from '../core/models/mf/fold-in';
import type { Rng } from '../core/random';
import { createConsentStore, type ConsentStore, type MetaStore } from './consent-store';
import { DEFAULT_DEVICE_PRIVACY, type DevicePrivacyPolicy } from './device-privacy-floor';
import { createEpsilonLedger, type EpsilonLedgerSummary } from './epsilon-ledger';
import { createFederatedClient, participateInRound } from './federated-client';
import type { VersionedModel } from './federated-model';
import { UpdateRejectedError, type RejectReason } from './federated-protocol';
import { createModelRefresher } from './model-refresh';
import { createUploadQueue, type FlushResult, type UploadQueueOptions } from './upload-queue';

/** Traffic of this participant since it was created (what the privacy panel shows). */
export interface ParticipantStats {
  /** Requests sent to the server. */
  readonly requests: number;
  /** Request body bytes sent (update frames and small JSON control messages). */
  readonly bytesSent: number;
  /** Response bytes received, as declared by `Content-Length`. */
  readonly bytesReceived: number;
  /** Updates the server acknowledged. */
  readonly updatesSent: number;
  /** Version of the last model received, if any. */
  readonly modelVersion: number | undefined;
}

/** Result of {@link FederatedParticipant.participate}. */
export type ParticipateOutcome =
  | { readonly status: 'no-consent' }
  | { readonly status: 'empty' }
  | {
      readonly status: 'flushed';
      readonly flush: FlushResult;
      /** Why the last failed send of this flush failed (retried or dropped), if one did. */
      readonly error?: unknown;
    };

/** Options of {@link createFederatedParticipant}. */
export interface FederatedParticipantOptions {
  /** Origin of the aggregation server. */
  readonly serverUrl: string;
  /** Deployment token. */
  readonly token: string;
  /** Where consent and the queue are persisted (a `HearthStore` or anything with its meta methods). */
  readonly store: MetaStore;
  readonly fetch?: typeof fetch;
  /** The device's history as dense item indices of the global model (read at send time). */
  readonly getHistory: () => readonly WeightedItem[] | Promise<readonly WeightedItem[]>;
  /** The model the device currently holds, if any (spares a download when it is current). */
  readonly getModel: () => VersionedModel | undefined;
  /** Receives each newer global model (hot swap). */
  readonly onModel: (model: VersionedModel) => void;
  /** Retry policy of the queue. */
  readonly retry?: Pick<
    UploadQueueOptions<unknown>,
    'maxAttempts' | 'baseDelayMs' | 'maxDelayMs' | 'rng' | 'now' | 'isOnline' | 'events'
  >;
  /** Noise randomness of the update (default: the platform CSPRNG). */
  readonly noiseRng?: Rng;
  /**
   * The device's privacy floor and ε budget (default {@link DEFAULT_DEVICE_PRIVACY}; build a
   * stricter one with `resolveDevicePrivacy`). Every round is checked against it and recorded in
   * the device's ε ledger, kept in `store`.
   */
  readonly privacy?: DevicePrivacyPolicy;
}

/** The device's participation in federated learning. */
export interface FederatedParticipant {
  /** The visitor's opt-in (default: not granted). `revoke` resolves once the queue is emptied. */
  readonly consent: ConsentStore;
  /** Queues one contribution and flushes the queue; does nothing (and sends nothing) without consent. */
  participate(): Promise<ParticipateOutcome>;
  /** Downloads the global model if it changed (consent required); null when unchanged or not consented. */
  refreshModel(): Promise<VersionedModel | null>;
  /** Contributions waiting to be sent. */
  pendingUploads(): Promise<number>;
  /** The device's ε ledger: spent, budget, rounds contributed, refused rounds with their reason. */
  privacyLedger(): Promise<EpsilonLedgerSummary>;
  stats(): ParticipantStats;
  /** Called after every request and every new model. Returns an unsubscribe function. */
  onStats(listener: (stats: ParticipantStats) => void): () => void;
  /** Stops timers and listeners; persisted consent and queue stay. */
  dispose(): void;
}

/** Rejections that say "try again later" rather than "this update is wrong". */
const RETRYABLE_REASONS: ReadonlySet<RejectReason> = new Set<RejectReason>([
  'rate-limited',
  'round-closed',
  'round-full',
  'wrong-phase',
  'unknown-round',
  'bad-ticket',
]);

/**
 * Whether a failed contribution is worth retrying: network failures, 5xx answers and the
 * round-timing rejections are; malformed, unauthorized or over-norm updates are not.
 */
export function isRetryableFederatedError(error: unknown): boolean {
  if (error instanceof UpdateRejectedError) return RETRYABLE_REASONS.has(error.reason);
  if (error instanceof DataError) return error.code === 'UPDATE_REJECTED';
  // `fetch` rejects with a TypeError when the network is down.
  return error instanceof TypeError;
}

function bodyBytes(body: RequestInit['body']): number {
  if (body === undefined || body === null) return 0;
  if (typeof body === 'string') return new TextEncoder().encode(body).length;
  if (body instanceof ArrayBuffer) return body.byteLength;
  if (ArrayBuffer.isView(body)) return body.byteLength;
  if (typeof Blob !== 'undefined' && body instanceof Blob) return body.size;
  return 0;
}

/** A job carries no data: the update is computed at send time (tickets are valid for one round only). */
interface ContributionJob {
  readonly kind: 'contribution';
}

/** Creates the participant. Nothing is sent until the visitor grants consent and `participate` runs. */
export function createFederatedParticipant(o: FederatedParticipantOptions): FederatedParticipant {
  const consent = createConsentStore({ store: o.store });
  const ledger = createEpsilonLedger({
    store: o.store,
    policy: o.privacy ?? DEFAULT_DEVICE_PRIVACY,
  });
  const baseFetch = o.fetch ?? globalThis.fetch.bind(globalThis);
  const listeners = new Set<(stats: ParticipantStats) => void>();
  let requests = 0;
  let bytesSent = 0;
  let bytesReceived = 0;
  let updatesSent = 0;
  let modelVersion: number | undefined;
  const stats = (): ParticipantStats => ({
    requests,
    bytesSent,
    bytesReceived,
    updatesSent,
    modelVersion,
  });
  const emit = (): void => {
    const s = stats();
    for (const listener of [...listeners]) listener(s);
  };

  const gatedFetch: typeof fetch = async (input, init) => {
    if (!(await consent.isGranted())) {
      throw new DataError(
        'CONSENT_REQUIRED',
        'Federated learning is off: the visitor has not opted in, so nothing was sent.',
      );
    }
    requests++;
    bytesSent += bodyBytes(init?.body);
    const res = await baseFetch(input, init);
    bytesReceived += Number(res.headers.get('Content-Length') ?? 0) || 0;
    emit();
    return res;
  };
  const client = createFederatedClient({ baseUrl: o.serverUrl, token: o.token, fetch: gatedFetch });
  const refresher = createModelRefresher({
    client,
    onModel(model) {
      modelVersion = model.version;
      o.onModel(model);
      emit();
    },
  });

  let sendError: { readonly error: unknown } | undefined;
  // Read through a call: the send callback sets it while `participate` awaits the flush.
  const lastSendError = (): typeof sendError => sendError;
  const queue = createUploadQueue<ContributionJob>({
    ...o.retry,
    store: o.store,
    isAllowed: () => consent.isGranted(),
    isRetryable: isRetryableFederatedError,
    async send() {
      try {
        const history = await o.getHistory();
        const model = o.getModel();
        const done = await participateInRound({
          client,
          history,
          ...(model ? { model } : {}),
          ...(o.noiseRng ? { rng: o.noiseRng } : {}),
          guard: ledger,
        });
        if (done) {
          updatesSent++;
          emit();
        }
      } catch (error) {
        sendError = { error };
        throw error;
      }
    },
  });

  return {
    consent: {
      ...consent,
      async revoke() {
        await consent.revoke();
        // An opt-out also forgets contributions that were waiting to be sent.
        await queue.clear();
      },
    },
    async participate() {
      if (!(await consent.isGranted())) return { status: 'no-consent' };
      if ((await o.getHistory()).length === 0) return { status: 'empty' };
      // One pending contribution is enough: it is computed from the history at send time.
      if ((await queue.pending()).length === 0) await queue.enqueue({ kind: 'contribution' });
      sendError = undefined;
      const flush = await queue.flush();
      const failed = lastSendError();
      return { status: 'flushed', flush, ...(failed && { error: failed.error }) };
    },
    async refreshModel() {
      if (!(await consent.isGranted())) return null;
      return refresher.refresh();
    },
    pendingUploads: async () => (await queue.pending()).length,
    privacyLedger: () => ledger.summary(),
    stats,
    onStats(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    dispose() {
      queue.dispose();
      listeners.clear();
    },
  };
}
