/**
 * A fault-injecting {@link FileLayer} for tests: an in-memory disk with a page cache. Writes,
 * truncates, creates, renames and removes change only the cached view until they are synced (file
 * data by `datasync`/`sync`, directory entries by `syncDirectory`). A simulated power loss keeps
 * what was synced and, of each file's unsynced appended bytes, a random amount: none, all, a prefix
 * torn at any byte, or a prefix up to a sector boundary followed by zero-filled (allocated but never
 * written) sectors. Unsynced directory entries revert. Single write failures (ENOSPC, EIO, partial
 * writes) can be injected too. Directories themselves are created durably (mkdir is not modelled).
 */
import { basename, dirname } from 'node:path';
import type { Rng } from '../../core/random';
import type { FileLayer, LayerHandle } from './file-layer';
import { SECTOR_BYTES } from './log-format';

/** File-layer operations a fault can target. */
export type DiskOp =
  'open' | 'write' | 'datasync' | 'sync' | 'truncate' | 'rename' | 'syncDirectory';

/** A one-shot failure of the next matching operation. */
export interface DiskFault {
  readonly op: DiskOp;
  /** Only paths containing this text (default: any path). */
  readonly pathIncludes?: string;
  readonly code: 'ENOSPC' | 'EIO';
  /** `write`: bytes that reach the file before the failure (default 0). */
  readonly partialBytes?: number;
}

/**
 * A file's content as immutable chunks, so a sync (which keeps the chunk list) and an append (which
 * adds a chunk) cost nothing per byte already in the file.
 */
interface Inode {
  current: Uint8Array[];
  durable: Uint8Array[];
}

const sizeOf = (chunks: readonly Uint8Array[]): number => chunks.reduce((s, c) => s + c.length, 0);

