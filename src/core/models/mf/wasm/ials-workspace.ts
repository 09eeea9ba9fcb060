import { compileEmbeddedWasm } from '../../../math/embedded-wasm';
import { gramOf, mirrorUpper } from '../cg-gram';
import { IALS_KERNELS_WASM_BASE64 } from './ials-kernels-wasm';

/** Arrays a half-epoch solve reads and writes (all views into one workspace). */
export interface SolveArgs {
  /** Solved rows, `stride` floats each (padding stays 0). */
  readonly x: Float32Array;
  readonly rows: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float32Array;
  /** Fixed side rows, `stride` floats each. */
  readonly w: Float32Array;
  /** α₀·Gram of the fixed side, `dim` rows of `stride` floats. */
  readonly gram: Float32Array;
  readonly dim: number;
  readonly stride: number;
  /** Constant right-hand side (stride floats). */
  readonly rhs0: Float32Array;
  /** Per fixed row target offset (target = 1 − offset) or null. */
  readonly targetOffset: Float32Array | null;
  /** λ_r per solved row. */
  readonly regs: Float32Array;
  readonly steps: number;
  /** Also sum the objective's observed term over the solved rows (returned by `solve`). */
  readonly observedLoss?: boolean;
}

/** Memory plus the kernels the typed path needs (row solves, Grams); WASM SIMD where available, else plain JS. */
export interface IalsWorkspace {
  readonly kernel: 'wasm-simd' | 'js';
  f32(name: string): Float32Array;
  i32(name: string): Int32Array;
  f64(name: string): Float64Array;
  /**
   * Runs the CG steps of every row; with `observedLoss`, returns Σ c·(w_j·x_r + offset_j − 1)² over
   * the solved rows' stored entries at their new values (computed while each row's w rows are in
   * cache, instead of a separate pass over the matrix), else 0.
   */
  solve(a: SolveArgs): number;
  /**
   * {@link gramOf} of rows [from, from + rows) of `w` (row stride `stride`): the same dim × dim
   * matrix, computed by the SIMD kernel when `w` lives in this workspace and the layout holds
   * {@link gramLayout}`(dim, stride)`.
   */
  gram(w: Float32Array, rows: number, dim: number, stride: number, from?: number): Float64Array;
}

/** Requested arrays: name → element type and length. */
export type WorkspaceLayout = Record<
  string,
  { readonly type: 'f32' | 'i32' | 'f64'; readonly length: number }
>;

/** Names of the Gram kernel's accumulators and row buffer in a workspace layout. */
const GRAM_ACC = 'gram.acc';
const GRAM_ROWS = 'gram.rows';

/**
 * The workspace arrays {@link IalsWorkspace.gram} needs for Grams of up to `dim` features of rows
 * `stride` floats apart; spread into the layout of a workspace that takes Grams.
 */
export function gramLayout(dim: number, stride: number): WorkspaceLayout {
  return {
    [GRAM_ACC]: { type: 'f64', length: dim * stride },
    [GRAM_ROWS]: { type: 'f64', length: 4 * stride },
  };
}

interface KernelExports {
  readonly memory: WebAssembly.Memory;
  solve(...args: number[]): number;
  gram(...args: number[]): void;
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled kernel module, or null when this runtime lacks WebAssembly SIMD. */
function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) compiled = compileEmbeddedWasm(IALS_KERNELS_WASM_BASE64);
  return compiled;
}

/** Whether the WebAssembly SIMD kernels can run here. */
export function wasmKernelsAvailable(): boolean {
  return kernelModule() !== null;
}

const ALIGN = 32;

/**
 * Allocates every array of `layout` in one 32-byte-aligned buffer (WebAssembly memory when the
 * SIMD kernels are available and `preferWasm`, else an ArrayBuffer used by the JS kernel).
 */
export function createIalsWorkspace(layout: WorkspaceLayout, preferWasm = true): IalsWorkspace {
  const offsets = new Map<string, number>();
  let bytes = 64; // keep offset 0 unused so a 0 pointer can mean "absent"
  for (const [name, spec] of Object.entries(layout)) {
    bytes = Math.ceil(bytes / ALIGN) * ALIGN;
    offsets.set(name, bytes);
    bytes += spec.length * (spec.type === 'f64' ? 8 : 4);
  }
  bytes = Math.ceil(bytes / ALIGN) * ALIGN;
  const module = preferWasm ? kernelModule() : null;
  let buffer: ArrayBuffer;
  let exports: KernelExports | null = null;
  if (module) {
    const instance = new WebAssembly.Instance(module, {});
    exports = instance.exports as unknown as KernelExports;
    const pages = Math.ceil(bytes / 65536);
    const have = exports.memory.buffer.byteLength / 65536;
    if (pages > have) exports.memory.grow(pages - have);
    buffer = exports.memory.buffer;
  } else {
    buffer = new ArrayBuffer(bytes);
  }
  const views = new Map<string, Float32Array | Int32Array | Float64Array>();
  for (const [name, spec] of Object.entries(layout)) {
    const off = offsets.get(name)!;
    const ctor =
      spec.type === 'f32' ? Float32Array : spec.type === 'i32' ? Int32Array : Float64Array;
    views.set(name, new ctor(buffer, off, spec.length));
  }
  const ptr = (view: Float32Array | Int32Array | Float64Array | null): number =>
    view ? view.byteOffset : 0;
  const get = <T>(name: string, ctor: abstract new (...a: never[]) => T): T => {
    const v = views.get(name);
    if (!(v instanceof ctor)) throw new Error(`Workspace has no ${ctor.name} named "${name}".`);
    return v;
  };
  if (exports) {
    const k = exports;
    return {
      kernel: 'wasm-simd',
      f32: (name) => get(name, Float32Array),
      i32: (name) => get(name, Int32Array),
      f64: (name) => get(name, Float64Array),
      gram: (w, rows, dim, stride, from = 0) => {
        const acc = views.get(GRAM_ACC);
        const tmp = views.get(GRAM_ROWS);
        // Rows outside this memory (or a layout without the buffers) take the JS loop: same result.
        if (w.buffer !== buffer || !acc || !tmp || acc.length < dim * stride)
          return gramOf(w, rows, dim, stride, from);
        k.gram(ptr(w) + from * stride * 4, rows, dim, stride * 4, ptr(acc), ptr(tmp));
        return squareGram(acc as Float64Array, dim, stride);
      },
      solve: (a) =>
        k.solve(
          ptr(a.x),
          a.rows,
          ptr(a.indptr),
          ptr(a.indices),
          ptr(a.values),
          ptr(a.w),
          ptr(a.gram),
          a.dim,
          a.stride * 4,
          ptr(a.rhs0),
          ptr(a.targetOffset),
          ptr(a.regs),
          a.steps,
          ptr(get('scratch', Float32Array)),
          a.observedLoss === true ? 1 : 0,
        ),
    };
  }
  return {
    kernel: 'js',
    f32: (name) => get(name, Float32Array),
    i32: (name) => get(name, Int32Array),
    f64: (name) => get(name, Float64Array),
    gram: (w, rows, dim, stride, from = 0) => gramOf(w, rows, dim, stride, from),
    solve: (a) => solveJs(a, get('scratch', Float32Array)),
  };
}

