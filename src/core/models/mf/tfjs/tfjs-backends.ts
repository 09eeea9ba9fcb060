import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '../../../errors';
import { hasLostDevice, trackDeviceLoss } from './device-loss';

/** TF.js backends the iALS trainer runs on. */
export type TfjsBackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** File names of the `@tensorflow/tfjs-backend-wasm` binaries. */
export type TfjsWasmBinaryName =
  'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm';

/**
 * Where the `wasm` backend finds its binaries: a URL prefix (browser) or directory (Node) ending
 * in `/`, or the URL of each of the three binaries (TF.js requires all three) as a bundler's asset
 * imports give them, e.g. Vite's
 * `import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url'`; a
 * production build hashes those file names, so only the map form works there.
 */
export type TfjsWasmPaths = string | Readonly<Record<TfjsWasmBinaryName, string>>;

/** Options of {@link activateTfjsBackend}. */
export interface TfjsBackendOptions {
  readonly backend: TfjsBackendName;
  /**
   * Where the `wasm` backend finds its `.wasm` binaries. Used by the `wasm` backend only, and
   * only before that backend first initialises in this JS realm.
   */
  readonly wasmPaths?: TfjsWasmPaths;
}

/** Kernels every iALS formulation runs (matrix products, element-wise algebra, reductions). */
const COMMON_KERNELS = [
  'BatchMatMul',
  'Multiply',
  'Add',
  'Sub',
  'RealDiv',
  'Square',
  'Sum',
  'Greater',
  'Select',
  'Slice',
  'Concat',
  'Reshape',
  'AddN',
  'Identity',
] as const;

/**
 * The gather kernel the sparse formulation uses on `backend`: WASM's `GatherNd` copies whole rows
 * and measured ~2.5× faster than its per-element `GatherV2`; elsewhere `GatherV2` is the common path.
 */
export function rowGatherKernel(backend: TfjsBackendName): 'gather' | 'gatherNd' {
  return backend === 'wasm' ? 'gatherNd' : 'gather';
}

/** Names of the kernels the iALS path needs on `backend`, with or without the sparse formulation. */
export function requiredKernels(backend: TfjsBackendName, sparse: boolean): readonly string[] {
  if (!sparse) return COMMON_KERNELS;
  const gather = rowGatherKernel(backend) === 'gatherNd' ? 'GatherNd' : 'GatherV2';
  return [...COMMON_KERNELS, gather, 'ScatterNd'];
}

/** Kernels of `names` that `backend` does not register. */
export function missingKernels(backend: TfjsBackendName, names: readonly string[]): string[] {
  return names.filter((name) => tf.getKernel(name, backend) === undefined);
}

/** Minimal structural view of `navigator.gpu` (TS's DOM lib has no WebGPU types). */
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<unknown>;
}

function navigatorGpu(): GpuLike | undefined {
  const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  return nav?.gpu;
}

let wasmConfigured = false;

/** Imports the package that registers `backend` with TF.js (code-split: loaded only when used). */
async function registerBackendPackage(options: TfjsBackendOptions): Promise<void> {
  switch (options.backend) {
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      return;
    case 'webgl':
      await import('@tensorflow/tfjs-backend-webgl');
      return;
    case 'webgpu':
      // The package registers its backend only if navigator.gpu exists when it is evaluated.
      await import('@tensorflow/tfjs-backend-webgpu');
      return;
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      if (!wasmConfigured) {
        if (options.wasmPaths !== undefined) wasm.setWasmPaths(options.wasmPaths);
        // Multi-threaded WASM hangs in Vite production builds; one thread with SIMD is reliable.
        wasm.setThreadsCount(1);
        tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
        wasmConfigured = true;
      }
      return;
    }
  }
}

