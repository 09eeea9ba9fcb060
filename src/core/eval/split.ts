import { DataError, OptionError } from '../errors';
import type { CsrMatrix } from '../data/csr-matrix';
import { csrFromCoo } from '../data/csr-matrix';
import type { InteractionDataset } from '../data/interaction-log';
import { createRng, shuffleInPlace } from '../random';

/** Offline split protocols. */
export type SplitProtocol = 'random' | 'last' | 'temporal';

/** Options of {@link splitInteractions}. */
export interface SplitOptions {
  readonly protocol: SplitProtocol;
  readonly seed: number;
  /** Fraction of each user's positives held out (`random`) or of the timeline (`temporal`). Default 0.2. */
  readonly testFraction?: number;
  /** Users with fewer distinct positives are not evaluated (kept in training). Default 5. */
  readonly minPositives?: number;
  /** Per-row weights (e.g. from event types); default 1 per row. Pairs keep the summed weight. */
  readonly rowWeights?: Float32Array;
}

/** A train/test split over distinct (user, item) pairs. */
export interface Split {
  readonly protocol: SplitProtocol;
  /** Training matrix (users × items), weights summed per pair. */
  readonly train: CsrMatrix;
  /** Held-out positives per user (binary). Rows of users without test items are empty. */
  readonly test: CsrMatrix;
  /** Number of users with at least one test item. */
  readonly evaluatedUsers: number;
  /**
   * Latest timestamp of each stored entry of `train` (parallel to `train.indices`; NaN when
   * unknown), so a tuner can carve its validation split with the same protocol.
   */
  readonly trainLastSeen?: Float64Array;
}

/** Distinct pairs of a dataset with their summed weight and latest timestamp, grouped by user. */
interface Pairs {
  readonly matrix: CsrMatrix;
  /** Latest timestamp of each stored entry of `matrix` (NaN when unknown). */
  readonly lastSeen: Float64Array;
}

function distinctPairs(ds: InteractionDataset, rowWeights: Float32Array | undefined): Pairs {
  const c = ds.columns;
  const m = ds.userVocab.size;
  const n = ds.itemVocab.size;
  const weights = rowWeights ?? new Float32Array(c.length).fill(1);
  const matrix = csrFromCoo(m, n, c.users, c.items, weights);
  const lastSeen = new Float64Array(matrix.indices.length).fill(NaN);
  for (let e = 0; e < c.length; e++) {
    const u = c.users[e]!;
    const i = c.items[e]!;
    const p = findEntry(matrix, u, i);
    if (p < 0) continue;
    const t = c.timestamps[e]!;
    const prev = lastSeen[p]!;
    if (!Number.isNaN(t) && (Number.isNaN(prev) || t > prev)) lastSeen[p] = t;
  }
  return { matrix, lastSeen };
}

