/**
 * Device-side client of the aggregation server over `fetch` (browsers, workers, Node ≥ 18), and
 * {@link participateInRound}: the whole consented contribution of one device to one round, secure
 * rounds included (key exchange, encrypted share relay, masked upload, unmasking answer).
 * Browser-safe. Only the encoded update, public keys and encrypted or requested shares leave the
 * device; the history and user vector stay.
 */
import { DataError } from '../core/errors';
import type { WeightedItem } from '../core/models/mf/fold-in';
import type { Rng } from '../core/random';
import { computeClientUpdate, computeReleaseUpdate } from './client-update';
import { createCryptoRng } from './clip-and-noise';
import { RoundRefusedError, type RoundCost } from './device-privacy-floor';
import {
  FEDERATED_PROTOCOL_VERSION,
  UpdateRejectedError,
  validateRoundSpec,
  type JoinResponse,
  type RejectBody,
  type RoundMembers,
  type RoundSpec,
  type RoundState,
  type ServerStatus,
  type ShareInbox,
  type SharesRequest,
  type UnmaskRequest,
  type UpdateAck,
} from './federated-protocol';
import { decodeFederatedModel, type VersionedModel } from './federated-model';
import { CHALLENGE_PATH, admitJoin } from './join-admission';
import { secureSumProblem } from './round-plan';
import { createSecureRoundSession } from './secure-round-session';
import { createUnmaskAnswer, prepareSecureUpload } from './secure-round-steps';
import { encodeUpload } from './update-codec';

/** A fetched model with its cache validator. */
export interface FetchedModel extends VersionedModel {
  readonly etag: string;
}

/** Thin typed wrapper around the server's HTTP API. */
export interface FederatedClient {
  /** The current model, or null when `etag` is still current (HTTP 304). */
  fetchModel(etag?: string): Promise<FetchedModel | null>;
  /** Joins the open round; secure rounds need the masking and share-encryption public keys. */
  join(publicKey?: string, shareKey?: string): Promise<JoinResponse>;
  upload(roundId: string, frame: Uint8Array): Promise<UpdateAck>;
  /** The round's phase; with `lists`, also the secure round's sharers, survivors and dropped slots. */
  roundState(roundId: string, o?: { readonly lists?: boolean }): Promise<RoundState>;
  /** Secure rounds from `sharing` on: member slots, masking parameters, `slot`'s neighbours' keys. */
  members(roundId: string, slot: number): Promise<RoundMembers>;
  /** Secure rounds in `sharing`: posts this device's encrypted shares. */
  postShares(roundId: string, request: SharesRequest): Promise<{ readonly accepted: true }>;
  /** Secure rounds from `collecting` on: the encrypted shares addressed to `slot`. */
  shareInbox(roundId: string, slot: number): Promise<ShareInbox>;
  unmask(roundId: string, request: UnmaskRequest): Promise<{ readonly accepted: true }>;
  status(): Promise<ServerStatus>;
}

/** Options of {@link createFederatedClient}. */
export interface FederatedClientOptions {
  /** Server origin, e.g. `https://fl.example.com`. */
  readonly baseUrl: string;
  /** Deployment token (the same for every visitor of the site). */
  readonly token: string;
  readonly fetch?: typeof fetch;
}

