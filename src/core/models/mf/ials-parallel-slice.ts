import { weightedNormSum } from './cg-gram';
import { LOSS_TERMS, parallelViews, type IalsParallelInit } from './ials-parallel-state';
import { createIalsWorkspace, gramLayout, type IalsWorkspace } from './wasm/ials-workspace';

/**
 * One phase of a parallel iALS epoch, run by every slice between two barriers:
 * `users` solves the slice's user rows against the items (and leaves the Gram of its [x_u, 1]),
 * `items` solves its item rows against all users (and leaves the Gram of its [v_i, b_i] and the
 * objective's observed term over its items' entries), `refresh` reads the new item rows and leaves
 * the slice's regularization terms of the objective.
 */
export type IalsPhase = 'users' | 'items' | 'refresh';

/** The row solver of one slice; it runs in whichever thread the caller gives it. */
export interface IalsSliceSolver {
  /** Runs a phase on this slice's rows, reading and writing the shared state. */
  run(phase: IalsPhase): void;
  /** Which kernel solves the rows. */
  readonly kernel: IalsWorkspace['kernel'];
}

/**
 * Creates the solver of slice `slice` of a parallel run: it copies its rows' confidences into a
 * private kernel workspace (WebAssembly SIMD where available) with a full copy of the fixed side
 * of each half-step, and per phase runs the same conjugate-gradient row solves as the
 * single-threaded typed path, so each row gets the same result given the same Gram. It leaves the
 * Gram of its starting item rows in its Gram part; call `run('refresh')` once before the first
 * epoch so the slice holds all starting item rows.
 */
