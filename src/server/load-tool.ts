/**
 * A bounded load tool for the aggregation server: prepares N devices' real updates, then uploads
 * them all at once over loopback and checks that every acknowledged update is in the server's round
 * log (and, with {@link runCrashCheck}, that none is lost when the server is SIGKILLed mid-round).
 * Loss is measured by identity: the ticket ids of acknowledged uploads minus the ticket ids of the
 * update records the data directory holds — never by comparing counts, which a surplus of other
 * updates would mask. Loopback only. (SIGKILL keeps the page cache, so power loss is tested with a
 * simulated disk instead: test/server/durability-power-loss.test.ts.)
 */
import { nodeFileLayer } from './durability/file-layer';
import { readAcceptedTicketIds } from './durability/data-dir';
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
  /** Acknowledged uploads whose update is not in the server's round log (|acknowledged − logged|). */
  readonly lostUpdates: number;
  /** Ticket ids of those lost uploads. */
  readonly lostTicketIds: readonly string[];
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
): Promise<{ roundId: string; frames: Uint8Array[]; ticketIds: string[] }> {
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
  const ticketIds = joins.map((j) => j.ticket.slice(0, j.ticket.lastIndexOf('.')));
  return { roundId: joins[0]!.round.roundId, frames, ticketIds };
}

/** Uploads every frame concurrently; resolves with the indices acknowledged and the failures. */
export async function uploadAll(
  client: FederatedClient,
  roundId: string,
  frames: readonly Uint8Array[],
  onAck?: (index: number) => void,
): Promise<{ ok: number; acked: number[]; reasons: Record<string, number>; ms: number }> {
  const reasons: Record<string, number> = {};
  const acked: number[] = [];
  const started = performance.now();
  await Promise.all(
    frames.map(async (frame, index) => {
      try {
        await client.upload(roundId, frame);
        acked.push(index);
        onAck?.(index);
      } catch (error) {
        const reason = error instanceof UpdateRejectedError ? error.reason : 'network';
        reasons[reason] = (reasons[reason] ?? 0) + 1;
      }
    }),
  );
  return { ok: acked.length, acked, reasons, ms: performance.now() - started };
}

/**
 * How many updates the open round's log in `dataDir` holds, and which `acknowledged` ticket ids it
 * lacks (a set difference: a surplus of other updates never hides a loss).
 */
export async function compareWithLog(
  dataDir: string,
  acknowledged: Iterable<string>,
): Promise<{ recovered: number; lost: string[] }> {
  const logged = await readAcceptedTicketIds(nodeFileLayer, dataDir);
  return { recovered: logged.size, lost: [...acknowledged].filter((id) => !logged.has(id)) };
}

/**
 * Uploads `clients` real updates at once to a running server whose data directory is `dataDir`
 * and checks, by ticket id, that every acknowledged update is in its round log.
 */
export async function runUploadLoad(o: {
  readonly baseUrl: string;
  readonly token: string;
  readonly clients: number;
  /** The server's `--data-dir` (read only). */
  readonly dataDir: string;
}): Promise<LoadResult> {
  assertLoopback(o.baseUrl);
  const client = createFederatedClient({ baseUrl: o.baseUrl, token: o.token });
  const { roundId, frames, ticketIds } = await prepareUploads(client, o.clients);
  const { ok, acked, reasons, ms } = await uploadAll(client, roundId, frames);
  const { lost } = await compareWithLog(
    o.dataDir,
    acked.map((i) => ticketIds[i]!),
  );
  return {
    clients: frames.length,
    accepted: ok,
    errors: frames.length - ok,
    errorReasons: reasons,
    lostUpdates: lost.length,
    lostTicketIds: lost,
    uploadMs: ms,
    bytesPerUpload: frames[0]!.length,
  };
}

/** Outcome of {@link runCrashCheck}. */
export interface CrashResult {
  /** Uploads acknowledged before the SIGKILL. */
  readonly acknowledged: number;
  /** Updates the restarted server holds for the round (its round log's update records). */
  readonly recovered: number;
  /** Acknowledged uploads missing after the restart, by ticket id (|acknowledged − recovered|). */
  readonly lostUpdates: number;
  readonly lostTicketIds: readonly string[];
}

/**
 * Spawns the built server on `dataDir`, uploads `clients` updates at once, SIGKILLs it after
 * `killAfterAcks` acknowledgements, restarts it on the same directory and compares, by ticket id,
 * the acknowledged uploads with the update records of the restarted server's round log. The round
 * must stay open during the check (`serverArgs` with a long round and a large cohort).
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
  const acknowledged = new Set<string>();
  try {
    const client = createFederatedClient({ baseUrl: first.url, token: o.token });
    const { roundId, frames, ticketIds } = await prepareUploads(client, o.clients);
    let killed: Promise<void> | null = null;
    await uploadAll(client, roundId, frames, (index) => {
      acknowledged.add(ticketIds[index]!);
      if (acknowledged.size >= o.killAfterAcks && !killed) killed = first.stop('SIGKILL');
    });
    await (killed ?? first.stop('SIGKILL'));
  } finally {
    await first.stop('SIGKILL');
  }
  const second = await spawnServer({ entry: o.entry, args });
  try {
    // The restarted server answers: it replayed the log it will keep appending to.
    await createFederatedClient({ baseUrl: second.url, token: o.token }).status();
  } finally {
    await second.stop('SIGTERM');
  }
  const { recovered, lost } = await compareWithLog(o.dataDir, acknowledged);
  return {
    acknowledged: acknowledged.size,
    recovered,
    lostUpdates: lost.length,
    lostTicketIds: lost,
  };
}
