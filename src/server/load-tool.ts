/**
 * A bounded load tool for the aggregation server: prepares N devices' real updates, then uploads
 * them all at once over loopback and checks that every acknowledged update is counted (and, with
 * {@link runCrashCheck}, that none is lost when the server is SIGKILLed mid-round). Loopback only.
 */
import { OptionError } from '../core/errors';
import { createFoldInContext, type WeightedItem } from '../core/models/mf/fold-in';
import { createRng } from '../core/random';
import { computeClientUpdate } from '../federated/client-update';
import { createFederatedClient, type FederatedClient } from '../federated/federated-client';
import { UpdateRejectedError } from '../federated/federated-protocol';
import { encodeUpload } from '../federated/update-codec';
import { spawnServer } from './spawn-server';

/** Most clients one run may simulate. */
export const MAX_LOAD_CLIENTS = 10_000;

/** Outcome of a load run. */
export interface LoadResult {
  readonly clients: number;
  /** Uploads answered 2xx. */
  readonly accepted: number;
  /** Uploads that failed (any non-2xx or network error). */
  readonly errors: number;
  readonly errorReasons: Readonly<Record<string, number>>;
  /** Acknowledged uploads the server does not count. */
  readonly lostUpdates: number;
  readonly uploadMs: number;
  readonly bytesPerUpload: number;
}

function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)) {
    throw new OptionError(`The load tool only targets loopback servers (got ${host}).`);
  }
}

/** Random histories of 5–40 items over `numItems`. */
export function syntheticHistory(client: number, numItems: number): WeightedItem[] {
  const rng = createRng(client * 7919 + 1);
  const length = 5 + rng.int(36);
  return Array.from({ length }, () => ({ item: rng.int(numItems), weight: 1 }));
}

/** Joins `clients` seats and encodes each device's update (one model download). */
export async function prepareUploads(
  client: FederatedClient,
  clients: number,
): Promise<{ roundId: string; frames: Uint8Array[] }> {
  if (!(clients >= 1 && clients <= MAX_LOAD_CLIENTS) || !Number.isInteger(clients)) {
    throw new OptionError(
      `clients must be an integer in [1, ${MAX_LOAD_CLIENTS}] (got ${clients}).`,
    );
  }
  const fetched = await client.fetchModel();
  if (!fetched) throw new OptionError('The server sent no model.');
  const joins = [];
  for (let start = 0; start < clients; start += 100) {
    const batch = Math.min(100, clients - start);
    joins.push(...(await Promise.all(Array.from({ length: batch }, () => client.join()))));
  }
  const foldIn = createFoldInContext(fetched.model);
  const frames = joins.map((joined, c) => {
    const update = computeClientUpdate({
      model: fetched.model,
      foldIn,
      history: syntheticHistory(c, fetched.model.numItems),
      rows: joined.round.rows,
    })!;
    return encodeUpload({
      round: joined.round,
      parts: update.parts,
      ticket: joined.ticket,
      rng: createRng(c),
    }).frame;
  });
  return { roundId: joins[0]!.round.roundId, frames };
}

/** Uploads every frame concurrently; resolves with per-upload outcomes. */
export async function uploadAll(
  client: FederatedClient,
  roundId: string,
  frames: readonly Uint8Array[],
  onAck?: () => void,
): Promise<{ ok: number; reasons: Record<string, number>; ms: number }> {
  const reasons: Record<string, number> = {};
  let ok = 0;
  const started = performance.now();
  await Promise.all(
    frames.map(async (frame) => {
      try {
        await client.upload(roundId, frame);
        ok++;
        onAck?.();
      } catch (error) {
        const reason = error instanceof UpdateRejectedError ? error.reason : 'network';
        reasons[reason] = (reasons[reason] ?? 0) + 1;
      }
    }),
  );
  return { ok, reasons, ms: performance.now() - started };
}

/** Uploads `clients` real updates at once to a running server and checks none is lost. */
export async function runUploadLoad(o: {
  readonly baseUrl: string;
  readonly token: string;
  readonly clients: number;
}): Promise<LoadResult> {
  assertLoopback(o.baseUrl);
  const client = createFederatedClient({ baseUrl: o.baseUrl, token: o.token });
  const before = (await client.status()).acceptedTotal;
  const { roundId, frames } = await prepareUploads(client, o.clients);
  const { ok, reasons, ms } = await uploadAll(client, roundId, frames);
  const after = (await client.status()).acceptedTotal;
  const errors = frames.length - ok;
  return {
    clients: frames.length,
    accepted: ok,
    errors,
    errorReasons: reasons,
    lostUpdates: Math.max(0, ok - (after - before)),
    uploadMs: ms,
    bytesPerUpload: frames[0]!.length,
  };
}

/** Outcome of {@link runCrashCheck}. */
export interface CrashResult {
  /** Uploads acknowledged before the SIGKILL. */
  readonly acknowledged: number;
  /** Updates the restarted server holds for the round. */
  readonly recovered: number;
  readonly lostUpdates: number;
}

/**
 * Spawns the built server on `dataDir`, uploads `clients` updates at once, SIGKILLs it after
 * `killAfterAcks` acknowledgements, restarts it on the same directory and compares.
 */
export async function runCrashCheck(o: {
  readonly entry: string;
  readonly dataDir: string;
  readonly token: string;
  /** Flags for the first start (model size, cohort, …); `--data-dir`, `--token`, `--port` are added. */
  readonly serverArgs: readonly string[];
  readonly clients: number;
  readonly killAfterAcks: number;
}): Promise<CrashResult> {
  const args = ['--data-dir', o.dataDir, '--token', o.token, '--port', '0', ...o.serverArgs];
  const first = await spawnServer({ entry: o.entry, args });
  let recovered = -1;
  let acknowledged = 0;
  try {
    const client = createFederatedClient({ baseUrl: first.url, token: o.token });
    const { roundId, frames } = await prepareUploads(client, o.clients);
    let killed: Promise<void> | null = null;
    const upload = uploadAll(client, roundId, frames, () => {
      acknowledged++;
      if (acknowledged >= o.killAfterAcks && !killed) killed = first.stop('SIGKILL');
    });
    await upload;
    await (killed ?? first.stop('SIGKILL'));
  } finally {
    await first.stop('SIGKILL');
  }
  const second = await spawnServer({ entry: o.entry, args });
  try {
    const status = await createFederatedClient({ baseUrl: second.url, token: o.token }).status();
    recovered = status.acceptedTotal;
  } finally {
    await second.stop('SIGTERM');
  }
  return { acknowledged, recovered, lostUpdates: Math.max(0, acknowledged - recovered) };
}
