import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { detectCapabilities } from '../../src/core/compute/capabilities';
import type { CsrMatrix } from '../../src/core/data/csr-matrix';
import type { InteractionDataset } from '../../src/core/data/interaction-log';
import { Vocabulary } from '../../src/core/data/vocabulary';
import { evaluateScorer } from '../../src/core/eval/evaluate';
import { splitInteractions } from '../../src/core/eval/split';
import { createMfScorer } from '../../src/core/models/mf/mf-scorer';
import type {
  ComputePathName,
  MfCheckpoint,
  MfComputePath,
  MfTrainOptions,
  MfTrainResult,
} from '../../src/core/models/mf/mf-trainer';
import { DEFAULT_MF_OPTIONS, createTypedMfPath } from '../../src/core/models/mf/train-typed';
import type { TfjsWasmPaths } from '../../src/core/models/mf/tfjs/tfjs-backends';
import { createTfjsMfPath } from '../../src/core/models/mf/tfjs/tfjs-mf-path';
import { maxScoreDiff, median } from '../bench-stats';
import { createRng, shuffleInPlace } from '../../src/core/random';

/** Interactions to benchmark on: parallel arrays of dense user and item ids (0-based). */
export interface TrainingBenchData {
  readonly users: Int32Array;
  readonly items: Int32Array;
  readonly numUsers: number;
  readonly numItems: number;
}

/** Knobs of {@link runTrainingBench}; the defaults are what the reported numbers use. */
export interface TrainingBenchOptions {
  /** Backends to run, default all five: typed, wasm, webgpu, webgl, cpu (in that order). */
  readonly backends?: readonly ComputePathName[];
  /**
   * Wall-time budget of the one-epoch-at-a-time runs on the slow backends (webgpu, webgl, cpu),
   * default 45 s each: after two epochs, another starts only if the time spent plus the last
   * epoch fits.
   */
  readonly slowBudgetMs?: number;
}

const ALL_BACKENDS: readonly ComputePathName[] = ['typed', 'wasm', 'webgpu', 'webgl', 'cpu'];
/** Backends timed epoch by epoch under a budget: software GPUs here, TF.js' plain-JS CPU. */
const SLOW: ReadonlySet<ComputePathName> = new Set(['webgpu', 'webgl', 'cpu']);
const DEFAULT_SLOW_BUDGET_MS = 45_000;

/** The binaries by name: Vite hashes their file names in a production build, so no prefix works. */
const WASM_PATHS: TfjsWasmPaths = {
  'tfjs-backend-wasm.wasm': wasmUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
};

/** ML-100K's shape: 943 users (≥ 20 items each, mean ~106), 1682 items, ~100,000 pairs. */
const ML100K_SHAPE = { users: 943, items: 1682, minPerUser: 20, maxPerUser: 737, clusters: 20 };

/**
 * A seeded synthetic data set shaped like ML-100K: log-normal user activity, Zipf-like item
 * popularity, and taste clusters (half of a user's items come from their cluster) so that
 * NDCG@10 measures something.
 */
export function syntheticMl100kShape(seed = 100): TrainingBenchData {
  const { users, items, minPerUser, maxPerUser, clusters } = ML100K_SHAPE;
  const rng = createRng(seed);
  // Popularity rank r has weight 1 / (r + 10)^0.9; a seeded shuffle assigns items to ranks.
  const cumulative = new Float64Array(items);
  let total = 0;
  for (let r = 0; r < items; r++) cumulative[r] = total += 1 / Math.pow(r + 10, 0.9);
  const rankToItem = shuffleInPlace(
    Int32Array.from({ length: items }, (_, i) => i),
    rng,
  );
  const drawItem = (): number => {
    const target = rng.next() * total;
    let lo = 0;
    let hi = items - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return rankToItem[lo]!;
  };
  const outUsers: number[] = [];
  const outItems: number[] = [];
  const seen = new Uint8Array(items);
  for (let u = 0; u < users; u++) {
    const count = Math.min(maxPerUser, minPerUser + Math.floor(Math.exp(3.95 + rng.normal())));
    const cluster = u % clusters;
    const chosen: number[] = [];
    for (let attempt = 0; chosen.length < count && attempt < 50 * count; attempt++) {
      let item = drawItem();
      // Half of the draws are redrawn until they hit the user's cluster (item id mod clusters).
      if (rng.next() < 0.5) while (item % clusters !== cluster) item = drawItem();
      if (seen[item]) continue;
      seen[item] = 1;
      chosen.push(item);
    }
    for (const item of chosen) {
      seen[item] = 0;
      outUsers.push(u);
      outItems.push(item);
    }
  }
  return {
    users: Int32Array.from(outUsers),
    items: Int32Array.from(outItems),
    numUsers: users,
    numItems: items,
  };
}

/** The pairs as an interaction dataset (ids are the dense numbers) for the split protocols. */
function datasetOf(data: TrainingBenchData): InteractionDataset {
  const length = data.users.length;
  return {
    userVocab: Vocabulary.from(Array.from({ length: data.numUsers }, (_, u) => String(u))),
    itemVocab: Vocabulary.from(Array.from({ length: data.numItems }, (_, i) => String(i))),
    columns: {
      length,
      users: data.users,
      items: data.items,
      types: new Uint8Array(length),
      values: new Float32Array(length).fill(NaN),
      timestamps: new Float64Array(length).fill(NaN),
    },
  };
}

const checkpointOf = (r: MfTrainResult): MfCheckpoint => ({
  epoch: r.lossHistory.length,
  userFactors: r.userFactors,
  itemFactors: r.model.itemFactors,
  itemBias: r.model.itemBias,
  lossHistory: r.lossHistory,
});

