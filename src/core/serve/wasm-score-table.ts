import { compileEmbeddedWasm } from '../math/embedded-wasm';
import { SCORE_KERNELS_WASM_BASE64 } from './wasm/score-kernels-wasm';

/** Item factors copied once into WebAssembly memory, scored with a SIMD kernel. */
interface WasmScoreTable {
  readonly stride: number;
  readonly x: Float32Array;
  readonly bias: Float32Array;
  /** The bias array last copied into `bias` (copied again only when it changes). */
  lastBias: Float32Array | null;
  readonly out: Float32Array;
  readonly offsets: {
    readonly v: number;
    readonly x: number;
    readonly bias: number;
    readonly out: number;
  };
  readonly score: (
    v: number,
    n: number,
    stride: number,
    x: number,
    bias: number,
    beta: number,
    out: number,
  ) => void;
}

let module: WebAssembly.Module | null | undefined;
/** Tables per factor array: models are immutable once trained, so identity is a safe key. */
const tables = new WeakMap<Float32Array, WasmScoreTable | null>();

/** Below this many multiply-adds the copy and call overhead is not worth it. */
const MIN_WORK = 1 << 16;

function buildTable(v: Float32Array, n: number, k: number): WasmScoreTable | null {
  if (module === undefined) module = compileEmbeddedWasm(SCORE_KERNELS_WASM_BASE64);
  if (!module) return null;
  const stride = Math.ceil(k / 8) * 8;
  const bytesV = n * stride * 4;
  const offsets = { v: 64, x: 64 + bytesV, bias: 0, out: 0 };
  offsets.bias = offsets.x + stride * 4;
  offsets.out = offsets.bias + n * 4;
  const total = offsets.out + n * 4;
  try {
    const instance = new WebAssembly.Instance(module, {});
    const exports = instance.exports as unknown as {
      memory: WebAssembly.Memory;
      scoreRows: WasmScoreTable['score'];
    };
    const have = exports.memory.buffer.byteLength;
    if (total > have) exports.memory.grow(Math.ceil((total - have) / 65536));
    const buffer = exports.memory.buffer;
    const table = new Float32Array(buffer, offsets.v, n * stride);
    if (stride === k) table.set(v.subarray(0, n * k));
    else for (let i = 0; i < n; i++) table.set(v.subarray(i * k, i * k + k), i * stride);
    return {
      stride,
      x: new Float32Array(buffer, offsets.x, stride),
      bias: new Float32Array(buffer, offsets.bias, n),
      lastBias: null,
      out: new Float32Array(buffer, offsets.out, n),
      offsets,
      score: exports.scoreRows,
    };
  } catch {
    // Out of memory for a second copy of a huge table: the JS loop still works.
    return null;
  }
}

/**
 * `out[i] = x · V[i] + β·bias[i]` with the WebAssembly SIMD kernel when available and worthwhile;
 * returns false (nothing written) when the caller should use its JS loop. The first call for a
 * factor array copies it into WebAssembly memory (kept while the array is alive), so factor arrays
 * must not be modified after they are first scored — trained models never are (a new model means
 * new arrays).
 */
export function scoreRowsWasm(
  x: Float32Array,
  v: Float32Array,
  n: number,
  k: number,
  bias: Float32Array | null,
  biasScale: number,
  out: Float32Array,
): boolean {
  if (n * k < MIN_WORK) return false;
  let table = tables.get(v);
  if (table === undefined) {
    table = buildTable(v, n, k);
    tables.set(v, table);
  }
  if (!table || table.out.length !== n || table.stride < k) return false;
  if (bias && bias !== table.lastBias) {
    table.bias.set(bias.subarray(0, n));
    table.lastBias = bias;
  }
  table.x.set(x.subarray(0, k));
  const o = table.offsets;
  table.score(o.v, n, table.stride * 4, o.x, bias ? o.bias : 0, biasScale, o.out);
  out.set(table.out);
  return true;
}
