import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { detectCapabilities } from '../../src/core/compute/capabilities';
import { chooseComputePath } from '../../src/core/compute/choose-compute-path';
import type { CsrMatrix } from '../../src/core/data/csr-matrix';
import { csrFromCoo } from '../../src/core/data/csr-matrix';
import type {
  ComputePathName,
  MfComputePath,
  MfTrainResult,
} from '../../src/core/models/mf/mf-trainer';
import { DEFAULT_MF_OPTIONS, createTypedMfPath } from '../../src/core/models/mf/train-typed';
import { createTfjsMfPath } from '../../src/core/models/mf/tfjs/tfjs-mf-path';
import { maxScoreDiff, median } from '../bench-stats';
import type { BenchContext, BenchResults, BenchSection } from '../bench-types';

/** Epochs per path: the first compiles/warms caches, the rest are timed (median). */
const EPOCHS = 3;
/** TF.js' plain-JS `cpu` backend takes ~25 s per epoch here: time a single epoch after the first. */
const CPU_EPOCHS = 2;
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const WASM_PATHS = `${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`;

/** ML-100K as a binary users × items matrix of the distinct (user, item) pairs in `u.data`. */
function loadMl100kMatrix(dir: string): CsrMatrix {
  const lines = readFileSync(join(dir, 'u.data'), 'utf8').split('\n');
  const users: number[] = [];
  const items: number[] = [];
  for (const line of lines) {
    if (!line.trim()) continue;
    const [user, item] = line.split('\t').map(Number);
    users.push(user! - 1);
    items.push(item! - 1);
  }
  const m = csrFromCoo(
    Math.max(...users) + 1,
    Math.max(...items) + 1,
    Int32Array.from(users),
    Int32Array.from(items),
    null,
  );
  // Duplicate pairs were summed: binarize.
  return { ...m, values: new Float32Array(m.values.length).fill(1) };
}

/**
 * Makes WebGPU available in Node through Dawn (the optional `webgpu` package), on a GPU or on
 * SwiftShader. Must run before `@tensorflow/tfjs-backend-webgpu` is first imported. Returns why
 * not, or null.
 */
async function installNodeWebGpu(): Promise<string | null> {
  if ((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu) return null;
  if (process.env.VK_ICD_FILENAMES === undefined && existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  try {
    const specifier = process.env.HEARTH_WEBGPU_MODULE ?? 'webgpu';
    const dawn = (await import(/* @vite-ignore */ specifier)) as {
      create(flags: string[]): unknown;
      globals: Record<string, unknown>;
    };
    Object.assign(globalThis, dawn.globals);
    Object.defineProperty(globalThis, 'navigator', {
      value: { gpu: dawn.create([]) },
      configurable: true,
    });
    return null;
  } catch {
    return 'the optional `webgpu` package (Dawn for Node) is not installed';
  }
}

/**
 * Per-epoch training time of each compute path on ML-100K (k = 64, default hyper-parameters):
 * `typed`, TF.js `cpu` and `wasm`, and `webgpu` where Node has a hardware adapter (Dawn). Also
 * the largest score difference to `typed` and what the automatic choice picks on this machine.
 */
export async function run(ctx: BenchContext): Promise<BenchResults> {
  const names: readonly ComputePathName[] = ['typed', 'cpu', 'wasm', 'webgpu'];
  const results: BenchResults = {};
  for (const name of names) {
    results[`compute.${name}.epochMs`] = null;
    if (name !== 'typed') results[`compute.${name}.maxScoreDiff`] = null;
  }
  results['compute.webgpu.adapter'] = null;
  results['compute.auto.chosen'] = null;
  if (ctx.ml100kDir === null) {
    ctx.log('compute-paths: MovieLens 100K not found; reporting null.');
    return results;
  }
  const webgpuProblem = await installNodeWebGpu();
  const caps = await detectCapabilities();
  const adapter = caps.webgpu.adapter;
  results['compute.webgpu.adapter'] = adapter
    ? [adapter.vendor, adapter.architecture, adapter.description].filter((s) => s !== '').join(' ')
    : null;

  const matrix = loadMl100kMatrix(ctx.ml100kDir);
  let typed: MfTrainResult | null = null;
  for (const name of names) {
    if (
      name === 'webgpu' &&
      adapter?.isSoftware &&
      process.env.HEARTH_BENCH_SOFTWARE_WEBGPU !== '1'
    ) {
      // SwiftShader took ~18 s per ML-100K epoch here; HEARTH_BENCH_SOFTWARE_WEBGPU=1 times it anyway.
      ctx.log(
        'compute-paths: webgpu skipped (software adapter; set HEARTH_BENCH_SOFTWARE_WEBGPU=1 to time it)',
      );
      continue;
    }
    let path: MfComputePath;
    try {
      path =
        name === 'typed'
          ? createTypedMfPath()
          : await createTfjsMfPath({ backend: name, wasmPaths: WASM_PATHS });
    } catch (error) {
      const why = name === 'webgpu' && webgpuProblem ? webgpuProblem : (error as Error).message;
      ctx.log(`compute-paths: ${name} unavailable (${why})`);
      continue;
    }
    const result = await path.train(matrix, {
      ...DEFAULT_MF_OPTIONS,
      epochs: name === 'cpu' ? CPU_EPOCHS : EPOCHS,
    });
    path.dispose();
    const epochMs = median(result.epochMs.slice(1));
    results[`compute.${name}.epochMs`] = Math.round(epochMs * 10) / 10;
    if (!typed) {
      typed = result;
    } else if (result.epochMs.length === typed.epochMs.length) {
      // Scores are compared only between runs of the same length (not cpu's shorter one).
      results[`compute.${name}.maxScoreDiff`] = Number(maxScoreDiff(result, typed).toPrecision(2));
    }
    const each = result.epochMs.map((t) => t.toFixed(0)).join(', ');
    ctx.log(`compute-paths: ${name} ${epochMs.toFixed(0)} ms/epoch (epochs: ${each})`);
  }
  const { path, report } = await chooseComputePath({
    createTyped: createTypedMfPath,
    wasmPaths: WASM_PATHS,
    capabilities: caps,
  });
  path.dispose();
  results['compute.auto.chosen'] = report.chosen;
  ctx.log(
    `compute-paths: auto chose ${report.chosen} (${report.reason}) in ${report.elapsedMs.toFixed(0)} ms`,
  );
  return results;
}

/** Compute paths of MF training on this machine. */
export const section: BenchSection = { title: 'Compute paths (MF training)', run };
