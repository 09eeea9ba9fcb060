/**
 * Combining client updates: weighted FedAvg, the coordinate-wise trimmed mean (robust to a bounded
 * fraction of arbitrary updates), and the robust per-row sums that plain iALS rounds use (each item
 * row combined among the clients that hold it). Browser-safe. All need the individual updates, so they apply to plain rounds only; secure rounds
 * can only sum.
 */
import { OptionError } from '../core/errors';
import type { UpdatePartSpec } from './federated-protocol';

function checkShapes(vectors: readonly ArrayLike<number>[]): number {
  if (vectors.length === 0) throw new OptionError('Cannot aggregate zero updates.');
  const d = vectors[0]!.length;
  vectors.forEach((v, j) => {
    if (v.length !== d)
      throw new OptionError(`Update ${j} has ${v.length} coordinates; expected ${d}.`);
  });
  return d;
}

function checkTrim(trim: number): void {
  if (!(trim >= 0 && trim < 0.5))
    throw new OptionError(`The trim fraction must be in [0, 0.5) (got ${trim}).`);
}

/** FedAvg: Σ_u w_u v_u / Σ_u w_u. */
export function weightedMean(
  vectors: readonly ArrayLike<number>[],
  weights: readonly number[],
): Float64Array {
  const d = checkShapes(vectors);
  if (weights.length !== vectors.length) {
    throw new OptionError(`Got ${weights.length} weights for ${vectors.length} updates.`);
  }
  let total = 0;
  for (const w of weights) {
    if (!(w >= 0) || !Number.isFinite(w))
      throw new OptionError(`Weights must be finite and ≥ 0 (got ${w}).`);
    total += w;
  }
  if (!(total > 0)) throw new OptionError('The weights sum to zero.');
  const out = new Float64Array(d);
  vectors.forEach((v, u) => {
    const w = weights[u]!;
    if (w === 0) return;
    for (let j = 0; j < d; j++) out[j]! += w * v[j]!;
  });
  for (let j = 0; j < d; j++) out[j]! /= total;
  return out;
}

/** Sum of the values left after dropping the `cut` smallest and largest (sorts `values`). */
function trimmedSum(values: Float64Array, cut: number): number {
  if (cut > 0) values.sort();
  let s = 0;
  for (let u = cut; u < values.length - cut; u++) s += values[u]!;
  return s;
}

/**
 * Coordinate-wise trimmed mean: per coordinate, drops the ⌊trim·N⌋ smallest and largest values and
 * averages the rest (Yin et al. 2018). `trim` in [0, 0.5).
 */
export function trimmedMean(vectors: readonly ArrayLike<number>[], trim: number): Float64Array {
  const d = checkShapes(vectors);
  checkTrim(trim);
  const n = vectors.length;
  const cut = Math.floor(trim * n);
  const column = new Float64Array(n);
  const out = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    for (let u = 0; u < n; u++) column[u] = vectors[u]![j]!;
    out[j] = trimmedSum(column, cut) / (n - 2 * cut);
  }
  return out;
}

/**
 * A set of coordinates a client either contributes to or not (it holds the group when any of them
 * is non-zero), and how the holders' values are combined:
 * - `trim`: per coordinate, the holders' values beyond a robust outlier fence are dropped and the
 *   ⌊trim·h'⌋ smallest and largest of the h' left are winsorized before summing;
 * - `clip`: each holder's part of the group is scaled down to at most `clipFactor` × the holders'
 *   median norm, then summed (unbiased for honest data whose norms are alike, where trimming a
 *   skewed coordinate, e.g. a Gram diagonal, would bias the sum low).
 */
export interface CoordinateGroup {
  readonly coordinates: ArrayLike<number>;
  readonly combine: 'trim' | 'clip';
  /**
   * The coordinate (one of `coordinates`) whose non-zero value makes a client a holder, e.g. an
   * item's confidence; absent = any non-zero coordinate of the group.
   */
  readonly holding?: number;
}

/**
 * Default `clipFactor` of {@link robustGroupSums}: honest users' Gram and stats parts rarely exceed
 * three times the cohort's median norm, and 10% of a cohort clipped there can shift those sums by at
 * most 30% of the honest total.
 */