export function createIalsSliceSolver(
  init: IalsParallelInit,
  slice: number,
  preferWasm = true,
): IalsSliceSolver {
  const d = init.dims;
  const shared = parallelViews(init.buffer, d);
  const { sx, sy } = shared;
  const k = d.k;
  const dim = k + 1;
  const u0 = init.userBounds[slice]!;
  const u1 = init.userBounds[slice + 1]!;
  const i0 = init.itemBounds[slice]!;
  const i1 = init.itemBounds[slice + 1]!;
  const mu = u1 - u0;
  const ni = i1 - i0;
  const uPairs = shared.uIndptr[u1]! - shared.uIndptr[u0]!;
  const iPairs = shared.iIndptr[i1]! - shared.iIndptr[i0]!;
  const ws = createIalsWorkspace(
    {
      'u.indptr': { type: 'i32', length: mu + 1 },
      'u.indices': { type: 'i32', length: uPairs },
      'u.values': { type: 'f32', length: uPairs },
      'i.indptr': { type: 'i32', length: ni + 1 },
      'i.indices': { type: 'i32', length: iPairs },
      'i.values': { type: 'f32', length: iPairs },
      x: { type: 'f32', length: mu * sx },
      v: { type: 'f32', length: d.n * sx },
      bias: { type: 'f32', length: d.n },
      z: { type: 'f32', length: d.m * sy },
      y: { type: 'f32', length: ni * sy },
      gramUser: { type: 'f32', length: k * sx },
      gramItem: { type: 'f32', length: dim * sy },
      rhsUser: { type: 'f32', length: sx },
      rhsItem: { type: 'f32', length: sy },
      regsUser: { type: 'f32', length: mu },
      regsItem: { type: 'f32', length: ni },
      scratch: { type: 'f32', length: 3 * sy },
      ...gramLayout(dim, sy),
    },
    preferWasm,
  );
  copyRows(shared.uIndptr, shared.uIndices, shared.uValues, u0, u1, ws, 'u');
  copyRows(shared.iIndptr, shared.iIndices, shared.iValues, i0, i1, ws, 'i');
  ws.f32('regsUser').set(shared.regsUser.subarray(u0, u1));
  ws.f32('regsItem').set(shared.regsItem.subarray(i0, i1));
  const x = ws.f32('x');
  const y = ws.f32('y');
  const z = ws.f32('z');
  const v = ws.f32('v');
  const bias = ws.f32('bias');
  x.set(shared.x.subarray(u0 * sx, u1 * sx));
  y.set(shared.y.subarray(i0 * sy, i1 * sy));
  const gramPart = shared.gramParts.subarray(slice * dim * dim, (slice + 1) * dim * dim);
  const lossPart = shared.lossParts.subarray(slice * LOSS_TERMS, (slice + 1) * LOSS_TERMS);
  // The Gram of the starting item rows, for the first user step (as the items phase leaves it).
  gramPart.set(ws.gram(y, ni, dim, sy));

  const users = (): void => {
    ws.f32('gramUser').set(shared.gramUser);
    ws.f32('rhsUser').set(shared.rhsUser);
    ws.solve({
      x,
      rows: mu,
      indptr: ws.i32('u.indptr'),
      indices: ws.i32('u.indices'),
      values: ws.f32('u.values'),
      w: v,
      gram: ws.f32('gramUser'),
      dim: k,
      stride: sx,
      rhs0: ws.f32('rhsUser'),
      targetOffset: bias,
      regs: ws.f32('regsUser'),
      steps: d.steps,
    });
    shared.x.set(x, u0 * sx);
    toAugmented(x, 0, mu, z, u0, k, sx, sy);
    gramPart.set(ws.gram(z, mu, dim, sy, u0));
  };

  const items = (): void => {
    // The slice's own users are already in z; the others come from the shared rows.
    toAugmented(shared.x, 0, u0, z, 0, k, sx, sy);
    toAugmented(shared.x, u1, d.m - u1, z, u1, k, sx, sy);
    ws.f32('gramItem').set(shared.gramItem);
    lossPart[0] = ws.solve({
      x: y,
      rows: ni,
      indptr: ws.i32('i.indptr'),
      indices: ws.i32('i.indices'),
      values: ws.f32('i.values'),
      w: z,
      gram: ws.f32('gramItem'),
      dim,
      stride: sy,
      rhs0: ws.f32('rhsItem'),
      targetOffset: null,
      regs: ws.f32('regsItem'),
      steps: d.steps,
      observedLoss: true,
    });
    shared.y.set(y, i0 * sy);
    gramPart.set(ws.gram(y, ni, dim, sy));
  };

  const refresh = (): void => {
    const all = shared.y;
    for (let i = 0; i < d.n; i++) {
      v.set(all.subarray(i * sy, i * sy + k), i * sx);
      bias[i] = all[i * sy + k]!;
    }
    lossPart[1] = weightedNormSum(x, mu, k, sx, ws.f32('regsUser'));
    lossPart[2] = weightedNormSum(y, ni, dim, sy, ws.f32('regsItem'));
  };

  return {
    kernel: ws.kernel,
    run(phase) {
      if (phase === 'users') users();
      else if (phase === 'items') items();
      else refresh();
    },
  };
}

/** Copies rows [r0, r1) of a CSR matrix into the workspace arrays `<prefix>.*`, indptr rebased to 0. */
function copyRows(
  indptr: Int32Array,
  indices: Int32Array,
  values: Float32Array,
  r0: number,
  r1: number,
  ws: IalsWorkspace,
  prefix: 'u' | 'i',
): void {
  const base = indptr[r0]!;
  const local = ws.i32(`${prefix}.indptr`);
  for (let r = r0; r <= r1; r++) local[r - r0] = indptr[r]! - base;
  ws.i32(`${prefix}.indices`).set(indices.subarray(base, indptr[r1]!));
  ws.f32(`${prefix}.values`).set(values.subarray(base, indptr[r1]!));
}

/** Writes rows [from, from + rows) of `x` (stride sx) as [x_u, 1] rows of `z` (stride sy) from row `to`. */
function toAugmented(
  x: Float32Array,
  from: number,
  rows: number,
  z: Float32Array,
  to: number,
  k: number,
  sx: number,
  sy: number,
): void {
  for (let r = 0; r < rows; r++) {
    const o = (from + r) * sx;
    z.set(x.subarray(o, o + k), (to + r) * sy);
    z[(to + r) * sy + k] = 1;
  }
}