/** The kernel's upper-triangle accumulators (dim rows of `stride` f64) as a full dim × dim matrix. */
function squareGram(acc: Float64Array, dim: number, stride: number): Float64Array {
  const out = new Float64Array(dim * dim);
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) out[a * dim + b] = acc[a * stride + b]!;
  }
  mirrorUpper(out, dim);
  return out;
}

function dot(a: Float32Array, ao: number, b: Float32Array, bo: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let i = 0; i < n; i += 4) {
    s0 += a[ao + i]! * b[bo + i]!;
    s1 += a[ao + i + 1]! * b[bo + i + 1]!;
    s2 += a[ao + i + 2]! * b[bo + i + 2]!;
    s3 += a[ao + i + 3]! * b[bo + i + 3]!;
  }
  return s0 + s1 + s2 + s3;
}

function axpy(
  y: Float32Array,
  yo: number,
  t: number,
  x: Float32Array,
  xo: number,
  n: number,
): void {
  for (let i = 0; i < n; i++) y[yo + i]! += t * x[xo + i]!;
}

/** A·vec for one row (see the WASM `matvec`): same arithmetic, plain JS. */
function matvecJs(
  a: SolveArgs,
  start: number,
  end: number,
  reg: number,
  vec: Float32Array,
  vo: number,
  out: Float32Array,
  oo: number,
): void {
  const s = a.stride;
  for (let i = 0; i < s; i++) out[oo + i] = 0;
  for (let r = 0; r < a.dim; r++) out[oo + r] = dot(a.gram, r * s, vec, vo, s) + reg * vec[vo + r]!;
  for (let e = start; e < end; e++) {
    const wo = a.indices[e]! * s;
    axpy(out, oo, a.values[e]! * dot(a.w, wo, vec, vo, s), a.w, wo, s);
  }
}

/** The WASM `solve` in plain JS: the fallback kernel, and the reference the WASM one is tested against. */
function solveJs(a: SolveArgs, scratch: Float32Array): number {
  const s = a.stride;
  let loss = 0;
  const res = 0;
  const p = s;
  const ap = 2 * s;
  for (let r = 0; r < a.rows; r++) {
    const xr = r * s;
    const start = a.indptr[r]!;
    const end = a.indptr[r + 1]!;
    const reg = a.regs[r]!;
    scratch.set(a.rhs0.subarray(0, s), res);
    for (let e = start; e < end; e++) {
      const j = a.indices[e]!;
      const t = a.values[e]! * (a.targetOffset ? 1 - a.targetOffset[j]! : 1);
      axpy(scratch, res, t, a.w, j * s, s);
    }
    matvecJs(a, start, end, reg, a.x, xr, scratch, ap);
    axpy(scratch, res, -1, scratch, ap, s);
    scratch.copyWithin(p, res, res + s);
    let rs = dot(scratch, res, scratch, res, s);
    for (let step = 0; step < a.steps; step++) {
      matvecJs(a, start, end, reg, scratch, p, scratch, ap);
      const pap = dot(scratch, p, scratch, ap, s);
      const alpha = pap > 0 ? rs / pap : 0;
      axpy(a.x, xr, alpha, scratch, p, s);
      axpy(scratch, res, -alpha, scratch, ap, s);
      const rsNew = dot(scratch, res, scratch, res, s);
      const beta = rs > 0 ? rsNew / rs : 0;
      for (let i = 0; i < s; i++) scratch[p + i] = scratch[res + i]! + beta * scratch[p + i]!;
      rs = rsNew;
    }
    if (a.observedLoss === true) loss += rowLossJs(a, start, end, xr);
  }
  return loss;
}

/** Σ c·(w_j·x_r + offset_j − 1)² over one row's entries, in the WASM kernel's order. */
function rowLossJs(a: SolveArgs, start: number, end: number, xr: number): number {
  const s = a.stride;
  let sum = 0;
  for (let e = start; e < end; e++) {
    const j = a.indices[e]!;
    let d = Math.fround(dot(a.w, j * s, a.x, xr, s));
    if (a.targetOffset) d = Math.fround(d + a.targetOffset[j]!);
    d = Math.fround(d - 1);
    sum += Math.fround(a.values[e]! * Math.fround(d * d));
  }
  return sum;
}