/** Epoch times on the backend and the model after all epochs (finished on typed if need be). */
interface BackendRun {
  readonly epochMs: readonly number[];
  readonly epochsOnBackend: number;
  readonly result: MfTrainResult;
}

/**
 * A slow backend trains one epoch per call, resuming from the previous call's state (the shader
 * and program caches persist, so only the first call compiles): two epochs, then more while the
 * time spent plus the last epoch fits the budget; the typed path finishes the remaining epochs
 * from that checkpoint.
 */
async function runBudgeted(
  path: MfComputePath,
  train: CsrMatrix,
  options: MfTrainOptions,
  budgetMs: number,
): Promise<BackendRun> {
  const started = performance.now();
  const epochMs: number[] = [];
  let state: MfCheckpoint | null = null;
  let result: MfTrainResult | null = null;
  while (epochMs.length < options.epochs) {
    result = await path.train(train, {
      ...options,
      epochs: epochMs.length + 1,
      ...(state ? { resumeFrom: state } : {}),
    });
    epochMs.push(result.epochMs[0]!);
    state = checkpointOf(result);
    // Always two epochs: the first compiles shaders, the second is the one worth timing.
    if (epochMs.length < 2) continue;
    if (performance.now() - started + epochMs[epochMs.length - 1]! > budgetMs) break;
  }
  const epochsOnBackend = epochMs.length;
  if (epochsOnBackend < options.epochs) {
    result = await createTypedMfPath().train(train, { ...options, resumeFrom: state! });
  }
  return { epochMs, epochsOnBackend, result: result! };
}

/**
 * Browser training benchmark, run inside a page: for each backend, iALS with `DEFAULT_MF_OPTIONS`
 * on protocol `random` seed 42 of `data` (or, when null, {@link syntheticMl100kShape}). Returns
 * flat keys: per backend `browser.backends.<name>.epochMs` (median epoch after the first, which
 * compiles shaders), `.firstEpochMs`, `.ndcg10`,
 * `.epochsOnBackend`, `.maxScoreDiff` (vs typed) or `.error`; plus the data shape, the GPU
 * adapter and renderer, and the total time. typed and wasm train all epochs in one call; the slow
 * backends (webgpu, webgl on SwiftShader; TF.js cpu) one epoch per call within a time budget, the
 * typed path finishing the rest from their checkpoint — then `.ndcg10` is of that hand-over
 * model, and `.epochsOnBackend` says how many epochs the backend ran.
 */
export async function runTrainingBench(
  data: TrainingBenchData | null,
  options: TrainingBenchOptions = {},
): Promise<Record<string, number | string>> {
  const started = performance.now();
  const source = data ?? syntheticMl100kShape();
  const split = splitInteractions(datasetOf(source), { protocol: 'random', seed: 42 });
  const trainOptions: MfTrainOptions = { ...DEFAULT_MF_OPTIONS, seed: 42 };
  const caps = await detectCapabilities();
  const adapter = caps.webgpu.adapter;
  const out: Record<string, number | string> = {
    'browser.data': data ? 'given' : 'synthetic (ML-100K shape)',
    'browser.data.users': source.numUsers,
    'browser.data.items': source.numItems,
    'browser.data.trainPairs': split.train.indices.length,
    'browser.data.evaluatedUsers': split.evaluatedUsers,
    'browser.userAgent': navigator.userAgent,
    'browser.webgpu.adapter': adapter
      ? [adapter.vendor, adapter.architecture, adapter.isFallbackAdapter ? '(fallback)' : '']
          .filter((s) => s !== '')
          .join(' ')
      : 'none',
    'browser.webgl.renderer': caps.webgl2.renderer ?? 'none',
  };
  let typed: MfTrainResult | null = null;
  for (const name of options.backends ?? ALL_BACKENDS) {
    const key = `browser.backends.${name}`;
    let path: MfComputePath;
    try {
      path =
        name === 'typed'
          ? createTypedMfPath()
          : await createTfjsMfPath({ backend: name, wasmPaths: WASM_PATHS });
    } catch (error) {
      out[`${key}.error`] = error instanceof Error ? error.message : String(error);
      continue;
    }
    try {
      const run: BackendRun = SLOW.has(name)
        ? await runBudgeted(
            path,
            split.train,
            trainOptions,
            options.slowBudgetMs ?? DEFAULT_SLOW_BUDGET_MS,
          )
        : await path.train(split.train, trainOptions).then((result) => ({
            epochMs: result.epochMs,
            epochsOnBackend: result.epochMs.length,
            result,
          }));
      const steady = run.epochMs.length > 1 ? run.epochMs.slice(1) : run.epochMs;
      out[`${key}.epochMs`] = Math.round(median(steady) * 10) / 10;
      out[`${key}.firstEpochMs`] = Math.round(run.epochMs[0]! * 10) / 10;
      out[`${key}.epochsOnBackend`] = run.epochsOnBackend;
      const metrics = evaluateScorer(createMfScorer(run.result), split, { ks: [10], auc: false });
      out[`${key}.ndcg10`] = metrics['ndcg@10']!;
      if (name === 'typed') typed = run.result;
      else if (typed)
        out[`${key}.maxScoreDiff`] = Number(maxScoreDiff(run.result, typed).toPrecision(2));
    } catch (error) {
      out[`${key}.error`] = error instanceof Error ? error.message : String(error);
    } finally {
      path.dispose();
    }
  }
  out['browser.totalMs'] = Math.round(performance.now() - started);
  return out;
}