export const DEFAULT_CLIP_FACTOR = 3;

/** Options of {@link robustGroupSums}. */
export interface RobustGroupSumsOptions {
  /** The clients' updates (same length). */
  readonly vectors: readonly ArrayLike<number>[];
  /** Together every coordinate exactly once. */
  readonly groups: readonly CoordinateGroup[];
  /** Fraction of a `trim` group's holders dropped at each end, in [0, 0.5). */
  readonly trim: number;
  /**
   * Largest norm of a holder's part of a `clip` group, in multiples of the holders' median.
   * Default {@link DEFAULT_CLIP_FACTOR}.
   */
  readonly clipFactor?: number;
}

function checkGroups(groups: readonly CoordinateGroup[], d: number): void {
  const seen = new Uint8Array(d);
  let covered = 0;
  for (const { coordinates } of groups) {
    for (let c = 0; c < coordinates.length; c++) {
      const j = coordinates[c]!;
      if (!(Number.isInteger(j) && j >= 0 && j < d) || seen[j] === 1)
        throw new OptionError(`Coordinate ${j} is outside [0, ${d}) or in two groups.`);
      seen[j] = 1;
      covered++;
    }
  }
  if (covered !== d)
    throw new OptionError(`The groups cover ${covered} of the ${d} coordinates; cover every one.`);
}

/** Indices of the vectors that hold `group` (see {@link CoordinateGroup.holding}). */
function holdersOf(vectors: readonly ArrayLike<number>[], group: CoordinateGroup): number[] {
  const { holding } = group;
  const coordinates = holding === undefined ? group.coordinates : [holding];
  const holders: number[] = [];
  vectors.forEach((v, u) => {
    for (let c = 0; c < coordinates.length; c++) {
      if (v[coordinates[c]!] !== 0) {
        holders.push(u);
        return;
      }
    }
  });
  return holders;
}

/**
 * Width of the outlier fence of a `trim` group, in robust standard deviations (1.4826 × the median
 * absolute deviation among the holders). Honest values beyond 3σ are rare.
 */
const OUTLIER_SIGMAS = 3;

/**
 * Robust sum of one coordinate over its holders' `values` (sorted in place). A value outside the
 * median ± {@link OUTLIER_SIGMAS} robust σ (± half the median when over half the values are equal)
 * is dropped, as if its sender did not hold the row; of
 * the h' values left, the ⌊trim·h'⌋ smallest and largest are winsorized (set to the nearest kept
 * value) and all h' summed. The fence removes out-of-range Sybils however many of a row's holders
 * they are (below half); winsorizing bounds in-range ones up to `trim` of the holders, each of the
 * rest moving the sum by at most the fence. Winsorizing rather than dropping keeps an honest,
 * skewed coordinate (a confidence, a residual) close to its plain sum.
 */
function holderColumnSum(values: Float64Array, trim: number, deviations: Float64Array): number {
  const h = values.length;
  values.sort();
  const median = values[h >> 1]!;
  for (let p = 0; p < h; p++) deviations[p] = Math.abs(values[p]! - median);
  const mad = deviations.subarray(0, h).sort()[h >> 1]!;
  // Over half the holders sent the same value: one more than half of it away is an outlier.
  const fence = mad > 0 ? OUTLIER_SIGMAS * 1.4826 * mad : Math.abs(median) / 2;
  let first = 0;
  let end = h;
  if (fence > 0) {
    while (values[first]! < median - fence) first++;
    while (values[end - 1]! > median + fence) end--;
  }
  const cut = Math.floor(trim * (end - first));
  let s = cut * (values[first + cut]! + values[end - 1 - cut]!);
  for (let p = first + cut; p < end - cut; p++) s += values[p]!;
  return s;
}

