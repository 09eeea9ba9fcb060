import { createRng, shuffleInPlace, type Rng } from '../../src/core/random';
import { DEFAULT_DATASET_SEED, createDatasetWriter, type DatasetSize } from './robustness-dataset';

/** Size of the table of Gumbel samples (a power of two). */
const GUMBEL_TABLE = 1 << 16;

/** Shape of a population drawn by {@link sampleLatentPairs}. */
export interface LatentShape {
  readonly seed: number;
  readonly users: number;
  /** Candidate items; items nobody picks never appear in the data set (as in a real log). */
  readonly items: number;
  /** Taste clusters (genres, scenes) the item vectors gather around. */
  readonly clusters: number;
  /** Dimension of the latent vectors. */
  readonly dims: number;
  /** Most taste clusters a user mixes (each user gets 1 to this many). */
  readonly tastesPerUser: number;
  /** Zipf exponent of item popularity: weight ∝ 1 / (rank + 1)^exponent. */
  readonly popularityExponent: number;
  /** How strongly taste beats popularity: log-odds added per unit of ⟨user, item⟩ (cosine). */
  readonly affinity: number;
  /** Distinct items per user: lognormal with this median and σ (log scale), clamped to [min, max]. */
  readonly perUser: {
    readonly median: number;
    readonly sigma: number;
    readonly min: number;
    readonly max: number;
  };
}

/** Pairs drawn from a latent taste model, grouped by user. */
export interface LatentSample {
  /** Per user: first pair index (length users + 1). */
  readonly userStart: Int32Array;
  /** Item of each pair (candidate index). */
  readonly items: Int32Array;
  /** Cosine of the user's and the item's vector, per pair: how much the pick is taste, not chance. */
  readonly affinity: Float32Array;
  /** Per user: a standard-normal activity level (heavier users also rate/play more). */
  readonly userActivity: Float32Array;
  /** Per candidate item: its popularity rank (0 = most popular). */
  readonly itemRank: Int32Array;
}

/**
 * Draws each user's items without replacement from a Plackett–Luce model whose log-weights are
 * log popularity (Zipf over a seeded random rank) plus `affinity` × cosine(user, item), where item
 * vectors scatter around cluster centres and users mix 1–`tastesPerUser` of those centres. Sampling
 * uses the Gumbel-top-k trick: the n largest of log-weight + Gumbel noise are an exact draw of n
 * items without replacement. The result has both a heavy popularity tail and low-rank personal
 * structure, so a personal model can (and should) beat popularity. Deterministic for a seed.
 */
export function sampleLatentPairs(shape: LatentShape): LatentSample {
  const rng = createRng(shape.seed);
  const { users, items, dims } = shape;
  const centres = Float32Array.from({ length: shape.clusters * dims }, () => rng.normal());
  for (let c = 0; c < shape.clusters; c++) normalize(centres, c * dims, dims);

  const itemVec = new Float32Array(items * dims);
  for (let i = 0; i < items; i++) {
    const c = rng.int(shape.clusters);
    for (let d = 0; d < dims; d++) {
      itemVec[i * dims + d] = centres[c * dims + d]! + (0.5 * rng.normal()) / Math.sqrt(dims);
    }
    normalize(itemVec, i * dims, dims);
  }
  const itemRank = shuffleInPlace(
    Int32Array.from({ length: items }, (_, i) => i),
    rng,
  );
  const logPop = Float32Array.from(itemRank, (r) => -shape.popularityExponent * Math.log(r + 1));

  const userActivity = Float32Array.from({ length: users }, () => rng.normal());
  const counts = Int32Array.from(userActivity, (z) => {
    const { median, sigma, min, max } = shape.perUser;
    return Math.max(min, Math.min(max, Math.round(median * Math.exp(sigma * z)), items));
  });
  const userStart = new Int32Array(users + 1);
  for (let u = 0; u < users; u++) userStart[u + 1] = userStart[u]! + counts[u]!;
  const total = userStart[users]!;
  const pairItems = new Int32Array(total);
  const pairAffinity = new Float32Array(total);

  // Gumbel noise from a seeded table indexed by an xorshift stream: one table lookup per item
  // instead of two logarithms and a generator call, which dominated generation time.
  const gumbel = Float64Array.from(
    { length: GUMBEL_TABLE },
    () => -Math.log(-Math.log(1 - rng.next())),
  );
  const userVec = new Float32Array(dims);
  const cosine = new Float32Array(items);
  const keys = new Float64Array(items);
  for (let u = 0; u < users; u++) {
    drawUserVector(userVec, centres, shape, rng);
    let x = (rng.int(0x7fffffff) | 1) >>> 0;
    for (let i = 0; i < items; i++) {
      let s = 0;
      for (let d = 0; d < dims; d++) s += userVec[d]! * itemVec[i * dims + d]!;
      cosine[i] = s;
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      keys[i] = logPop[i]! + shape.affinity * s + gumbel[(x >>> 0) & (GUMBEL_TABLE - 1)]!;
    }
    const chosen = topIndices(keys, counts[u]!);
    // Pairs keep a seeded order inside each user (not the draw order, which is by preference).
    shuffleInPlace(chosen, rng);
    const start = userStart[u]!;
    for (let j = 0; j < chosen.length; j++) {
      pairItems[start + j] = chosen[j]!;
      pairAffinity[start + j] = cosine[chosen[j]!]!;
    }
  }
  return { userStart, items: pairItems, affinity: pairAffinity, userActivity, itemRank };
}

