/**
 * Device-side client of the aggregation server over `fetch` (browsers, workers, Node ≥ 18), and
 * {@link participateInRound}: the whole consented contribution of one device to one round.
 * Browser-safe. Only the encoded update leaves the device; the history and user vector stay.
 */
import { DataError } from '../core/errors';
import type { WeightedItem } from '../core/models/mf/fold-in';
import type { Rng } from '../core/random';
import { computeClientUpdate } from './client-update';
import { createCryptoRng } from './clip-and-noise';
import {
  FEDERATED_PROTOCOL_VERSION,
  UpdateRejectedError,
  updateLength,
  validateRoundSpec,
  type JoinResponse,
  type RejectBody,
  type RoundState,
  type ServerStatus,
  type UnmaskRequest,
  type UpdateAck,
} from './federated-protocol';
import { decodeFederatedModel, type VersionedModel } from './federated-model';
import {
  bytesToBase64,
  deriveCohortSeeds,
  generateMaskingKeyPair,
  pairwiseMask,
  type PeerSeed,
} from './secure-aggregation';
import { encodeUpload } from './update-codec';

/** A fetched model with its cache validator. */
export interface FetchedModel extends VersionedModel {
  readonly etag: string;
}

/** Thin typed wrapper around the server's HTTP API. */
export interface FederatedClient {
  /** The current model, or null when `etag` is still current (HTTP 304). */
  fetchModel(etag?: string): Promise<FetchedModel | null>;
  join(publicKey?: string): Promise<JoinResponse>;
  upload(roundId: string, frame: Uint8Array): Promise<UpdateAck>;
  roundState(roundId: string): Promise<RoundState>;
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
  const json = async <T>(path: string, body?: unknown): Promise<T> => {
    const res = await call(
      path,
      body === undefined
        ? {}
        : {
            method: 'POST',
            body: JSON.stringify(body),
            headers: { 'Content-Type': 'application/json' },
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
    join: (publicKey) =>
      json<JoinResponse>('/v1/rounds/join', {
        protocol: FEDERATED_PROTOCOL_VERSION,
        ...(publicKey ? { publicKey } : {}),
      }),
    async upload(roundId, frame) {
      const res = await call(`/v1/rounds/${encodeURIComponent(roundId)}/update`, {
        method: 'POST',
        body: frame as Uint8Array<ArrayBuffer>,
        headers: { 'Content-Type': 'application/octet-stream' },
      });
      return (await res.json()) as UpdateAck;
    },
    roundState: (roundId) => json<RoundState>(`/v1/rounds/${encodeURIComponent(roundId)}`),
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
  /** Noise and rounding randomness. Default: the platform CSPRNG. */
  readonly rng?: Rng;
  /** Secure rounds: how long to wait for the cohort to form (default 60 s) and the poll interval (default 2 s). */
  readonly waitMs?: number;
  readonly pollMs?: number;
}

/** What a device did in a round. */
export interface Participation {
  readonly roundId: string;
  readonly uploadedBytes: number;
  readonly ack: UpdateAck;
  /** Secure rounds: call this while the round is `unmasking` if peers dropped out. */
  readonly unmask?: () => Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Fetches the model (if needed), joins the open round, computes, clips, noises, quantizes (and in
 * secure rounds masks) the update, and uploads it. Returns null when the history is empty.
 */
export async function participateInRound(o: ParticipateOptions): Promise<Participation | null> {
  const rng = o.rng ?? createCryptoRng();
  const keys = await peekSecure(o.client);
  const joined = await o.client.join(keys?.publicKey);
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
  const update = computeClientUpdate({ model: model.model, history: o.history, rows: round.rows });
  if (!update) return null;
  let mask: Uint32Array | undefined;
  let seeds: PeerSeed[] = [];
  if (round.aggregation === 'secure') {
    if (!keys)
      throw new UpdateRejectedError(
        'bad-request',
        'The round became secure after joining; join again.',
      );
    const state = await waitForPhase(o.client, round.roundId, o.waitMs ?? 60_000, o.pollMs ?? 2000);
    seeds = await deriveCohortSeeds({
      privateKey: keys.privateKey,
      slot: joined.slot,
      participants: state.participants,
      roundId: round.roundId,
    });
    mask = pairwiseMask({
      slot: joined.slot,
      peers: seeds,
      length: updateLength(round.parts),
      bits: round.ringBits,
    });
  }
  const { frame } = encodeUpload({
    round,
    parts: update.parts,
    ticket: joined.ticket,
    rng,
    ...(mask ? { mask } : {}),
  });
  const ack = await o.client.upload(round.roundId, frame);
  const result: Participation = { roundId: round.roundId, uploadedBytes: frame.length, ack };
  if (round.aggregation !== 'secure') return result;
  return {
    ...result,
    unmask: async () => {
      const state = await o.client.roundState(round.roundId);
      const dropped = new Set(state.dropped);
      await o.client.unmask(round.roundId, {
        protocol: FEDERATED_PROTOCOL_VERSION,
        ticket: joined.ticket,
        seeds: seeds
          .filter((s) => dropped.has(s.slot))
          .map((s) => ({ slot: s.slot, seed: bytesToBase64(s.seed) })),
      });
    },
  };
}

/** Secure rounds need a key pair before joining; plain ones do not. */
async function peekSecure(
  client: FederatedClient,
): Promise<Awaited<ReturnType<typeof generateMaskingKeyPair>> | null> {
  const status = await client.status();
  return status.round?.aggregation === 'secure' ? generateMaskingKeyPair() : null;
}

async function waitForPhase(
  client: FederatedClient,
  roundId: string,
  waitMs: number,
  pollMs: number,
): Promise<RoundState> {
  const until = Date.now() + waitMs;
  for (;;) {
    let state: RoundState;
    try {
      state = await client.roundState(roundId);
    } catch (error) {
      // Polling faster than the server's rate limit is not fatal: wait and ask again.
      if (!(error instanceof UpdateRejectedError && error.reason === 'rate-limited')) throw error;
      await sleep(pollMs);
      continue;
    }
    if (state.phase === 'collecting') return state;
    if (state.phase !== 'joining') {
      throw new UpdateRejectedError(
        'round-closed',
        `Round ${roundId} moved to ${state.phase} before this device could upload.`,
      );
    }
    if (Date.now() > until)
      throw new UpdateRejectedError('round-closed', `Round ${roundId} did not fill in time.`);
    await sleep(pollMs);
  }
}
