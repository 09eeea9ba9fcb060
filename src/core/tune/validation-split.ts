import type { CsrMatrix } from '../data/csr-matrix';
import type { SplitProtocol } from '../eval/split';
import { createRng, shuffleInPlace } from '../random';

/** A training matrix split again into fit and validation parts (the tuner never sees test data). */
export interface ValidationSplit {
  /** What candidates are fitted on (summed pair weights, as the training matrix). */
  readonly fit: CsrMatrix;
  /** Held-out pairs per user (binary); empty rows for users not validated. */
  readonly heldOut: CsrMatrix;
  /** Validated users, ascending (a seeded sample when there are more than `maxUsers`). */
  readonly users: Int32Array;
}

/** Options of {@link carveValidationSplit}. */
export interface ValidationSplitOptions {
  readonly seed: number;
  /** Share of each qualifying user's pairs held out. Default 0.2. */
  readonly fraction?: number;
  /** Users with fewer pairs keep them all for fitting. Default 5. */
  readonly minPairs?: number;
  /** Validated users are a seeded sample of this many (scoring every item costs per user). */
  readonly maxUsers?: number;
  /**
   * The evaluation protocol the split mirrors (default `random`): `last` holds out each validated
   * user's most recent pair, `temporal` the pairs at or after the training part's own time
   * quantile (later pairs of other users are not fitted either). Both read `lastSeen`; `temporal`
   * without any timestamp falls back to `random`.
   */
  readonly protocol?: SplitProtocol;
  /** Latest timestamp of each stored entry of `train` (parallel to `train.indices`, NaN unknown). */
  readonly lastSeen?: Float64Array;
}

/** Marks of a training entry: fitted, held out for validation, or neither. */
const FIT = 0;
const HELD = 1;
const DROPPED = 2;

/**
 * Carves a validation split out of a training matrix with the protocol of the evaluation (see
 * {@link ValidationSplitOptions.protocol}); `random`: every validated user gets a seeded
 * `round(fraction·n)` (at least 1) of their pairs held out. Only a seeded sample of at most
 * `maxUsers` users with ≥ `minPairs` pairs is held out from, so fitting loses little data on large
 * user bases.
 */
export function carveValidationSplit(
  train: CsrMatrix,
  options: ValidationSplitOptions,
): ValidationSplit {
  const fraction = options.fraction ?? 0.2;
  const minPairs = options.minPairs ?? 5;
  const rng = createRng(options.seed);
  const lastSeen = options.lastSeen ?? new Float64Array(train.indices.length).fill(NaN);
  const cut = options.protocol === 'temporal' ? timeCut(lastSeen, fraction) : null;
  const beforeCut = (p: number): boolean => cut === null || !(lastSeen[p]! >= cut);
  const eligible: number[] = [];
  for (let u = 0; u < train.rows; u++) {
    let fitted = 0;
    let later = 0;
    for (let p = train.indptr[u]!; p < train.indptr[u + 1]!; p++) {
      if (beforeCut(p)) fitted++;
      else later++;
    }
    if (fitted >= minPairs && (cut === null || later > 0)) eligible.push(u);
  }
  const order = Int32Array.from(eligible);
  shuffleInPlace(order, rng);
  const users = order.slice(0, Math.min(order.length, options.maxUsers ?? order.length)).sort();
  const marks = new Uint8Array(train.indices.length);
  if (cut !== null) {
    // Nothing at or after the cut is fitted: validated users' later pairs are held out, others'
    // dropped, as the temporal evaluation does with test time.
    for (let p = 0; p < marks.length; p++) if (!beforeCut(p)) marks[p] = DROPPED;
    for (const u of users) {
      for (let p = train.indptr[u]!; p < train.indptr[u + 1]!; p++)
        if (!beforeCut(p)) marks[p] = HELD;
    }
  } else if (options.protocol === 'last') {
    for (const u of users) {
      let latest = -1;
      for (let p = train.indptr[u]!; p < train.indptr[u + 1]!; p++) {
        // Ties (or missing timestamps) resolve to the later entry, as the evaluation split does.
        if (latest < 0 || !(lastSeen[p]! < lastSeen[latest]!)) latest = p;
      }
      marks[latest] = HELD;
    }
  } else {
    for (const u of users) {
      const start = train.indptr[u]!;
      const count = train.indptr[u + 1]! - start;
      const take = Math.max(1, Math.round(fraction * count));
      const pick = new Int32Array(count);
      for (let j = 0; j < count; j++) pick[j] = j;
      shuffleInPlace(pick, rng);
      for (let j = 0; j < take; j++) marks[start + pick[j]!] = HELD;
    }
  }
  return { ...partition(train, marks), users };
}

/** The (1 − fraction) quantile of the known timestamps, or null when none is known. */
function timeCut(lastSeen: Float64Array, fraction: number): number | null {
  const times = Float64Array.from(lastSeen.filter((t) => !Number.isNaN(t))).sort();
  if (times.length === 0) return null;
  return times[Math.min(times.length - 1, Math.floor((1 - fraction) * times.length))]!;
}

function partition(m: CsrMatrix, marks: Uint8Array): { fit: CsrMatrix; heldOut: CsrMatrix } {
  let heldCount = 0;
  let fitCount = 0;
  for (let p = 0; p < marks.length; p++) {
    if (marks[p] === HELD) heldCount++;
    else if (marks[p] === FIT) fitCount++;
  }
  const fitIndptr = new Int32Array(m.rows + 1);
  const heldIndptr = new Int32Array(m.rows + 1);
  const fitIdx = new Int32Array(fitCount);
  const fitVal = new Float32Array(fitCount);
  const heldIdx = new Int32Array(heldCount);
  let f = 0;
  let h = 0;
  for (let u = 0; u < m.rows; u++) {
    for (let p = m.indptr[u]!; p < m.indptr[u + 1]!; p++) {
      if (marks[p] === HELD) heldIdx[h++] = m.indices[p]!;
      else if (marks[p] === FIT) {
        fitIdx[f] = m.indices[p]!;
        fitVal[f++] = m.values[p]!;
      }
    }
    fitIndptr[u + 1] = f;
    heldIndptr[u + 1] = h;
  }
  return {
    fit: { rows: m.rows, cols: m.cols, indptr: fitIndptr, indices: fitIdx, values: fitVal },
    heldOut: {
      rows: m.rows,
      cols: m.cols,
      indptr: heldIndptr,
      indices: heldIdx,
      values: new Float32Array(heldCount).fill(1),
    },
  };
}
