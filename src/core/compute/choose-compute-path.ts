import { CancelledError } from '../errors';
import type { ComputePathName, MfComputePath } from '../models/mf/mf-trainer';
import type { TfjsWasmPaths } from '../models/mf/tfjs/tfjs-backends';
import { createTfjsMfPath } from '../models/mf/tfjs/tfjs-mf-path';
import type { ComputeCapabilities } from './capabilities';
import { detectCapabilities } from './capabilities';
import { WARMUP_TRAIN_OPTIONS, createWarmupMatrix } from './warmup-problem';

/** One candidate compute path in a {@link ComputeChoiceReport}. */
export interface ComputeCandidateReport {
  readonly name: ComputePathName;
  /** The environment offers what the path needs (it may still be skipped, see `skipReason`). */
  readonly available: boolean;
  /** Why the path was not run or not considered; absent when it was measured or chosen. */
  readonly skipReason?: string;
  /** Warm-up milliseconds per epoch after the first (compilation) epoch, when measured. */
  readonly warmupMs?: number;
}

/** What {@link chooseComputePath} decided, and why. */
export interface ComputeChoiceReport {
  readonly chosen: ComputePathName;
  /** Human-readable explanation of the choice. */
  readonly reason: string;
  readonly candidates: readonly ComputeCandidateReport[];
  readonly capabilities: ComputeCapabilities;
  /** Wall time spent creating and warming up candidates. */
  readonly elapsedMs: number;
}

/** Options of {@link chooseComputePath}. */
export interface ChooseComputePathOptions {
  /** A path name forces that path (no warm-up; throws if it cannot start); `auto` (default) chooses. */
  readonly preferred?: ComputePathName | 'auto';
  /** Paths to consider, default `webgpu`, `webgl`, `wasm`, `typed` (TF.js `cpu` never beats `typed`). */
  readonly candidates?: readonly ComputePathName[];
  /** Measure each usable candidate on a small synthetic problem (default true); else use a fixed order. */
  readonly warmup?: boolean;
  /** Creates the typed-array path (passed in so this module does not depend on it). */
  readonly createTyped: () => MfComputePath;
  /** Where the `wasm` backend finds its binaries (see `createTfjsMfPath`). */
  readonly wasmPaths?: TfjsWasmPaths;
  /** Use these capabilities instead of probing (a cached probe, or tests). */
  readonly capabilities?: ComputeCapabilities;
  /** Give up on one candidate's warm-up after this many ms (default 5,000). */
  readonly warmupTimeoutMs?: number;
}

const DEFAULT_CANDIDATES: readonly ComputePathName[] = ['webgpu', 'webgl', 'wasm', 'typed'];
/** Order used without warm-up: hardware GPUs first; `typed` matched TF.js WASM when measured. */
const STATIC_ORDER: readonly ComputePathName[] = ['webgpu', 'webgl', 'typed', 'wasm', 'cpu'];
const SOFTWARE_SLOW = 'measured 10–100× slower than the typed-array path';

/** Whether the environment offers a path, and a reason to skip it without measuring. */
function staticVerdict(
  name: ComputePathName,
  caps: ComputeCapabilities,
): { available: boolean; skipReason?: string } {
  switch (name) {
    case 'typed':
    case 'cpu':
      return { available: true };
    case 'wasm':
      return caps.wasm.available
        ? { available: true }
        : { available: false, skipReason: 'WebAssembly not available' };
    case 'webgpu': {
      if (!caps.webgpu.apiPresent)
        return { available: false, skipReason: 'WebGPU not available (no navigator.gpu)' };
      const adapter = caps.webgpu.adapter;
      if (!adapter) return { available: false, skipReason: 'no WebGPU adapter' };
      if (adapter.isSoftware) {
        const what = adapter.isFallbackAdapter ? 'fallback (software) adapter' : 'software adapter';
        const label = [adapter.vendor, adapter.architecture].filter((s) => s !== '').join(' ');
        return {
          available: true,
          skipReason: `${what}${label ? ` (${label})` : ''}: ${SOFTWARE_SLOW}`,
        };
      }
      return { available: true };
    }
    case 'webgl':
      if (!caps.webgl2.available) return { available: false, skipReason: 'WebGL2 not available' };
      if (caps.webgl2.isSoftware) {
        return {
          available: true,
          skipReason: `software WebGL renderer (${caps.webgl2.renderer ?? 'unknown'}): ${SOFTWARE_SLOW}`,
        };
      }
      return { available: true };
  }
}

async function createPath(
  name: ComputePathName,
  o: ChooseComputePathOptions,
): Promise<MfComputePath> {
  if (name === 'typed') return o.createTyped();
  return createTfjsMfPath(
    o.wasmPaths !== undefined ? { backend: name, wasmPaths: o.wasmPaths } : { backend: name },
  );
}

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** Trains the warm-up problem; returns ms per epoch after the first (compilation) epoch. */
async function measure(path: MfComputePath, timeoutMs: number): Promise<number> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const result = await path.train(createWarmupMatrix(), {
      ...WARMUP_TRAIN_OPTIONS,
      signal: controller.signal,
    });
    // The fastest epoch after the first (compilation): robust to a busy machine.
    return Math.min(...result.epochMs.slice(1));
  } finally {
    clearTimeout(timer);
  }
}

