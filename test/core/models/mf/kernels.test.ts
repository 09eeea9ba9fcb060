import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';
import { describe, expect, it } from 'vitest';
import { IALS_KERNELS_WASM_BASE64 } from '../../../../src/core/models/mf/wasm/ials-kernels-wasm';
import type { IalsWorkspace } from '../../../../src/core/models/mf/wasm/ials-workspace';
import {
  createIalsWorkspace,
  gramLayout,
  wasmKernelsAvailable,
} from '../../../../src/core/models/mf/wasm/ials-workspace';
import { gramOf } from '../../../../src/core/models/mf/cg-gram';
import { createRng } from '../../../../src/core/random';

const WAT_PATH = fileURLToPath(
  new URL('../../../../src/core/models/mf/wasm/ials-kernels.wat', import.meta.url),
);

describe('embedded WebAssembly module', () => {
  it('equals a fresh compile of ials-kernels.wat (run scripts/build-wasm.mjs after editing)', async () => {
    const wabt = await wabtInit();
    const module = wabt.parseWat('ials-kernels.wat', readFileSync(WAT_PATH, 'utf8'), {
      simd: true,
      bulk_memory: true,
    });
    module.validate();
    const { buffer } = module.toBinary({});
    module.destroy();
    expect(IALS_KERNELS_WASM_BASE64).toBe(Buffer.from(buffer).toString('base64'));
  });

  it('runs in this Node (WebAssembly SIMD)', () => {
    expect(wasmKernelsAvailable()).toBe(true);
  });
});

/** A random CG problem: `rows` rows of dimension `dim` against `fixed` fixed-side rows. */
interface Problem {
  dim: number;
  stride: number;
  rows: number;
  fixed: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
  w: Float32Array;
  gram: Float32Array;
  rhs0: Float32Array;
  offsets: Float32Array;
  regs: Float32Array;
  x: Float32Array;
}

function problem(dim: number, rows: number, fixed: number, seed: number): Problem {
  const rng = createRng(seed);
  const stride = Math.ceil(dim / 8) * 8;
  const indptr = new Int32Array(rows + 1);
  const idx: number[] = [];
  const val: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < fixed; j++) {
      if (rng.next() < 0.3) {
        idx.push(j);
        val.push(0.5 + rng.next());
      }
    }
    indptr[r + 1] = idx.length;
  }
  const w = new Float32Array(fixed * stride);
  for (let j = 0; j < fixed; j++)
    for (let a = 0; a < dim; a++) w[j * stride + a] = rng.normal() * 0.5;
  const gram = new Float32Array(dim * stride);
  for (let j = 0; j < fixed; j++)
    for (let a = 0; a < dim; a++)
      for (let b = 0; b < dim; b++)
        gram[a * stride + b]! += 0.2 * w[j * stride + a]! * w[j * stride + b]!;
  const rhs0 = new Float32Array(stride);
  for (let a = 0; a < dim; a++) rhs0[a] = rng.normal() * 0.1;
  const offsets = Float32Array.from({ length: fixed }, () => rng.normal() * 0.2);
  const regs = Float32Array.from({ length: rows }, () => 0.05 + rng.next());
  const x = new Float32Array(rows * stride);
  for (let r = 0; r < rows; r++)
    for (let a = 0; a < dim; a++) x[r * stride + a] = rng.normal() * 0.1;
  return {
    dim,
    stride,
    rows,
    fixed,
    indptr,
    indices: Int32Array.from(idx),
    values: Float32Array.from(val),
    w,
    gram,
    rhs0,
    offsets,
    regs,
    x,
  };
}

