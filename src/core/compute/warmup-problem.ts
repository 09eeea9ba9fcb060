import type { CsrMatrix } from '../data/csr-matrix';
import { csrFromCoo } from '../data/csr-matrix';
import type { MfTrainOptions } from '../models/mf/mf-trainer';
import { DEFAULT_MF_OPTIONS } from '../models/mf/train-typed';
import { createRng } from '../random';

/** Shape of the synthetic warm-up problem. */
export interface WarmupProblemOptions {
  readonly users: number;
  readonly items: number;
  /** Mean stored entries per user. */
  readonly perUser: number;
  readonly seed: number;
}

/** 2,000 users × 500 items, ~20 items each: big enough to rank paths, small enough for < 2 s. */
export const DEFAULT_WARMUP_PROBLEM: WarmupProblemOptions = Object.freeze({
  users: 2000,
  items: 500,
  perUser: 20,
  seed: 7,
});

/** Training options of the warm-up: the default model, three epochs (compile, then two measured). */
export const WARMUP_TRAIN_OPTIONS: MfTrainOptions = Object.freeze({
  ...DEFAULT_MF_OPTIONS,
  epochs: 3,
  seed: 1,
});

/**
 * A seeded synthetic binary matrix with a skewed (roughly Zipf) item popularity, like real
 * interaction logs, so gather/scatter and dense paths see realistic row-length spreads.
 */
export function createWarmupMatrix(p: WarmupProblemOptions = DEFAULT_WARMUP_PROBLEM): CsrMatrix {
  const rng = createRng(p.seed);
  const total = p.users * p.perUser;
  const rows = new Int32Array(total);
  const cols = new Int32Array(total);
  for (let e = 0; e < total; e++) {
    rows[e] = rng.int(p.users);
    // u² skews draws toward low item ids (popular items); duplicates merge in csrFromCoo.
    const u = rng.next();
    cols[e] = Math.min(p.items - 1, Math.floor(u * u * p.items));
  }
  return csrFromCoo(p.users, p.items, rows, cols, null);
}
