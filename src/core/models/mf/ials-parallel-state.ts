/**
 * The state the slices of a parallel iALS run share: confidences in both orientations, the factor
 * rows of both sides, the half-steps' Gram systems and each slice's partial sums, all views into
 * one buffer (a `SharedArrayBuffer` where the runtime has one, so threads read and write it in
 * place). Pure TypeScript: the threads themselves are the caller's (see `src/cli/train-threads`).
 */

/** Sizes of a parallel run; `slices` is the number of row ranges each half-step is cut into. */
export interface IalsParallelDims {
  /** Users (rows of the user step). */
  readonly m: number;
  /** Items (rows of the item step). */
  readonly n: number;
  /** Stored user–item pairs. */
  readonly nnz: number;
  /** Factors k. */
  readonly k: number;
  /** Conjugate-gradient steps per row and half-step. */
  readonly steps: number;
  readonly slices: number;
}

/**
 * Everything a slice needs to start: the shared buffer, its sizes and where each slice's rows
 * begin and end (structured-cloneable, so it can be posted to a thread as is).
 */
export interface IalsParallelInit {
  readonly buffer: SharedArrayBuffer | ArrayBuffer;
  readonly dims: IalsParallelDims;
  /** `slices + 1` user row boundaries: slice t solves users [userBounds[t], userBounds[t + 1]). */
  readonly userBounds: Int32Array;
  /** `slices + 1` item row boundaries. */
  readonly itemBounds: Int32Array;
}

/** Views of the shared state. Factor rows are padded to `sx` (users) and `sy` (items) floats. */
export interface IalsParallelViews {
  readonly sx: number;
  readonly sy: number;
  readonly uIndptr: Int32Array;
  readonly uIndices: Int32Array;
  readonly uValues: Float32Array;
  readonly iIndptr: Int32Array;
  readonly iIndices: Int32Array;
  readonly iValues: Float32Array;
  readonly regsUser: Float32Array;
  readonly regsItem: Float32Array;
  /** User rows x_u, `m × sx`. */
  readonly x: Float32Array;
  /** Item rows [v_i, b_i], `n × sy`. */
  readonly y: Float32Array;
  /** α₀·Gram of the items for the user step, `k × sx`. */
  readonly gramUser: Float32Array;
  /** Constant right-hand side of the user step (`sx`). */
  readonly rhsUser: Float32Array;
  /** α₀·Gram of [x_u, 1] for the item step, `(k + 1) × sy`. */
  readonly gramItem: Float32Array;
  /** Per slice: its rows' (k + 1)² Gram after a half-step. */
  readonly gramParts: Float64Array;
  /** Per slice: observed loss, user and item regularization terms. */
  readonly lossParts: Float64Array;
}

/** Rounds up to a multiple of 8 floats (two SIMD vectors), the kernels' row padding. */
export const pad8 = (n: number): number => Math.ceil(n / 8) * 8;

/** Per slice, the number of Float64 loss terms in `lossParts`. */
export const LOSS_TERMS = 3;

type Kind = 'i32' | 'f32' | 'f64';

function layoutOf(d: IalsParallelDims): [keyof IalsParallelViews, Kind, number][] {
  const sx = pad8(d.k);
  const sy = pad8(d.k + 1);
  const g = (d.k + 1) * (d.k + 1);
  return [
    ['gramParts', 'f64', d.slices * g],
    ['lossParts', 'f64', d.slices * LOSS_TERMS],
    ['uIndptr', 'i32', d.m + 1],
    ['uIndices', 'i32', d.nnz],
    ['uValues', 'f32', d.nnz],
    ['iIndptr', 'i32', d.n + 1],
    ['iIndices', 'i32', d.nnz],
    ['iValues', 'f32', d.nnz],
    ['regsUser', 'f32', d.m],
    ['regsItem', 'f32', d.n],
    ['x', 'f32', d.m * sx],
    ['y', 'f32', d.n * sy],
    ['gramUser', 'f32', d.k * sx],
    ['rhsUser', 'f32', sx],
    ['gramItem', 'f32', (d.k + 1) * sy],
  ];
}

const BYTES: Record<Kind, number> = { i32: 4, f32: 4, f64: 8 };

/** Bytes the shared state of these sizes takes (every array 32-byte aligned). */
export function parallelStateBytes(d: IalsParallelDims): number {
  let bytes = 0;
  for (const [, kind, length] of layoutOf(d)) bytes = align(bytes) + length * BYTES[kind];
  return align(bytes);
}

const align = (bytes: number): number => Math.ceil(bytes / 32) * 32;

/**
 * Allocates the shared state: a `SharedArrayBuffer` when the runtime offers one (Node, and
 * cross-origin isolated pages), else an `ArrayBuffer` that only slices in this thread can use.
 */
export function allocateParallelState(d: IalsParallelDims): SharedArrayBuffer | ArrayBuffer {
  const bytes = parallelStateBytes(d);
  return typeof SharedArrayBuffer === 'function'
    ? new SharedArrayBuffer(bytes)
    : new ArrayBuffer(bytes);
}

/** Views of the state in `buffer` (the same on every thread for the same sizes). */
export function parallelViews(
  buffer: SharedArrayBuffer | ArrayBuffer,
  d: IalsParallelDims,
): IalsParallelViews {
  const views: Record<string, Int32Array | Float32Array | Float64Array> = {};
  let offset = 0;
  for (const [name, kind, length] of layoutOf(d)) {
    offset = align(offset);
    views[name] =
      kind === 'i32'
        ? new Int32Array(buffer, offset, length)
        : kind === 'f32'
          ? new Float32Array(buffer, offset, length)
          : new Float64Array(buffer, offset, length);
    offset += length * BYTES[kind];
  }
  return { ...(views as unknown as IalsParallelViews), sx: pad8(d.k), sy: pad8(d.k + 1) };
}

/**
 * What one row's solve costs besides its stored pairs, in units of one pair. A row's Gram
 * products are dense arithmetic on a Gram that stays in cache, while each pair reads a row of the
 * other side from anywhere in memory; timed per slice on the 10M-event, 100k-item shop, a row
 * costs about as much as 3–6 pairs (the flop count alone, `dim`/2 pairs, overweighted rows and
 * gave the slice with the popular items 60% more work).
 */
export const ROW_COST_IN_PAIRS = 4;

/**
 * Cuts rows into `slices` contiguous ranges of about equal work, a row costing `rowCost` plus its
 * stored pairs.
 */
export function partitionRows(
  indptr: Int32Array,
  slices: number,
  rowCost = ROW_COST_IN_PAIRS,
): Int32Array {
  const rows = indptr.length - 1;
  const total = rows * rowCost + (indptr[rows]! - indptr[0]!);
  const bounds = new Int32Array(slices + 1);
  let r = 0;
  for (let t = 1; t < slices; t++) {
    const target = (total * t) / slices;
    while (r < rows && r * rowCost + (indptr[r]! - indptr[0]!) < target) r++;
    bounds[t] = r;
  }
  bounds[slices] = rows;
  return bounds;
}