/** Why `backend` could not start, for the error message. */
async function explainUnavailable(options: TfjsBackendOptions): Promise<string> {
  switch (options.backend) {
    case 'webgpu': {
      const gpu = navigatorGpu();
      if (!gpu) return 'navigator.gpu is missing (this browser or runtime has no WebGPU)';
      const adapter = await gpu.requestAdapter().catch(() => null);
      if (!adapter) return 'navigator.gpu.requestAdapter() returned no adapter';
      return 'the WebGPU device could not be created';
    }
    case 'webgl':
      return 'no WebGL2 context could be created (no GPU, WebGL disabled, or not a browser)';
    case 'wasm':
      return (
        `the WebAssembly binaries could not be loaded` +
        (options.wasmPaths !== undefined
          ? ` from ${JSON.stringify(options.wasmPaths)}`
          : '; pass wasmPaths (the folder holding tfjs-backend-wasm*.wasm)')
      );
    case 'cpu':
      return 'the TF.js CPU backend failed to start';
  }
}

/**
 * Makes `backend` the active TF.js backend, registering and initialising it on first use.
 * Throws `BackendError` `BACKEND_UNAVAILABLE` naming what is missing when it cannot start.
 */
export async function activateTfjsBackend(options: TfjsBackendOptions): Promise<void> {
  const { backend } = options;
  if (hasLostDevice(backend)) resetTfjsBackend(backend);
  if (tf.getBackend() === backend) return;
  if (backend === 'webgpu' && !navigatorGpu()) {
    throw new BackendError(
      'BACKEND_UNAVAILABLE',
      'WebGPU is not available: navigator.gpu is missing (this browser or runtime has no WebGPU). ' +
        'Use another compute path (webgl, wasm or typed).',
    );
  }
  try {
    await registerBackendPackage(options);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new BackendError(
      'BACKEND_UNAVAILABLE',
      `The TF.js "${backend}" backend could not be loaded (${detail}). Use another compute path.`,
    );
  }
  if (!tf.findBackendFactory(backend)) {
    throw new BackendError(
      'BACKEND_UNAVAILABLE',
      `The TF.js "${backend}" backend is not registered` +
        (backend === 'webgpu' ? ' (navigator.gpu was missing when it was loaded)' : '') +
        (backend === 'webgl' ? ' (WebGL2 needs a browser page or worker with WebGL)' : '') +
        '. Use another compute path.',
    );
  }
  let ok = false;
  try {
    ok = await tf.setBackend(backend);
    if (ok) await tf.ready();
  } catch {
    ok = false;
  }
  if (!ok || tf.getBackend() !== backend) {
    throw new BackendError(
      'BACKEND_UNAVAILABLE',
      `The TF.js "${backend}" backend could not start: ${await explainUnavailable(options)}. ` +
        'Use another compute path.',
    );
  }
  trackDeviceLoss(backend);
  if (backend === 'webgl' && !tf.env().getBool('WEBGL_RENDER_FLOAT32_CAPABLE')) {
    throw new BackendError(
      'BACKEND_UNAVAILABLE',
      'WebGL here can only store 16-bit floats, too imprecise for training. ' +
        'Use another compute path (wasm or typed).',
    );
  }
}

/** Priorities the backend packages register with (TF.js' automatic choice; kept on reset). */
const REGISTRATION_PRIORITY: Record<TfjsBackendName, number> = {
  webgpu: 3,
  webgl: 2,
  wasm: 2,
  cpu: 1,
};

/**
 * Drops `backend`'s TF.js instance (destroying its WebGPU device) so its next activation creates a
 * fresh one (a new GPU device or context). Needed after a device loss or device error: TF.js would
 * otherwise keep dispatching to the dead device. Tensors still held on that instance become
 * unusable; free yours first.
 */
export function resetTfjsBackend(backend: TfjsBackendName): void {
  const factory = tf.findBackendFactory(backend);
  if (!factory) return;
  const instance = tf.engine().registry[backend] as unknown as
    { readonly device?: { destroy(): void } } | undefined;
  // A device that only reported an error is still alive: free its memory now, not at GC.
  instance?.device?.destroy();
  try {
    tf.removeBackend(backend);
  } catch {
    // Disposing a dead device's resources may fail; the instance is dropped below regardless.
    delete tf.engine().registry[backend];
    tf.removeBackend(backend);
  }
  tf.registerBackend(backend, factory, REGISTRATION_PRIORITY[backend]);
}
