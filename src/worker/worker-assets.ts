import type { TfjsWasmPaths } from '../core/models/mf/tfjs/tfjs-backends';

/**
 * Files the packaged Hearth worker (`dist/browser/hearth.worker.js`) loads on demand: the parsers
 * (importing a catalog or interactions), the training module (TF.js, the trainer) and the three
 * TF.js `.wasm` binaries.
 */
export const WORKER_ASSET_NAMES = [
  'hearth-parsers.js',
  'hearth-training.js',
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const;

/** Name of one {@link WORKER_ASSET_NAMES} file. */
export type WorkerAssetName = (typeof WORKER_ASSET_NAMES)[number];

/** The URL of every worker asset. */
export type WorkerAssetUrls = Readonly<Record<WorkerAssetName, string>>;

/** Fragment parameter of the worker URL that carries {@link WorkerAssetUrls} as JSON. */
export const WORKER_ASSETS_PARAM = 'hearth-assets';

/**
 * Fragment parameter of a `blob:` bootstrap URL naming the real worker script (see
 * `startModuleWorker`), against which the assets resolve.
 */
export const WORKER_SCRIPT_PARAM = 'hearth-script';

/** Global slot where the worker publishes its asset URLs for the packaged build's lazy imports. */
export const WORKER_ASSETS_SLOT = Symbol.for('hearth.worker.assets');

/**
 * `workerUrl` with the address of each asset in its fragment. A bundler that copies the packaged
 * files one by one gives each a new (hashed) name, so the worker cannot find them next to itself;
 * the fragment tells it where they went (it never reaches the server).
 */
export function workerUrlWithAssets(workerUrl: URL | string, assets: WorkerAssetUrls): URL {
  const url = new URL(workerUrl);
  url.hash = new URLSearchParams({ [WORKER_ASSETS_PARAM]: JSON.stringify(assets) }).toString();
  return url;
}

/**
 * The asset URLs for a worker running at `workerLocation`: those its URL fragment names (see
 * {@link workerUrlWithAssets}), else the files of the same name next to the worker script (a
 * served `dist/browser/` folder). A `blob:` bootstrap's fragment names the real script instead.
 */
export function workerAssetUrls(workerLocation: string): WorkerAssetUrls {
  const url = new URL(workerLocation);
  const params = new URLSearchParams(url.hash.slice(1));
  const script = params.get(WORKER_SCRIPT_PARAM);
  if (script !== null && url.protocol === 'blob:') return workerAssetUrls(script);
  const given = params.get(WORKER_ASSETS_PARAM);
  const named: Partial<Record<string, unknown>> = given === null ? {} : parseAssets(given);
  const entries = WORKER_ASSET_NAMES.map((name) => {
    const value = named[name];
    return [name, typeof value === 'string' ? new URL(value, url).href : new URL(name, url).href];
  });
  return Object.fromEntries(entries) as Record<WorkerAssetName, string>;
}

function parseAssets(text: string): Partial<Record<string, unknown>> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    // A hand-made worker URL with a broken fragment: the files next to the worker are the best guess.
    return {};
  }
}

/** The TF.js `wasmPaths` (one URL per binary) of a set of worker assets. */
export function wasmPathsOf(assets: WorkerAssetUrls): TfjsWasmPaths {
  return {
    'tfjs-backend-wasm.wasm': assets['tfjs-backend-wasm.wasm'],
    'tfjs-backend-wasm-simd.wasm': assets['tfjs-backend-wasm-simd.wasm'],
    'tfjs-backend-wasm-threaded-simd.wasm': assets['tfjs-backend-wasm-threaded-simd.wasm'],
  };
}

/** Makes `assets` readable by the packaged worker's lazy `import()`s (see `vite.browser.config.ts`). */
export function publishWorkerAssets(assets: WorkerAssetUrls, target: object = globalThis): void {
  (target as { [WORKER_ASSETS_SLOT]?: WorkerAssetUrls })[WORKER_ASSETS_SLOT] = assets;
}