/** Creates a client; every non-2xx answer throws {@link UpdateRejectedError} with the server's reason. */
export function createFederatedClient(o: FederatedClientOptions): FederatedClient {
  const doFetch = o.fetch ?? globalThis.fetch.bind(globalThis);
  const base = o.baseUrl.replace(/\/+$/, '');
  const auth = { Authorization: `Bearer ${o.token}` };
  const call = async (path: string, init: RequestInit = {}): Promise<Response> => {
    const res = await doFetch(`${base}${path}`, {
      ...init,
      headers: { ...auth, ...(init.headers ?? {}) },
    });
    if (res.status >= 400) {
      let body: Partial<RejectBody> = {};
      try {
        body = (await res.json()) as RejectBody;
      } catch {
        // Not JSON: fall through with the status line.
      }
      const reason = body.error?.reason;
      if (reason) throw new UpdateRejectedError(reason, body.error?.message ?? reason);
      throw new DataError(
        'UPDATE_REJECTED',
        `The federated server answered ${res.status} ${res.statusText}.`,
      );
    }
    return res;
  };
  const json = async <T>(
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> => {
    const res = await call(
      path,
      body === undefined
        ? {}
        : {
            method: 'POST',
            body: JSON.stringify(body),
            headers: { 'Content-Type': 'application/json', ...headers },
          },
    );
    return (await res.json()) as T;
  };
  return {
    async fetchModel(etag) {
      const res = await call('/v1/model', etag ? { headers: { 'If-None-Match': etag } } : {});
      if (res.status === 304) return null;
      const model = decodeFederatedModel(new Uint8Array(await res.arrayBuffer()));
      return { ...model, etag: res.headers.get('ETag') ?? '' };
    },
    async join(publicKey, shareKey) {
      // Join admission: a proof of work bound to this round's challenge and these keys.
      const admission = await admitJoin({
        publicKey,
        shareKey,
        fetchChallenge: () => json<unknown>(CHALLENGE_PATH),
      });
      const request = {
        protocol: FEDERATED_PROTOCOL_VERSION,
        ...(publicKey ? { publicKey } : {}),
        ...(shareKey ? { shareKey } : {}),
      };
      return json<JoinResponse>('/v1/rounds/join', request, admission);
    },
    async upload(roundId, frame) {
      const res = await call(`/v1/rounds/${encodeURIComponent(roundId)}/update`, {
        method: 'POST',
        body: frame as Uint8Array<ArrayBuffer>,
        headers: { 'Content-Type': 'application/octet-stream' },
      });
      return (await res.json()) as UpdateAck;
    },
    roundState: (roundId, so) =>
      json<RoundState>(`/v1/rounds/${encodeURIComponent(roundId)}${so?.lists ? '?lists=1' : ''}`),
    members: (roundId, slot) =>
      json<RoundMembers>(`/v1/rounds/${encodeURIComponent(roundId)}/members/${slot}`),
    postShares: (roundId, request) =>
      json(`/v1/rounds/${encodeURIComponent(roundId)}/shares`, request),
    shareInbox: (roundId, slot) =>
      json<ShareInbox>(`/v1/rounds/${encodeURIComponent(roundId)}/shares/${slot}`),
    unmask: (roundId, request) => json(`/v1/rounds/${encodeURIComponent(roundId)}/unmask`, request),
    status: () => json<ServerStatus>('/v1/status'),
  };
}

/** Options of {@link participateInRound}. */
export interface ParticipateOptions {
  readonly client: FederatedClient;
  /** The device's history (dense item indices of the global model, summed weights). */
  readonly history: readonly WeightedItem[];
  /** A model already fetched (skips the download when its version matches the round). */
  readonly model?: VersionedModel;
  /** Noise and rounding randomness. Default: the platform CSPRNG. Secrets always use the CSPRNG. */
  readonly rng?: Rng;
  /** Secure rounds: how long to wait for the cohort to form (default 60 s) and the poll interval (default 2 s). */
  readonly waitMs?: number;
  readonly pollMs?: number;
  /**
   * Secure rounds: longest wait, after uploading, for the round to ask for unmasking. Default: the
   * server's remaining upload window plus a grace of max(10 s, 5 × pollMs).
   */
  readonly finishWaitMs?: number;
  /**
   * The device's own privacy check of each round (an `EpsilonLedger`): `admit` refuses a round
   * that violates the device's floor or budget before anything is computed or shared, `spend`
   * records the round right before its update leaves. Without it only the ring check applies
   * (simulations, tests).
   */
  readonly guard?: RoundGuard;
}

/** The device-side privacy check {@link participateInRound} applies to every round it joins. */
export interface RoundGuard {
  /** Refuses (throws) before joining when the server's status already shows the round falls short. */
  beforeJoin?(status: ServerStatus): Promise<void>;
  admit(spec: RoundSpec): Promise<RoundCost>;
  spend(cost: RoundCost): Promise<void>;
}

/** What a device did in a round. */
export interface Participation {
  readonly roundId: string;
  readonly uploadedBytes: number;
  readonly ack: UpdateAck;
  /** Secure rounds: whether this device answered the unmasking request before returning. */
  readonly unmasked?: boolean;
  /**
   * Secure rounds: answers the unmasking request if the round is unmasking now (for when the wait
   * inside {@link participateInRound} ended first). Idempotent; a no-op once answered.
   */
  readonly unmask?: () => Promise<void>;
}

/**
 * Fetches the model (if needed), joins the open round, computes, clips, noises, quantizes (and in
 * secure rounds masks) the update, and uploads it. In secure rounds it also shares its keys before
 * uploading and, after uploading, waits for the round to unmask and answers (bounded by
 * `finishWaitMs`). Returns null when the history is empty.
 */
export async function participateInRound(o: ParticipateOptions): Promise<Participation | null> {
  const rng = o.rng ?? createCryptoRng();
  const pollMs = o.pollMs ?? 2000;
  const status = await o.client.status();
  await o.guard?.beforeJoin?.(status);
  // Secure rounds need key pairs before joining; plain ones do not.
  const session = status.round?.aggregation === 'secure' ? await createSecureRoundSession() : null;
  const joined = await o.client.join(session?.publicKey, session?.shareKey);
  let model = o.model;
  if (!model || model.version !== joined.round.modelVersion) {
    const fetched = await o.client.fetchModel();
    if (!fetched) throw new DataError('UPDATE_REJECTED', 'The server sent no model.');
    model = fetched;
  }
  const round = validateRoundSpec(joined.round, model.model);
  if (round.modelVersion !== model.version) {
    throw new UpdateRejectedError(
      'round-closed',
      'The model changed while joining; join the next round.',
    );
  }
  // The guard's floor includes the ring check; without one, the ring check alone still applies.
  const cost = o.guard ? await o.guard.admit(round) : refuseWrapping(round);
  const update = round.release
    ? computeReleaseUpdate({
        release: round.release,
        numItems: model.model.numItems,
        history: o.history,
        rows: round.rows,
      })
    : computeClientUpdate({ model: model.model, history: o.history, rows: round.rows });
  if (!update) return null;
  let secure: { mask: Uint32Array; uploadDeadline: number } | undefined;
  if (round.aggregation === 'secure') {
    if (!session)
      throw new UpdateRejectedError(
        'bad-request',
        'The round became secure after joining; join again.',
      );
    secure = await prepareSecureUpload({
      client: o.client,
      session,
      joined,
      round,
      waitMs: o.waitMs ?? 60_000,
      pollMs,
    });
  }
  const { frame } = encodeUpload({
    round,
    parts: update.parts,
    ticket: joined.ticket,
    rng,
    ...(secure ? { mask: secure.mask } : {}),
  });
  if (cost) await o.guard?.spend(cost);
  const ack = await o.client.upload(round.roundId, frame);
  const result: Participation = { roundId: round.roundId, uploadedBytes: frame.length, ack };
  if (!secure || !session) return result;
  const answer = createUnmaskAnswer({ client: o.client, session, joined, pollMs });
  const untilMs = Date.now() + (o.finishWaitMs ?? Math.max(0, secure.uploadDeadline - Date.now()));
  const unmasked = await answer.await(untilMs);
  return { ...result, unmasked, unmask: () => answer.now() };
}

/** Throws when a secure round's sums could wrap the ring (its update would corrupt the sum). */
function refuseWrapping(round: RoundSpec): undefined {
  const wrap = secureSumProblem(round);
  if (wrap) {
    throw new RoundRefusedError(
      'secure-sum-overflow',
      round.roundId,
      `Round ${round.roundId} refused: ${wrap}.`,
    );
  }
  return undefined;
}