function flatten(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(sizeOf(chunks));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Whether `current` starts with `durable` (by chunk identity, else byte by byte). */
function extendsDurable(durable: readonly Uint8Array[], current: readonly Uint8Array[]): boolean {
  if (durable.length <= current.length && durable.every((c, i) => current[i] === c)) return true;
  const d = flatten(durable);
  const c = flatten(current);
  return c.length >= d.length && d.every((b, i) => c[i] === b);
}

interface Directory {
  current: Map<string, Inode>;
  durable: Map<string, Inode>;
}

/** The simulated disk: a {@link FileLayer} plus fault and power-loss controls. */
export interface SimulatedDisk extends FileLayer {
  /** Fails the next operation matching `fault`. */
  injectFault(fault: DiskFault): void;
  /**
   * Loses power when operation number `op` (1-based, counted from now) starts: that operation and
   * every later one fail, and the disk's surviving content is fixed using `rng`.
   */
  schedulePowerLoss(op: number, rng: Rng): void;
  /** Loses power now. */
  powerLoss(rng: Rng): void;
  /** Whether power was lost (every operation fails until {@link SimulatedDisk.restart}). */
  readonly dead: boolean;
  /** Operations started so far. */
  readonly operations: number;
  /**
   * A fresh machine on what survived: after a power loss, the surviving content; otherwise (a
   * process crash) everything written, synced or not.
   */
  restart(): SimulatedDisk;
}

const fail = (code: string, path: string): Error =>
  Object.assign(new Error(`${code}: simulated failure on ${path}`), { code });

/** What survives of a file's content at power loss. */
function survivingContent(inode: Inode, rng: Rng): Uint8Array {
  const extended = extendsDurable(inode.durable, inode.current);
  const durable = flatten(inode.durable);
  const current = flatten(inode.current);
  if (!extended) return rng.next() < 0.5 ? durable : current;
  const unsynced = current.length - durable.length;
  if (unsynced === 0) return durable;
  const mode = rng.int(4);
  if (mode === 0) return durable;
  if (mode === 1) return current;
  const kept = durable.length + rng.int(unsynced + 1);
  if (mode === 2) return current.slice(0, kept);
  // Sectors allocated (the size grew) but written only up to a sector boundary.
  const boundary = Math.max(durable.length, Math.floor(kept / SECTOR_BYTES) * SECTOR_BYTES);
  const out = new Uint8Array(kept + rng.int(current.length - kept + 1));
  out.set(current.subarray(0, boundary));
  return out;
}

/** Creates an empty simulated disk (or one over `image`, the survivors of a power loss). */
export function createSimulatedDisk(image?: Map<string, Map<string, Uint8Array>>): SimulatedDisk {
  const dirs = new Map<string, Directory>();
  for (const [path, files] of image ?? []) {
    const entries = new Map<string, Inode>();
    for (const [name, bytes] of files) entries.set(name, { current: [bytes], durable: [bytes] });
    dirs.set(path, { current: entries, durable: new Map(entries) });
  }
  const faults: DiskFault[] = [];
  let operations = 0;
  let lossAt: { op: number; rng: Rng } | null = null;
  let survivors: Map<string, Map<string, Uint8Array>> | null = null;

  const loseNow = (rng: Rng): void => {
    survivors = new Map();
    for (const [path, dir] of dirs) {
      const files = new Map<string, Uint8Array>();
      for (const [name, inode] of dir.durable)
        files.set(name, survivingContent(inode, rng).slice());
      survivors.set(path, files);
    }
  };
  /** Counts an operation, applies a scheduled power loss and injected faults. */
  const begin = (op: DiskOp | 'read', path: string): DiskFault | null => {
    operations++;
    if (lossAt && operations >= lossAt.op && !survivors) loseNow(lossAt.rng);
    if (survivors) throw fail('EIO', `${path} (the machine lost power)`);
    const i = faults.findIndex((f) => f.op === op && path.includes(f.pathIncludes ?? ''));
    return i < 0 ? null : faults.splice(i, 1)[0]!;
  };
  const dirOf = (path: string): Directory => {
    const dir = dirs.get(dirname(path));
    if (!dir) throw fail('ENOENT', dirname(path));
    return dir;
  };
  const inodeOf = (path: string): Inode => {
    const inode = dirOf(path).current.get(basename(path));
    if (!inode) throw fail('ENOENT', path);
    return inode;
  };
  const resize = (inode: Inode, length: number): void => {
    const flat = flatten(inode.current);
    const next = new Uint8Array(length);
    next.set(flat.subarray(0, Math.min(length, flat.length)));
    inode.current = [next];
  };

  const handleFor = (path: string, inode: Inode): LayerHandle => {
    let open = true;
    const check = (op: DiskOp): DiskFault | null => {
      const fault = begin(op, path);
      if (!open) throw fail('EBADF', path);
      return fault;
    };
    const syncData = async (op: 'datasync' | 'sync'): Promise<void> => {
      const fault = check(op);
      if (fault) throw fail(fault.code, path);
      inode.durable = [...inode.current];
    };
    return {
      async write(data, position) {
        const fault = check('write');
        const length = fault ? Math.min(fault.partialBytes ?? 0, data.length) : data.length;
        const size = sizeOf(inode.current);
        if (position === size) {
          inode.current.push(data.slice(0, length));
        } else {
          resize(inode, Math.max(size, position + length));
          inode.current[0]!.set(data.subarray(0, length), position);
        }
        if (fault) throw fail(fault.code, path);
        return length;
      },
      datasync: () => syncData('datasync'),
      sync: () => syncData('sync'),
      async truncate(length) {
        const fault = check('truncate');
        if (fault) throw fail(fault.code, path);
        resize(inode, length);
      },
      async close() {
        open = false;
      },
    };
  };

  return {
    async readFile(path) {
      begin('read', path);
      const inode = dirs.get(dirname(path))?.current.get(basename(path));
      return inode ? flatten(inode.current) : null;
    },
    async open(path, mode) {
      const fault = begin('open', path);
      if (fault) throw fail(fault.code, path);
      const dir = dirOf(path);
      let inode = dir.current.get(basename(path));
      if (!inode) {
        if (mode === 'existing') throw fail('ENOENT', path);
        inode = { current: [], durable: [] };
        dir.current.set(basename(path), inode);
      } else if (mode === 'create') {
        inode.current = [];
      }
      return handleFor(path, inode);
    },
    async rename(from, to) {
      const fault = begin('rename', from);
      if (fault) throw fail(fault.code, from);
      const inode = inodeOf(from);
      dirOf(from).current.delete(basename(from));
      dirOf(to).current.set(basename(to), inode);
    },
    async syncDirectory(path) {
      const fault = begin('syncDirectory', path);
      if (fault) throw fail(fault.code, path);
      const dir = dirs.get(path);
      if (!dir) throw fail('ENOENT', path);
      dir.durable = new Map(dir.current);
    },
    async remove(path) {
      begin('read', path);
      dirs.get(dirname(path))?.current.delete(basename(path));
    },
    async list(path) {
      begin('read', path);
      const dir = dirs.get(path);
      if (!dir) throw fail('ENOENT', path);
      return [...dir.current.keys()];
    },
    async mkdir(path) {
      begin('read', path);
      if (!dirs.has(path)) dirs.set(path, { current: new Map(), durable: new Map() });
    },
    injectFault: (fault) => void faults.push(fault),
    schedulePowerLoss(op, rng) {
      lossAt = { op: operations + op, rng };
    },
    powerLoss: (rng) => loseNow(rng),
    get dead() {
      return survivors !== null;
    },
    get operations() {
      return operations;
    },
    restart() {
      if (survivors) return createSimulatedDisk(survivors);
      // A process crash without power loss: the page cache (every entry and byte) survives.
      const image = new Map<string, Map<string, Uint8Array>>();
      for (const [path, dir] of dirs) {
        image.set(
          path,
          new Map([...dir.current].map(([name, inode]) => [name, flatten(inode.current)])),
        );
      }
      return createSimulatedDisk(image);
    },
  };
}