/** A TF.js path must beat the typed path's warm-up by this factor to be chosen. */
const TYPED_PREFERENCE = 1.25;

const fmt = (ms: number): string => (ms >= 10 ? ms.toFixed(0) : ms.toFixed(1));

/**
 * Picks the compute path for MF training. With `preferred` set to a path name, creates exactly
 * that path (throwing `BackendError` `BACKEND_UNAVAILABLE` if it cannot start). Otherwise probes
 * capabilities, skips paths the environment lacks or that run on software GPUs, warms each
 * remaining candidate up on a small synthetic problem and keeps the fastest per-epoch time (or,
 * with `warmup: false`, the first usable path of webgpu > webgl > typed > wasm > cpu). The
 * report lists every candidate with its availability, skip reason or measured time.
 */
export async function chooseComputePath(
  options: ChooseComputePathOptions,
): Promise<{ path: MfComputePath; report: ComputeChoiceReport }> {
  const started = performance.now();
  const caps = options.capabilities ?? (await detectCapabilities());
  const preferred = options.preferred ?? 'auto';
  const names = [...(options.candidates ?? DEFAULT_CANDIDATES)];
  if (preferred !== 'auto' && !names.includes(preferred)) names.push(preferred);
  const finish = (
    path: MfComputePath,
    reason: string,
    candidates: ComputeCandidateReport[],
  ): { path: MfComputePath; report: ComputeChoiceReport } => ({
    path,
    report: Object.freeze({
      chosen: path.name,
      reason,
      candidates: Object.freeze(candidates.map((c) => Object.freeze(c))),
      capabilities: caps,
      elapsedMs: performance.now() - started,
    }),
  });

  if (preferred !== 'auto') {
    const path = await createPath(preferred, options);
    const candidates = names.map((name): ComputeCandidateReport => {
      const { available } = staticVerdict(name, caps);
      if (name === preferred) return { name, available: true };
      return {
        name,
        available,
        skipReason: `not considered: "${preferred}" was chosen explicitly`,
      };
    });
    return finish(path, `explicit choice: "${preferred}"`, candidates);
  }

  const reports = new Map<ComputePathName, ComputeCandidateReport>();
  const usable: { name: ComputePathName; path: MfComputePath; ms: number }[] = [];
  const warmup = options.warmup ?? true;
  const order = warmup
    ? names
    : [...names].sort((a, b) => STATIC_ORDER.indexOf(a) - STATIC_ORDER.indexOf(b));
  let chosenStatic: MfComputePath | null = null;
  for (const name of order) {
    const verdict = staticVerdict(name, caps);
    if (verdict.skipReason !== undefined || !verdict.available || chosenStatic) {
      reports.set(name, {
        name,
        available: verdict.available,
        skipReason:
          verdict.skipReason ?? 'not needed: an earlier path in the fixed order was usable',
      });
      continue;
    }
    let path: MfComputePath;
    try {
      path = await createPath(name, options);
    } catch (error) {
      reports.set(name, { name, available: false, skipReason: messageOf(error) });
      continue;
    }
    if (!warmup) {
      chosenStatic = path;
      reports.set(name, { name, available: true });
      continue;
    }
    try {
      const ms = await measure(path, options.warmupTimeoutMs ?? 5000);
      usable.push({ name, path, ms });
      reports.set(name, { name, available: true, warmupMs: ms });
    } catch (error) {
      path.dispose();
      const why =
        error instanceof CancelledError
          ? 'warm-up took too long'
          : `warm-up failed: ${messageOf(error)}`;
      reports.set(name, { name, available: true, skipReason: why });
    }
  }
  const candidates = names.map((name) => reports.get(name)!);
  if (chosenStatic)
    return finish(chosenStatic, `first usable path in the fixed order (no warm-up)`, candidates);

  // The typed path wins near-ties: it needs no backend, cannot lose a device and is deterministic,
  // and the small warm-up under-represents how it scales against TF.js dispatch overheads.
  const effective = (u: { name: ComputePathName; ms: number }): number =>
    u.name === 'typed' ? u.ms / TYPED_PREFERENCE : u.ms;
  usable.sort((a, b) => effective(a) - effective(b));
  const best = usable[0];
  if (!best) {
    // Nothing usable among the candidates: the typed path needs nothing and always works.
    const typed = options.createTyped();
    return finish(typed, 'no candidate was usable; fell back to the typed-array path', candidates);
  }
  for (const other of usable.slice(1)) other.path.dispose();
  const others = usable
    .slice(1)
    .map((u) => `${u.name} ${fmt(u.ms)} ms`)
    .join(', ');
  const reason =
    `fastest warm-up: ${best.name} ${fmt(best.ms)} ms/epoch` +
    (others ? ` (vs ${others})` : ' (only usable path)');
  return finish(best.path, reason, candidates);
}