/** A user's taste: a random convex mix of 1..tastesPerUser cluster centres plus a little noise. */
function drawUserVector(out: Float32Array, centres: Float32Array, shape: LatentShape, rng: Rng) {
  const dims = shape.dims;
  out.fill(0);
  const tastes = 1 + rng.int(shape.tastesPerUser);
  for (let t = 0; t < tastes; t++) {
    const c = rng.int(shape.clusters);
    const w = -Math.log(1 - rng.next());
    for (let d = 0; d < dims; d++) out[d]! += w * centres[c * dims + d]!;
  }
  normalize(out, 0, dims);
  for (let d = 0; d < dims; d++) out[d]! += (0.3 * rng.normal()) / Math.sqrt(dims);
  normalize(out, 0, dims);
}

function normalize(v: Float32Array, off: number, dims: number): void {
  let s = 0;
  for (let d = 0; d < dims; d++) s += v[off + d]! * v[off + d]!;
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  for (let d = 0; d < dims; d++) v[off + d]! *= inv;
}

/** Indices of the `n` largest keys (min-heap of size n), in no particular order. */
function topIndices(keys: Float64Array, n: number): Int32Array {
  const heap = new Int32Array(n);
  let size = 0;
  const less = (a: number, b: number): boolean => keys[heap[a]!]! < keys[heap[b]!]!;
  const swap = (a: number, b: number): void => {
    const t = heap[a]!;
    heap[a] = heap[b]!;
    heap[b] = t;
  };
  const siftDown = (from: number): void => {
    let p = from;
    for (;;) {
      const l = 2 * p + 1;
      const r = l + 1;
      let m = p;
      if (l < size && less(l, m)) m = l;
      if (r < size && less(r, m)) m = r;
      if (m === p) return;
      swap(p, m);
      p = m;
    }
  };
  for (let i = 0; i < keys.length; i++) {
    if (size < n) {
      heap[size] = i;
      let c = size++;
      while (c > 0 && less(c, (c - 1) >> 1)) {
        swap(c, (c - 1) >> 1);
        c = (c - 1) >> 1;
      }
    } else if (n > 0 && keys[i]! > keys[heap[0]!]!) {
      heap[0] = i;
      siftDown(0);
    }
  }
  return heap.subarray(0, size);
}

/** Options of the generated data sets: seed and size. */
export interface GeneratedDatasetOptions {
  /** Default {@link DEFAULT_DATASET_SEED}. */
  readonly seed?: number;
  /** Default `bench`. */
  readonly size?: DatasetSize;
}

/**
 * The tiny variant of a bench shape, for unit tests: ~1/20 of the users (at least 60), 800
 * candidate items, 6 clusters in 8 dimensions, at most 120 items per user.
 */
function tinyShape(bench: Omit<LatentShape, 'seed'>): Omit<LatentShape, 'seed'> {
  const { median, sigma, min, max } = bench.perUser;
  return {
    ...bench,
    users: Math.max(60, Math.round(bench.users / 20)),
    items: 800,
    clusters: 6,
    dims: 8,
    tastesPerUser: Math.min(2, bench.tastesPerUser),
    affinity: Math.min(5, bench.affinity),
    perUser: {
      median: Math.min(25, median),
      sigma,
      min: Math.min(8, min),
      max: Math.min(120, max),
    },
  };
}

/**
 * Draws the pairs of a generated data set of the given bench shape (or its tiny variant) and
 * returns them with a second seeded generator (`salt` keeps its stream apart from the sampler's)
 * for values and timestamps, and a writer for the rows.
 */
export function startLatentDataset(
  bench: Omit<LatentShape, 'seed'>,
  options: GeneratedDatasetOptions,
  salt: number,
) {
  const seed = options.seed ?? DEFAULT_DATASET_SEED;
  const sample = sampleLatentPairs({
    ...(options.size === 'tiny' ? tinyShape(bench) : bench),
    seed,
  });
  return {
    sample,
    users: sample.userActivity.length,
    rng: createRng(seed ^ salt),
    writer: createDatasetWriter(sample.items.length * 2),
  };
}
