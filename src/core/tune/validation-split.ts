import type { CsrMatrix } from '../data/csr-matrix';
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
}

/**
 * Carves a validation split out of a training matrix with the `random` protocol of the
 * evaluation: every user with ≥ `minPairs` pairs gets a seeded `round(fraction·n)` (at least 1)
 * of them held out. Only a sample of at most `maxUsers` users is held out from, so fitting loses
 * little data on large user bases.
 */
export function carveValidationSplit(
  train: CsrMatrix,
  options: ValidationSplitOptions,
): ValidationSplit {
  const fraction = options.fraction ?? 0.2;
  const minPairs = options.minPairs ?? 5;
  const rng = createRng(options.seed);
  const eligible: number[] = [];
  for (let u = 0; u < train.rows; u++) {
    if (train.indptr[u + 1]! - train.indptr[u]! >= minPairs) eligible.push(u);
  }
  const order = Int32Array.from(eligible);
  shuffleInPlace(order, rng);
  const users = order.slice(0, Math.min(order.length, options.maxUsers ?? order.length)).sort();
  const held = new Uint8Array(train.indices.length);
  for (const u of users) {
    const start = train.indptr[u]!;
    const count = train.indptr[u + 1]! - start;
    const take = Math.max(1, Math.round(fraction * count));
    const pick = new Int32Array(count);
    for (let j = 0; j < count; j++) pick[j] = j;
    shuffleInPlace(pick, rng);
    for (let j = 0; j < take; j++) held[start + pick[j]!] = 1;
  }
  return { ...partition(train, held), users };
}

function partition(m: CsrMatrix, held: Uint8Array): { fit: CsrMatrix; heldOut: CsrMatrix } {
  let heldCount = 0;
  for (let p = 0; p < held.length; p++) heldCount += held[p]!;
  const fitIndptr = new Int32Array(m.rows + 1);
  const heldIndptr = new Int32Array(m.rows + 1);
  const fitIdx = new Int32Array(held.length - heldCount);
  const fitVal = new Float32Array(held.length - heldCount);
  const heldIdx = new Int32Array(heldCount);
  let f = 0;
  let h = 0;
  for (let u = 0; u < m.rows; u++) {
    for (let p = m.indptr[u]!; p < m.indptr[u + 1]!; p++) {
      if (held[p]) heldIdx[h++] = m.indices[p]!;
      else {
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