/** Copies a problem into a fresh workspace and runs `steps` CG steps; returns x (and the loss). */
function runKernel(
  p: Problem,
  preferWasm: boolean,
  steps: number,
  withOffsets: boolean,
): { kernel: IalsWorkspace['kernel']; x: Float32Array; loss: number } {
  const nnz = p.indices.length;
  const ws = createIalsWorkspace(
    {
      indptr: { type: 'i32', length: p.rows + 1 },
      indices: { type: 'i32', length: nnz },
      values: { type: 'f32', length: nnz },
      w: { type: 'f32', length: p.fixed * p.stride },
      gram: { type: 'f32', length: p.dim * p.stride },
      rhs0: { type: 'f32', length: p.stride },
      offsets: { type: 'f32', length: p.fixed },
      regs: { type: 'f32', length: p.rows },
      x: { type: 'f32', length: p.rows * p.stride },
      scratch: { type: 'f32', length: 3 * p.stride },
    },
    preferWasm,
  );
  for (const name of ['values', 'w', 'gram', 'rhs0', 'offsets', 'regs', 'x'] as const)
    ws.f32(name).set(p[name]);
  ws.i32('indptr').set(p.indptr);
  ws.i32('indices').set(p.indices);
  // The observed loss of the solved rows against the fixed rows (as item vectors with biases).
  const loss = ws.solve({
    x: ws.f32('x'),
    rows: p.rows,
    indptr: ws.i32('indptr'),
    indices: ws.i32('indices'),
    values: ws.f32('values'),
    w: ws.f32('w'),
    gram: ws.f32('gram'),
    dim: p.dim,
    stride: p.stride,
    rhs0: ws.f32('rhs0'),
    targetOffset: withOffsets ? ws.f32('offsets') : null,
    regs: ws.f32('regs'),
    steps,
    observedLoss: true,
  });
  const x = ws.f32('x').slice();
  return { kernel: ws.kernel, x, loss };
}

/** Exact solution of each row system in Float64 (Gaussian elimination). */
function exactSolve(p: Problem, withOffsets: boolean): Float64Array {
  const { dim: d, stride: s } = p;
  const out = new Float64Array(p.rows * s);
  for (let r = 0; r < p.rows; r++) {
    const a = new Float64Array(d * d);
    const b = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      b[i] = p.rhs0[i]!;
      a[i * d + i] = p.regs[r]!;
      for (let j = 0; j < d; j++) a[i * d + j]! += p.gram[i * s + j]!;
    }
    for (let e = p.indptr[r]!; e < p.indptr[r + 1]!; e++) {
      const j = p.indices[e]!;
      const c = p.values[e]!;
      const t = c * (withOffsets ? 1 - p.offsets[j]! : 1);
      for (let i = 0; i < d; i++) {
        b[i]! += t * p.w[j * s + i]!;
        for (let q = 0; q < d; q++) a[i * d + q]! += c * p.w[j * s + i]! * p.w[j * s + q]!;
      }
    }
    for (let col = 0; col < d; col++) {
      for (let row = col + 1; row < d; row++) {
        const f = a[row * d + col]! / a[col * d + col]!;
        for (let q = col; q < d; q++) a[row * d + q]! -= f * a[col * d + q]!;
        b[row]! -= f * b[col]!;
      }
    }
    for (let row = d - 1; row >= 0; row--) {
      let sum = b[row]!;
      for (let q = row + 1; q < d; q++) sum -= a[row * d + q]! * out[r * s + q]!;
      out[r * s + row] = sum / a[row * d + row]!;
    }
  }
  return out;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('iALS workspace kernels', () => {
  it.each([
    [5, true],
    [9, false],
    [16, true],
  ])('WASM and JS solve agree (dim %i, offsets %s)', (dim, withOffsets) => {
    const p = problem(dim, 30, 25, dim);
    const wasm = runKernel(p, true, 3, withOffsets);
    const js = runKernel(p, false, 3, withOffsets);
    expect(wasm.kernel).toBe('wasm-simd');
    expect(js.kernel).toBe('js');
    expect(maxDiff(wasm.x, js.x)).toBeLessThan(1e-4);
    expect(wasm.loss).toBeCloseTo(js.loss, 3);
  });

  it.each([true, false])('converges to the exact row solutions (preferWasm %s)', (preferWasm) => {
    const p = problem(6, 20, 18, 4);
    const exact = exactSolve(p, true);
    const three = runKernel(p, preferWasm, 3, true);
    const many = runKernel(p, preferWasm, 30, true);
    expect(maxDiff(many.x, exact)).toBeLessThan(1e-4);
    // Three steps get closer than the starting point, but not all the way.
    expect(maxDiff(three.x, exact)).toBeLessThan(maxDiff(p.x, exact));
  });

  it('keeps the padding of solved rows at zero', () => {
    const p = problem(5, 10, 12, 2);
    for (const preferWasm of [true, false]) {
      const { x } = runKernel(p, preferWasm, 3, true);
      for (let r = 0; r < p.rows; r++)
        for (let a = p.dim; a < p.stride; a++) expect(x[r * p.stride + a]).toBe(0);
    }
  });

  it.each([
    [0, true],
    [3, true],
    [3, false],
  ])(
    'solve returns Σ c·(x·w + offset − 1)² at the solved rows (%i steps, offsets %s)',
    (steps, withOffsets) => {
      const p = problem(7, 8, 10, 6);
      for (const preferWasm of [true, false]) {
        const { x, loss } = runKernel(p, preferWasm, steps, withOffsets);
        let expected = 0;
        for (let r = 0; r < p.rows; r++) {
          for (let e = p.indptr[r]!; e < p.indptr[r + 1]!; e++) {
            const j = p.indices[e]!;
            let s = (withOffsets ? p.offsets[j]! : 0) - 1;
            for (let a = 0; a < p.dim; a++) s += x[r * p.stride + a]! * p.w[j * p.stride + a]!;
            expected += p.values[e]! * s * s;
          }
        }
        expect(loss).toBeGreaterThan(0);
        expect(loss).toBeCloseTo(expected, 4);
      }
    },
  );

  it('rejects a wrongly typed array name', () => {
    const ws = createIalsWorkspace({ a: { type: 'f32', length: 4 } }, false);
    expect(ws.f32('a')).toHaveLength(4);
    expect(() => ws.i32('a')).toThrow();
    expect(() => ws.f32('missing')).toThrow();
  });
});

