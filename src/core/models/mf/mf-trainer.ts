import { OptionError } from '../../errors';
import { createRng } from '../../random';
import type { CsrMatrix } from '../../data/csr-matrix';
import type { MfHyperParams, MfModel } from './mf-model';

/** Names of the compute paths the MF trainer runs on. `typed` is hand-written typed-array code. */
export type ComputePathName = 'typed' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** Progress of a training run, reported after every epoch. */
export interface TrainProgress {
  readonly epoch: number;
  readonly epochs: number;
  /** Training objective divided by the number of observed pairs. */
  readonly loss: number;
  readonly elapsedMs: number;
  /** Estimated milliseconds left (elapsed / epoch × epochs left). */
  readonly etaMs: number;
}

/**
 * Training state after an epoch: enough to resume on any compute path (e.g. after a WebGPU device
 * loss, or a page reload) and continue bit-for-bit where the typed path would have.
 */
export interface MfCheckpoint {
  /** Epochs completed (1-based count). */
  readonly epoch: number;
  /** `numUsers × factors`. */
  readonly userFactors: Float32Array;
  /** `numItems × factors`. */
  readonly itemFactors: Float32Array;
  readonly itemBias: Float32Array;
  readonly lossHistory: readonly number[];
}

/** Options of one MF training run. */
export interface MfTrainOptions extends MfHyperParams {
  readonly epochs: number;
  /** Continue from this state instead of `initialFactors` (its epoch counts toward `epochs`). */
  readonly resumeFrom?: MfCheckpoint;
  /** Called after every epoch with a copy of the state; training waits for a returned promise. */
  readonly onCheckpoint?: (checkpoint: MfCheckpoint) => void | Promise<void>;
  /** Conjugate-gradient steps per row per half-epoch (warm-started). */
  readonly cgSteps: number;
  readonly seed: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: TrainProgress) => void;
}

/** Outcome of a training run. */
export interface MfTrainResult {
  readonly model: MfModel;
  /** `numUsers × factors` user vectors of the training rows. */
  readonly userFactors: Float32Array;
  readonly numUsers: number;
  readonly lossHistory: readonly number[];
  /** Wall time of each epoch in milliseconds. */
  readonly epochMs: readonly number[];
  readonly computePath: ComputePathName;
}

/**
 * Records one finished epoch (its loss and wall time) and reports progress with an ETA from the
 * epochs run so far; shared by the training loops of every path.
 */
export function recordEpoch(o: {
  readonly options: Pick<MfTrainOptions, 'epochs' | 'onProgress'>;
  readonly epoch: number;
  /** Epochs already done when this run started (a resumed run's checkpoint). */
  readonly firstEpoch: number;
  readonly loss: number;
  /** `performance.now()` when the epoch and the run started. */
  readonly epochStart: number;
  readonly runStart: number;
  readonly lossHistory: number[];
  readonly epochMs: number[];
}): void {
  o.lossHistory.push(o.loss);
  const now = performance.now();
  o.epochMs.push(now - o.epochStart);
  const elapsedMs = now - o.runStart;
  o.options.onProgress?.({
    epoch: o.epoch,
    epochs: o.options.epochs,
    loss: o.loss,
    elapsedMs,
    etaMs: (elapsedMs / (o.epoch - o.firstEpoch)) * (o.options.epochs - o.epoch),
  });
}

/** One way of running iALS training; all paths run the same algorithm and agree within tolerance. */
export interface MfComputePath {
  readonly name: ComputePathName;
  train(matrix: CsrMatrix, options: MfTrainOptions): Promise<MfTrainResult>;
  /** Frees backend resources held by the path. */
  dispose(): void;
}

/**
 * The starting state of a run: `resumeFrom` when given (validated against the matrix shape),
 * else {@link initialFactors} at epoch 0.
 */
export function startingState(
  numUsers: number,
  numItems: number,
  p: Pick<MfTrainOptions, 'factors' | 'initScale' | 'seed' | 'resumeFrom'>,
): MfCheckpoint {
  const r = p.resumeFrom;
  if (!r) return { epoch: 0, lossHistory: [], ...initialFactors(numUsers, numItems, p) };
  const k = p.factors;
  if (
    r.userFactors.length !== numUsers * k ||
    r.itemFactors.length !== numItems * k ||
    r.itemBias.length !== numItems ||
    !Number.isInteger(r.epoch) ||
    r.epoch < 0
  ) {
    throw new OptionError(
      `The checkpoint (epoch ${r.epoch}) does not match this training data (${numUsers} users × ${numItems} items × ${k} factors); start training from scratch.`,
    );
  }
  return r;
}

/**
 * Deterministic initial factors shared by every compute path: users first, then items, each
 * entry `normal() · initScale / √k` from `createRng(seed)`; item biases start at 0.
 */
export function initialFactors(
  numUsers: number,
  numItems: number,
  p: Pick<MfTrainOptions, 'factors' | 'initScale' | 'seed'>,
): { userFactors: Float32Array; itemFactors: Float32Array; itemBias: Float32Array } {
  const k = p.factors;
  const rng = createRng(p.seed);
  const scale = p.initScale / Math.sqrt(k);
  const userFactors = new Float32Array(numUsers * k);
  for (let i = 0; i < userFactors.length; i++) userFactors[i] = rng.normal() * scale;
  const itemFactors = new Float32Array(numItems * k);
  for (let i = 0; i < itemFactors.length; i++) itemFactors[i] = rng.normal() * scale;
  return { userFactors, itemFactors, itemBias: new Float32Array(numItems) };
}

/**
 * Observed confidences used by every compute path: c_ui = w_ui · |I_u|^(−δ), rescaled so the
 * mean confidence over stored entries equals the mean weight (δ = `userWeightExponent`).
 */
export function confidenceMatrix(
  matrix: CsrMatrix,
  userWeightExponent: number,
): CsrMatrix & { readonly userWeightNorm: number } {
  if (userWeightExponent === 0) return { ...matrix, userWeightNorm: 1 };
  const values = new Float32Array(matrix.values.length);
  let before = 0;
  let after = 0;
  for (let u = 0; u < matrix.rows; u++) {
    const start = matrix.indptr[u]!;
    const end = matrix.indptr[u + 1]!;
    const scale = Math.pow(end - start, -userWeightExponent);
    for (let p = start; p < end; p++) {
      before += matrix.values[p]!;
      values[p] = matrix.values[p]! * scale;
      after += values[p]!;
    }
  }
  const norm = after > 0 ? before / after : 1;
  for (let p = 0; p < values.length; p++) values[p]! *= norm;
  return { ...matrix, values, userWeightNorm: norm };
}
