/**
 * Single-node {@link FederatedStore} on a local directory:
 * - `state.json`: the committed {@link StoredState} (replaced atomically: temp file, fsync, rename,
 *   directory fsync);
 * - `model-v<N>.hfm`: the model file of version N (written the same way, before the state);
 * - `round-<R>.log`: the open round's append-only log ({@link openAppendLog}, fsync per group).
 * A crash at any point leaves either the old or the new state; a round whose model was written but
 * whose state was not is simply aggregated again from its log on restart (deterministically).
 */
import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { OptionError } from '../core/errors';
import { openAppendLog, syncDirectory, type AppendLog } from './append-log';
import {
  decodeRecord,
  encodeRecord,
  type FederatedStore,
  type LoadedState,
  type RoundRecord,
  type StoredState,
} from './federated-store';

/** Writes `data` to `path` atomically and durably. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
  await syncDirectory(join(path, '..'));
}

const modelName = (version: number): string => `model-v${version}.hfm`;
const logName = (round: number): string => `round-${round}.log`;

/** Opens (creating the directory if needed) a disk store. */
export async function createDiskStore(
  dir: string,
): Promise<FederatedStore & { readonly dir: string }> {
  await mkdir(dir, { recursive: true });
  let log: AppendLog | null = null;
  let logRound = -1;
  const openLog = async (round: number): Promise<readonly RoundRecord[]> => {
    await log?.close();
    const opened = await openAppendLog(join(dir, logName(round)));
    log = opened.log;
    logRound = round;
    return opened.records.map(decodeRecord);
  };
  /** Removes logs of earlier rounds and models older than the previous one (best effort). */
  const prune = async (state: StoredState): Promise<void> => {
    for (const name of await readdir(dir)) {
      const round = /^round-(\d+)\.log$/.exec(name);
      const model = /^model-v(\d+)\.hfm$/.exec(name);
      const stale =
        (round && Number(round[1]) < state.roundNumber) ||
        (model && Number(model[1]) < state.modelVersion - 1);
      if (stale) await rm(join(dir, name), { force: true });
    }
  };
  return {
    dir,
    async load(): Promise<LoadedState | null> {
      let text: string;
      try {
        text = await readFile(join(dir, 'state.json'), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      const state = JSON.parse(text) as StoredState;
      const model = await readFile(join(dir, modelName(state.modelVersion)));
      const records = await openLog(state.roundNumber);
      return { state, model, records };
    },
    async append(roundNumber, record) {
      if (!log || roundNumber !== logRound) {
        throw new OptionError(`Round ${roundNumber} is not the store's open round (${logRound}).`);
      }
      await log.append(encodeRecord(record));
    },
    async commit(state, model) {
      await writeFileAtomic(join(dir, modelName(state.modelVersion)), model);
      await writeFileAtomic(join(dir, 'state.json'), JSON.stringify(state));
      await openLog(state.roundNumber);
      await prune(state);
    },
    async close() {
      await log?.close();
      log = null;
    },
  };
}
