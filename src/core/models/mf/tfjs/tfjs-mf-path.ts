import { BackendError, DataError } from '../../../errors';
import type { CsrMatrix } from '../../../data/csr-matrix';
import type { MfComputePath } from '../mf-trainer';
import { validateMfOptions } from '../validate-mf-options';
import type { TfjsBackendName, TfjsWasmPaths } from './tfjs-backends';
import { activateTfjsBackend, missingKernels, requiredKernels } from './tfjs-backends';
import { trainOnDevice } from './tfjs-train-loop';

/** How the observed (data) term of each row system is computed on the device. */
export type TfjsFormulation = 'sparse' | 'dense' | 'auto';

/** Options of {@link createTfjsMfPath}. */
export interface TfjsMfPathOptions {
  readonly backend: TfjsBackendName;
  /** Where the `wasm` backend finds its `.wasm` binaries (URL prefix or Node directory, or a file map). */
  readonly wasmPaths?: TfjsWasmPaths;
  /**
   * `sparse` gathers/scatter-adds per stored entry (O(nnz·k)); `dense` multiplies by the dense
   * weight matrix (O(users·items·k), few large dispatches; at most 2²⁷ cells). `auto` (default)
   * picks dense on WebGPU when the matrix is small and dense enough, always on WebGL (its scatter
   * is quadratic), sparse otherwise.
   */
  readonly formulation?: TfjsFormulation;
  /** Max stored entries gathered at once by the sparse formulation (bounds device memory). */
  readonly maxChunkEntries?: number;
}

/** Largest dense weight matrix (cells) `auto` builds on WebGPU: 128 MiB of float32. */
const AUTO_DENSE_CELLS = 2 ** 25;
/** Largest dense weight matrix built at all: 512 MiB of float32 (plus a product of that size). */
const MAX_DENSE_CELLS = 2 ** 27;
/** Below this density a GPU's dense products cost more than its gathers and atomics. */
const MIN_WEBGPU_DENSE_DENSITY = 0.02;
/** Gathered `entries × d` tensors stay near 128 MiB at k = 64. */
const DEFAULT_MAX_CHUNK_ENTRIES = 2 ** 19;

/** The formulation `auto` resolves to for a backend and matrix shape. */
export function resolveFormulation(
  backend: TfjsBackendName,
  requested: TfjsFormulation,
  rows: number,
  cols: number,
  storedEntries: number,
): 'sparse' | 'dense' {
  if (requested !== 'auto') return requested;
  // WebGL's ScatterNd loops over every update for every output cell (quadratic): never use it.
  if (backend === 'webgl') return 'dense';
  const cells = rows * cols;
  if (backend === 'webgpu' && cells <= AUTO_DENSE_CELLS) {
    return storedEntries / cells >= MIN_WEBGPU_DENSE_DENSITY ? 'dense' : 'sparse';
  }
  return 'sparse';
}

/**
 * Device gathers may not bounds-check (WASM's GatherNd reads past the end silently), so a
 * malformed matrix is rejected before anything is uploaded.
 */
function checkIndices(m: CsrMatrix): void {
  const { indices, indptr } = m;
  if (
    indptr.length !== m.rows + 1 ||
    indptr[m.rows] !== indices.length ||
    m.values.length !== indices.length
  ) {
    throw new DataError(
      'INVALID_ROW',
      'The training matrix is malformed (indptr/indices/values lengths disagree).',
    );
  }
  for (let e = 0; e < indices.length; e++) {
    const c = indices[e]!;
    if (!(c >= 0 && c < m.cols)) {
      throw new DataError(
        'INVALID_ROW',
        `The training matrix has column ${c} at stored entry ${e}, outside 0…${m.cols - 1}; rebuild it.`,
      );
    }
  }
}

/**
 * Creates the iALS compute path running on a TF.js backend (`webgpu`, `webgl`, `wasm`, `cpu`).
 * Initialises the backend (and makes it TF.js' active backend); throws `BackendError`
 * `BACKEND_UNAVAILABLE` naming what is missing when it cannot. Training runs the spec's batched
 * iALS-CG for all rows of a side at once, reads back once per epoch (the loss; the factors too
 * when `onCheckpoint` is set) and at the end, resumes from `resumeFrom`, and frees every tensor it
 * made. A kernel failure or a lost GPU device (WebGPU `device.lost` or uncaptured device error,
 * WebGL context loss) ends the run with `BackendError` `BACKEND_FAILED`; see `trainWithFallback`
 * to continue on another path. Paths on different backends must not train concurrently: TF.js has
 * one active backend per JS realm.
 */
export async function createTfjsMfPath(options: TfjsMfPathOptions): Promise<MfComputePath> {
  const { backend } = options;
  const requested = options.formulation ?? 'auto';
  const maxChunkEntries = options.maxChunkEntries ?? DEFAULT_MAX_CHUNK_ENTRIES;
  await activateTfjsBackend(options);
  // Dense never needs the sparse kernels; check what any formulation on this backend may need.
  const sparsePossible = requested !== 'dense';
  const missing = missingKernels(backend, requiredKernels(backend, sparsePossible));
  if (missing.length > 0) {
    throw new BackendError(
      'BACKEND_UNAVAILABLE',
      `The TF.js "${backend}" backend lacks the kernels ${missing.join(', ')} needed for training. ` +
        'Use another compute path.',
    );
  }
  let disposed = false;
  return {
    name: backend,
    async train(matrix, trainOptions) {
      if (disposed) {
        throw new BackendError(
          'DISPOSED',
          `The "${backend}" compute path was disposed; create a new one.`,
        );
      }
      validateMfOptions(trainOptions, matrix);
      checkIndices(matrix);
      await activateTfjsBackend(options);
      const formulation = resolveFormulation(
        backend,
        requested,
        matrix.rows,
        matrix.cols,
        matrix.indices.length,
      );
      if (formulation === 'dense' && matrix.rows * matrix.cols > MAX_DENSE_CELLS) {
        throw new BackendError(
          'BACKEND_UNAVAILABLE',
          `${matrix.rows} users × ${matrix.cols} items is too large for the dense formulation the ` +
            `"${backend}" backend uses (at most ${MAX_DENSE_CELLS} cells). Use the webgpu, wasm or typed path.`,
        );
      }
      return trainOnDevice(backend, formulation, maxChunkEntries, matrix, trainOptions);
    },
    dispose() {
      // Tensors never outlive a train() call; the backend stays registered for other users.
      disposed = true;
    },
  };
}
