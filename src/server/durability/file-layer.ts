/**
 * The few file-system operations the server's durable store needs, behind an interface so tests can
 * swap in a simulated disk that loses unsynced writes ({@link createSimulatedDisk}). Every durability
 * rule of the store (fsync before acknowledging, fsync of the directory after a create or rename) is
 * expressed through these calls, so the simulation checks exactly what production does.
 */
import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/** An open file: positional writes, data/metadata sync, truncate. */
export interface LayerHandle {
  /** Writes `data` at byte `position`; resolves with the bytes written (may be fewer). */
  write(data: Uint8Array, position: number): Promise<number>;
  /** Makes the file's data (and its size) durable. */
  datasync(): Promise<void>;
  /** Makes the file's data and metadata durable. */
  sync(): Promise<void>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

/** File operations of the durable store. Paths are absolute or relative to the process. */
export interface FileLayer {
  /** The file's bytes, or null when it does not exist. */
  readFile(path: string): Promise<Uint8Array | null>;
  /** `create`: create or empty the file; `existing`: open an existing file for writing. */
  open(path: string, mode: 'create' | 'existing'): Promise<LayerHandle>;
  /** Atomically replaces `to` with `from` (durable only after {@link FileLayer.syncDirectory}). */
  rename(from: string, to: string): Promise<void>;
  /** Makes created, renamed and removed entries of directory `dir` durable. */
  syncDirectory(dir: string): Promise<void>;
  /** Removes a file; no error when it does not exist. */
  remove(path: string): Promise<void>;
  /** Names of the entries of `dir`. */
  list(dir: string): Promise<string[]>;
  /** Creates `dir` and its parents when missing. */
  mkdir(dir: string): Promise<void>;
}

/** The real file system (`node:fs/promises`). */
export const nodeFileLayer: FileLayer = {
  async readFile(path) {
    try {
      return new Uint8Array(await readFile(path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  },
  async open(path, mode) {
    const handle = await open(path, mode === 'create' ? 'w' : 'r+');
    return {
      write: async (data, position) =>
        (await handle.write(data, 0, data.length, position)).bytesWritten,
      datasync: () => handle.datasync(),
      sync: () => handle.sync(),
      truncate: (length) => handle.truncate(length),
      close: () => handle.close(),
    };
  },
  rename: (from, to) => rename(from, to),
  async syncDirectory(dir) {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  remove: (path) => rm(path, { force: true }),
  list: (dir) => readdir(dir),
  mkdir: async (dir) => {
    await mkdir(dir, { recursive: true });
  },
};

/** Writes all of `data` at `position`, looping over short writes. */
export async function writeFully(
  handle: LayerHandle,
  data: Uint8Array,
  position: number,
): Promise<void> {
  let done = 0;
  while (done < data.length) {
    done += await handle.write(data.subarray(done), position + done);
  }
}

/**
 * Writes `data` to `path` atomically and durably: temp file, fsync, rename, directory fsync. After a
 * crash the path holds either its old content or `data`, never a mix.
 */
export async function writeFileAtomic(
  layer: FileLayer,
  path: string,
  data: Uint8Array,
): Promise<void> {
  const tmp = `${path}.tmp`;
  const handle = await layer.open(tmp, 'create');
  try {
    await writeFully(handle, data, 0);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await layer.rename(tmp, path);
  await layer.syncDirectory(dirname(path));
}
