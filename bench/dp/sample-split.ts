import type { CsrMatrix } from '../../src/core/data/csr-matrix';
import { createRng, shuffleInPlace } from '../../src/core/random';
import type { Split } from '../../src/core/eval/split';

/**
 * The same split with test rows kept for a seeded sample of at most `maxUsers` evaluated users
 * (all of them when there are fewer): training data is unchanged, so every model is trained on
 * the same users and every model is scored on the same sample.
 */
export function sampleEvaluatedUsers(split: Split, maxUsers: number, seed: number): Split {
  const { test } = split;
  const evaluated: number[] = [];
  for (let u = 0; u < test.rows; u++) if (test.indptr[u + 1]! > test.indptr[u]!) evaluated.push(u);
  if (evaluated.length <= maxUsers) return split;
  shuffleInPlace(evaluated, createRng(seed));
  const keep = new Uint8Array(test.rows);
  for (const u of evaluated.slice(0, maxUsers)) keep[u] = 1;
  const indptr = new Int32Array(test.rows + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let u = 0; u < test.rows; u++) {
    if (keep[u]) {
      for (let p = test.indptr[u]!; p < test.indptr[u + 1]!; p++) {
        indices.push(test.indices[p]!);
        values.push(test.values[p]!);
      }
    }
    indptr[u + 1] = indices.length;
  }
  const sampled: CsrMatrix = {
    rows: test.rows,
    cols: test.cols,
    indptr,
    indices: Int32Array.from(indices),
    values: Float32Array.from(values),
  };
  return { ...split, test: sampled, evaluatedUsers: maxUsers };
}