describe('Gram kernel', () => {
  /** `rows` random rows of `dim` features (some exactly zero) at stride pad8(dim), in a workspace. */
  function gramInputs(dim: number, rows: number, seed: number, preferWasm: boolean) {
    const rng = createRng(seed);
    const stride = Math.ceil(dim / 8) * 8;
    const ws = createIalsWorkspace(
      { w: { type: 'f32', length: rows * stride }, ...gramLayout(dim, stride) },
      preferWasm,
    );
    const w = ws.f32('w');
    for (let r = 0; r < rows; r++)
      for (let a = 0; a < dim; a++) w[r * stride + a] = rng.next() < 0.1 ? 0 : rng.normal();
    return { ws, w, stride };
  }

  it.each([
    [5, 13, 0],
    [16, 40, 3],
    [65, 103, 7],
    [64, 9, 2],
  ])('WASM Gram equals gramOf exactly (dim %i, %i rows from row %i)', (dim, rows, from) => {
    const { ws, w, stride } = gramInputs(dim, rows + from, dim, true);
    expect(ws.kernel).toBe('wasm-simd');
    const got = ws.gram(w, rows, dim, stride, from);
    const want = gramOf(w, rows, dim, stride, from);
    expect(Array.from(got)).toEqual(Array.from(want));
    // Independent check: the plain definition Σ_r w_r w_rᵀ (to round-off).
    let worst = 0;
    for (let a = 0; a < dim; a++) {
      for (let b = 0; b < dim; b++) {
        let sum = 0;
        for (let r = from; r < from + rows; r++) sum += w[r * stride + a]! * w[r * stride + b]!;
        worst = Math.max(worst, Math.abs(got[a * dim + b]! - sum));
      }
    }
    expect(worst).toBeLessThan(1e-9);
  });

  it('reuses its accumulators: a second Gram does not add onto the first', () => {
    const { ws, w, stride } = gramInputs(9, 20, 11, true);
    const first = ws.gram(w, 20, 9, stride);
    const again = ws.gram(w, 20, 9, stride);
    expect(Array.from(again)).toEqual(Array.from(first));
    expect(Array.from(ws.gram(w, 3, 9, stride, 17))).toEqual(
      Array.from(gramOf(w, 3, 9, stride, 17)),
    );
  });

  it('falls back to gramOf for rows outside the workspace and in the JS kernel', () => {
    const { ws, stride } = gramInputs(7, 6, 5, true);
    const outside = Float32Array.from({ length: 6 * stride }, (_, i) => (i % stride < 7 ? i : 0));
    expect(Array.from(ws.gram(outside, 6, 7, stride))).toEqual(
      Array.from(gramOf(outside, 6, 7, stride)),
    );
    const js = gramInputs(7, 6, 5, false);
    expect(js.ws.kernel).toBe('js');
    expect(Array.from(js.ws.gram(js.w, 6, 7, js.stride))).toEqual(
      Array.from(gramOf(js.w, 6, 7, js.stride)),
    );
  });
});
