import type { ComputeCapabilities } from '../core/compute/capabilities';
import { OptionError } from '../core/errors';
import { detectCapabilities } from '../core/compute/capabilities';
import type { ComputeChoiceReport } from '../core/compute/choose-compute-path';
import { chooseComputePath } from '../core/compute/choose-compute-path';
import type { ComputePathName, MfComputePath } from '../core/models/mf/mf-trainer';
import type { TfjsWasmPaths } from '../core/models/mf/tfjs/tfjs-backends';
import { createTfjsMfPath } from '../core/models/mf/tfjs/tfjs-mf-path';
import { createTypedMfPath } from '../core/models/mf/train-typed';
import { createParallelMfPath, parallelHelperCount, type ParallelMfPath } from './parallel-mf-path';

/** The compute paths of one training run: the chosen one first, then the fallbacks, `typed` last. */
export interface ComputePlan {
  readonly order: readonly MfComputePath[];
  readonly report: ComputeChoiceReport;
}

/**
 * Compute paths kept for the lifetime of a recommender: the capability probe and the `auto`
 * warm-up run once, TF.js backends are created once and reused by later runs.
 */
export interface ComputePathPool {
  capabilities(): Promise<ComputeCapabilities>;
  /** Picks the path (`auto` measures once, then reuses the choice) and orders the fallbacks. */
  plan(preferred: ComputePathName | 'auto'): Promise<ComputePlan>;
  /** The path of that name (created on first use). */
  get(name: ComputePathName): Promise<MfComputePath>;
  /** Workers that trained the typed path's last run (1, or more with helper workers). */
  typedWorkers(): Promise<number>;
  /** Frees every path. */
  dispose(): void;
}

/** Options of {@link createComputePathPool}. */
export interface ComputePathPoolOptions {
  /** Where the TF.js `wasm` backend finds its binaries. */
  readonly wasmPaths?: TfjsWasmPaths;
  /** Most workers the typed path trains on, this one included (default: one per core, ≤ 8). */
  readonly maxWorkers?: number;
}

/** Creates a {@link ComputePathPool}. */
export function createComputePathPool(options: ComputePathPoolOptions = {}): ComputePathPool {
  const paths = new Map<ComputePathName, Promise<MfComputePath>>();
  const reports = new Map<ComputePathName | 'auto', ComputeChoiceReport>();
  let caps: Promise<ComputeCapabilities> | null = null;
  const capabilities = (): Promise<ComputeCapabilities> => (caps ??= detectCapabilities());
  // On a cross-origin isolated page the typed path also trains on helper workers.
  const { maxWorkers = Infinity } = options;
  // Checked here, on the first training, to keep the check off the serving bundle.
  if (!(maxWorkers >= 1 && (Number.isInteger(maxWorkers) || maxWorkers === Infinity))) {
    throw new OptionError(`trainingWorkers must be an integer ≥ 1 (got ${maxWorkers}).`);
  }
  const helpers = Math.min(parallelHelperCount(), maxWorkers - 1);
  const createTyped = (): MfComputePath =>
    helpers > 0 ? createParallelMfPath({ helpers }) : createTypedMfPath();
  const create = (name: ComputePathName): Promise<MfComputePath> =>
    name === 'typed'
      ? Promise.resolve(createTyped())
      : createTfjsMfPath({
          backend: name,
          ...(options.wasmPaths !== undefined && { wasmPaths: options.wasmPaths }),
        });
  const get = (name: ComputePathName): Promise<MfComputePath> => {
    let path = paths.get(name);
    if (!path) {
      path = create(name);
      paths.set(name, path);
      // A backend that failed to start may start next time (e.g. after a lost device).
      path.catch(() => paths.delete(name));
    }
    return path;
  };
  /** A fallback path created only if training actually falls back to it. */
  const lazy = (name: ComputePathName): MfComputePath => ({
    name,
    train: async (matrix, trainOptions) => (await get(name)).train(matrix, trainOptions),
    dispose() {},
  });

  return {
    capabilities,
    get,
    async plan(preferred) {
      let report = reports.get(preferred);
      if (!report) {
        const chosen = await chooseComputePath({
          preferred,
          createTyped,
          capabilities: await capabilities(),
          ...(options.wasmPaths !== undefined && { wasmPaths: options.wasmPaths }),
        });
        report = chosen.report;
        reports.set(preferred, report);
        const existing = paths.get(report.chosen);
        if (existing) chosen.path.dispose();
        else paths.set(report.chosen, Promise.resolve(chosen.path));
      }
      const names: ComputePathName[] = [report.chosen];
      for (const c of report.candidates) {
        if (c.available && c.warmupMs !== undefined && !names.includes(c.name)) names.push(c.name);
      }
      if (!names.includes('typed')) names.push('typed');
      return { order: names.map(lazy), report };
    },
    async typedWorkers() {
      const typed = await paths.get('typed')?.catch(() => null);
      return typed && 'lastWorkers' in typed ? (typed as ParallelMfPath).lastWorkers() : 1;
    },
    dispose() {
      for (const path of paths.values()) path.then((p) => p.dispose()).catch(() => undefined);
      paths.clear();
      reports.clear();
    },
  };
}
