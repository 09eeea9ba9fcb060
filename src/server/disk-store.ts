/**
 * Single-node {@link FederatedStore} on a local directory (layout: `durability/data-dir.ts`; rules:
 * docs/server-durability.md):
 * - `state.json`: the committed {@link StoredState}, replaced atomically (temp file, fsync, rename,
 *   directory fsync);
 * - `model-v<N>.hfm`: the model file of version N, written the same way before the state;
 * - `round-<R>.log`: round R's append-only log ({@link openAppendLog}), created with its header and
 *   made durable (file and directory entry) before the state that opens round R.
 * A crash at any point leaves either the old or the new state; a round whose model was written but
 * whose state was not is simply aggregated again from its log on restart (deterministically). A
 * damaged file refuses to load with a {@link StoreCorruptError} naming it.
 */
import { join } from 'node:path';
import { OptionError } from '../core/errors';
import { createLogFile, openAppendLog, type AppendLog } from './append-log';
import {
  STATE_FILE,
  decodeScannedRecords,
  logFileName,
  modelFileName,
  readStateFile,
  undecodableRecordError,
} from './durability/data-dir';
import { nodeFileLayer, writeFileAtomic, type FileLayer } from './durability/file-layer';
import { StoreCorruptError, recoverCommand } from './durability/store-errors';
import {
  encodeRecord,
  type FederatedStore,
  type LoadedState,
  type RoundRecord,
  type StoredState,
} from './federated-store';

/** Options of {@link createDiskStore}. */
export interface DiskStoreOptions {
  /** File operations (default: the real file system; tests pass a simulated disk). */
  readonly layer?: FileLayer;
  /** Told about repairs that lose nothing acknowledged (a cut torn tail); default: stderr. */
  readonly onNotice?: (message: string) => void;
}

const stderrNotice = (message: string): void => {
  process.stderr.write(`hearth-server: ${message}\n`);
};

/** Opens (creating the directory if needed) a disk store on `dir`. */
export async function createDiskStore(
  dir: string,
  options: DiskStoreOptions = {},
): Promise<FederatedStore & { readonly dir: string }> {
  const layer = options.layer ?? nodeFileLayer;
  const notice = options.onNotice ?? stderrNotice;
  await layer.mkdir(dir);
  let log: AppendLog | null = null;
  let logRound = -1;
  const openLog = async (round: number): Promise<readonly RoundRecord[]> => {
    await log?.close();
    log = null;
    const path = join(dir, logFileName(round));
    const remedy = `Nothing was changed; salvage the intact records with: ${recoverCommand(dir)}`;
    const opened = await openAppendLog({ path, layer, round, remedy });
    const { records, bad } = decodeScannedRecords(opened.records);
    if (bad) {
      await opened.log.close();
      throw undecodableRecordError(dir, path, bad);
    }
    if (opened.repairedBytes > 0) {
      notice(
        `${path}: cut a torn tail of ${opened.repairedBytes} bytes (an append interrupted by a ` +
          'crash; it was never acknowledged).',
      );
    }
    log = opened.log;
    logRound = round;
    return records.map((r) => r.record);
  };
  /** Removes logs of earlier rounds and models older than the previous one (best effort). */
  const prune = async (state: StoredState): Promise<void> => {
    for (const name of await layer.list(dir)) {
      const round = /^round-(\d+)\.log$/.exec(name);
      const model = /^model-v(\d+)\.hfm$/.exec(name);
      const stale =
        (round && Number(round[1]) < state.roundNumber) ||
        (model && Number(model[1]) < state.modelVersion - 1);
      if (stale) await layer.remove(join(dir, name));
    }
  };
  return {
    dir,
    async load(): Promise<LoadedState | null> {
      const state = await readStateFile(layer, dir);
      if (!state) return null;
      const modelPath = join(dir, modelFileName(state.modelVersion));
      const model = await layer.readFile(modelPath);
      if (!model) {
        throw new StoreCorruptError({
          file: modelPath,
          problem: `missing, but ${STATE_FILE} names model version ${state.modelVersion}`,
          remedy:
            'Nothing was changed; restore the model file from a backup of the data directory.',
        });
      }
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
      if (state.roundNumber === logRound) {
        throw new OptionError(`A commit must open a new round (round ${logRound} is open).`);
      }
      await writeFileAtomic(layer, join(dir, modelFileName(state.modelVersion)), model);
      // The new round's log exists (durably) before the state that names it, so a missing log at
      // start is always damage, never a crash window.
      await createLogFile({
        path: join(dir, logFileName(state.roundNumber)),
        round: state.roundNumber,
        layer,
      });
      await writeFileAtomic(
        layer,
        join(dir, STATE_FILE),
        new TextEncoder().encode(JSON.stringify(state)),
      );
      await openLog(state.roundNumber);
      await prune(state);
    },
    async close() {
      await log?.close();
      log = null;
    },
  };
}