/** A `trim` group's sums (see {@link CoordinateGroup}). */
function trimGroup(
  vectors: readonly ArrayLike<number>[],
  trim: number,
  coordinates: ArrayLike<number>,
  holders: readonly number[],
  out: Float64Array,
): void {
  const h = holders.length;
  const column = new Float64Array(h);
  const deviations = new Float64Array(h);
  for (let c = 0; c < coordinates.length; c++) {
    const j = coordinates[c]!;
    for (let p = 0; p < h; p++) column[p] = vectors[holders[p]!]![j]!;
    out[j] = holderColumnSum(column, trim, deviations);
  }
}

/** A `clip` group's sums (see {@link CoordinateGroup}). */
function clipGroup(
  vectors: readonly ArrayLike<number>[],
  clipFactor: number,
  coordinates: ArrayLike<number>,
  holders: readonly number[],
  out: Float64Array,
): void {
  const norms = holders.map((u) => {
    let sq = 0;
    for (let c = 0; c < coordinates.length; c++) sq += vectors[u]![coordinates[c]!]! ** 2;
    return Math.sqrt(sq);
  });
  const sorted = Float64Array.from(norms).sort();
  const limit = clipFactor * sorted[Math.floor(sorted.length / 2)]!;
  holders.forEach((u, p) => {
    const s = norms[p]! > limit ? limit / norms[p]! : 1;
    for (let c = 0; c < coordinates.length; c++) {
      const j = coordinates[c]!;
      out[j]! += s * vectors[u]![j]!;
    }
  });
}

/**
 * Robust sums per coordinate group, computed among the group's holders only: a client that holds
 * nothing there (sends zeros) is not a value. Trimming over every client instead would trim an item
 * held by fewer than 2·trim of the cohort to nothing. A group no client holds sums to 0.
 */
export function robustGroupSums(o: RobustGroupSumsOptions): Float64Array {
  const d = checkShapes(o.vectors);
  checkTrim(o.trim);
  const clipFactor = o.clipFactor ?? DEFAULT_CLIP_FACTOR;
  if (!(clipFactor >= 1) || !Number.isFinite(clipFactor))
    throw new OptionError(`The clip factor must be a finite number ≥ 1 (got ${clipFactor}).`);
  checkGroups(o.groups, d);
  const out = new Float64Array(d);
  for (const group of o.groups) {
    const { coordinates, combine } = group;
    const holders = holdersOf(o.vectors, group);
    if (holders.length === 0) continue;
    if (combine === 'trim') trimGroup(o.vectors, o.trim, coordinates, holders, out);
    else clipGroup(o.vectors, clipFactor, coordinates, holders, out);
  }
  return out;
}

/**
 * The coordinate groups of an iALS update with these parts: one `trim` group per round row (its
 * `rows` block and its `counts` entry), held by the clients that report a confidence for the row
 * (an honest client's row statistics are c_ui·(…), zero without one); and one `clip` group each for
 * `gram` and `stats` (every client contributes to both).
 */
export function ialsRowGroups(parts: readonly UpdatePartSpec[]): CoordinateGroup[] {
  const part = (name: UpdatePartSpec['name']) => {
    let offset = 0;
    for (const p of parts) {
      if (p.name === name) return { offset, length: p.length };
      offset += p.length;
    }
    throw new OptionError(`The update has no part "${name}".`);
  };
  const rows = part('rows');
  const counts = part('counts');
  if (counts.length === 0 || rows.length % counts.length !== 0) {
    throw new OptionError(
      `An iALS update has (k+1) "rows" entries per "counts" entry (got ${rows.length} and ${counts.length}).`,
    );
  }
  const d = rows.length / counts.length;
  const groups: CoordinateGroup[] = [];
  for (let p = 0; p < counts.length; p++) {
    const coordinates = new Int32Array(d + 1);
    for (let a = 0; a < d; a++) coordinates[a] = rows.offset + p * d + a;
    coordinates[d] = counts.offset + p;
    groups.push({ coordinates, combine: 'trim', holding: coordinates[d]! });
  }
  for (const name of ['gram', 'stats'] as const) {
    const { offset, length } = part(name);
    const coordinates = Int32Array.from({ length }, (_, j) => offset + j);
    groups.push({ coordinates, combine: 'clip' });
  }
  return groups;
}