/** Binary search for column `col` in row `row`; -1 when absent. */
function findEntry(m: CsrMatrix, row: number, col: number): number {
  let lo = m.indptr[row]!;
  let hi = m.indptr[row + 1]! - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = m.indices[mid]!;
    if (v === col) return mid;
    if (v < col) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * Splits interactions into train and test by one of the offline protocols:
 * - `random`: each user with ≥ minPositives distinct positives gets a seeded random
 *   round(testFraction·n) (at least 1) of them as test, the rest train.
 * - `last`: each such user's most recent distinct item is the test item (leave-last-out).
 * - `temporal`: pairs last seen at or after the global (1 − testFraction) time quantile are test
 *   for users with ≥ minPositives pairs before the cut; such pairs of other users are dropped, so
 *   nothing after the cut is ever trained on.
 */
export function splitInteractions(ds: InteractionDataset, options: SplitOptions): Split {
  const fraction = options.testFraction ?? 0.2;
  const minPositives = options.minPositives ?? 5;
  if (!(fraction > 0 && fraction < 1)) {
    throw new OptionError(`testFraction must be between 0 and 1 (got ${fraction}).`);
  }
  const { matrix, lastSeen } = distinctPairs(ds, options.rowWeights);
  const total = matrix.indices.length;
  if (total === 0) throw new DataError('NOT_ENOUGH_DATA', 'No interactions to split.');
  const isTest = new Uint8Array(total);
  const rng = createRng(options.seed);
  const m = matrix.rows;
  if (options.protocol === 'random') {
    for (let u = 0; u < m; u++) {
      const start = matrix.indptr[u]!;
      const count = matrix.indptr[u + 1]! - start;
      if (count < minPositives) continue;
      const take = Math.max(1, Math.round(fraction * count));
      const order = new Int32Array(count);
      for (let j = 0; j < count; j++) order[j] = j;
      shuffleInPlace(order, rng);
      for (let j = 0; j < take; j++) isTest[start + order[j]!] = 1;
    }
  } else if (options.protocol === 'last') {
    for (let u = 0; u < m; u++) {
      const start = matrix.indptr[u]!;
      const end = matrix.indptr[u + 1]!;
      if (end - start < minPositives) continue;
      let best = -1;
      for (let p = start; p < end; p++) {
        const t = lastSeen[p]!;
        // Ties (or missing timestamps) resolve to the later entry: deterministic.
        if (best < 0 || !(t < lastSeen[best]!)) best = p;
      }
      isTest[best] = 1;
    }
  } else if (options.protocol === 'temporal') {
    const times = Float64Array.from(lastSeen.filter((t) => !Number.isNaN(t))).sort();
    if (times.length === 0) {
      throw new DataError(
        'NOT_ENOUGH_DATA',
        'Protocol "temporal" needs timestamps; map a timestamp column or use --protocol random.',
      );
    }
    const cut = times[Math.min(times.length - 1, Math.floor((1 - fraction) * times.length))]!;
    for (let u = 0; u < m; u++) {
      const start = matrix.indptr[u]!;
      const end = matrix.indptr[u + 1]!;
      let trainCount = 0;
      for (let p = start; p < end; p++) if (!(lastSeen[p]! >= cut)) trainCount++;
      // Pairs after the cut never train (that would leak the future); they are test pairs of
      // users with enough history, and dropped for the others.
      const mark = trainCount < minPositives ? DROPPED : 1;
      for (let p = start; p < end; p++) if (lastSeen[p]! >= cut) isTest[p] = mark;
    }
  } else {
    throw new OptionError(
      `Unknown protocol "${String(options.protocol)}": use random, last or temporal.`,
    );
  }
  return buildSplit(options.protocol, matrix, lastSeen, isTest);
}

/** `isTest` marker of a pair that is neither train nor test. */
const DROPPED = 2;

function buildSplit(
  protocol: SplitProtocol,
  matrix: CsrMatrix,
  lastSeen: Float64Array,
  isTest: Uint8Array,
): Split {
  const m = matrix.rows;
  const trainIndptr = new Int32Array(m + 1);
  const testIndptr = new Int32Array(m + 1);
  let testTotal = 0;
  let dropped = 0;
  for (let p = 0; p < isTest.length; p++) {
    if (isTest[p] === 1) testTotal++;
    else if (isTest[p] === DROPPED) dropped++;
  }
  const trainIdx = new Int32Array(isTest.length - testTotal - dropped);
  const trainVal = new Float32Array(isTest.length - testTotal - dropped);
  const trainLastSeen = new Float64Array(isTest.length - testTotal - dropped);
  const testIdx = new Int32Array(testTotal);
  let tr = 0;
  let te = 0;
  let evaluatedUsers = 0;
  for (let u = 0; u < m; u++) {
    const before = te;
    for (let p = matrix.indptr[u]!; p < matrix.indptr[u + 1]!; p++) {
      if (isTest[p] === 1) {
        testIdx[te++] = matrix.indices[p]!;
      } else if (isTest[p] !== DROPPED) {
        trainIdx[tr] = matrix.indices[p]!;
        trainLastSeen[tr] = lastSeen[p]!;
        trainVal[tr++] = matrix.values[p]!;
      }
    }
    if (te > before) evaluatedUsers++;
    trainIndptr[u + 1] = tr;
    testIndptr[u + 1] = te;
  }
  return {
    protocol,
    train: { rows: m, cols: matrix.cols, indptr: trainIndptr, indices: trainIdx, values: trainVal },
    test: {
      rows: m,
      cols: matrix.cols,
      indptr: testIndptr,
      indices: testIdx,
      values: new Float32Array(testTotal).fill(1),
    },
    evaluatedUsers,
    trainLastSeen,
  };
}
