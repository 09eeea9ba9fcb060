import { describe, expect, it } from 'vitest';
import type { ComputeCapabilities } from '../../../src/core/compute/capabilities';
import { chooseComputePath } from '../../../src/core/compute/choose-compute-path';
import { createWarmupMatrix } from '../../../src/core/compute/warmup-problem';
import { BackendError } from '../../../src/core/errors';
import { createTypedMfPath } from '../../../src/core/models/mf/train-typed';
import { NODE_WASM_PATHS } from '../models/mf/tfjs/fixtures';

/** Capabilities of a CPU-only machine whose browser offers a SwiftShader WebGPU adapter. */
const SOFTWARE_GPU: ComputeCapabilities = {
  webgpu: {
    apiPresent: true,
    adapter: {
      vendor: 'google',
      architecture: 'swiftshader',
      device: '',
      description: '',
      isFallbackAdapter: true,
      isSoftware: true,
    },
  },
  webgl2: { available: false, renderer: null, isSoftware: false },
  wasm: { available: true, simd: true, threads: false },
  crossOriginIsolated: false,
  hardwareConcurrency: 2,
};

const base = {
  createTyped: createTypedMfPath,
  wasmPaths: NODE_WASM_PATHS,
  capabilities: SOFTWARE_GPU,
};

describe('chooseComputePath', () => {
  it('skips unavailable and software paths, warms the rest up and picks the fastest', async () => {
    const { path, report } = await chooseComputePath(base);
    const byName = new Map(report.candidates.map((c) => [c.name, c]));
    expect(report.candidates.map((c) => c.name)).toEqual(['webgpu', 'webgl', 'wasm', 'typed']);
    expect(byName.get('webgpu')).toMatchObject({ available: true });
    expect(byName.get('webgpu')!.skipReason).toMatch(
      /^fallback \(software\) adapter \(google swiftshader\)/,
    );
    expect(byName.get('webgpu')!.warmupMs).toBeUndefined();
    expect(byName.get('webgl')).toEqual({
      name: 'webgl',
      available: false,
      skipReason: 'WebGL2 not available',
    });
    const measured = ['wasm', 'typed'].map((n) => byName.get(n as 'wasm' | 'typed')!);
    for (const m of measured) {
      expect(m.available).toBe(true);
      expect(m.skipReason).toBeUndefined();
      expect(m.warmupMs).toBeGreaterThan(0);
    }
    const fastest = measured.reduce((a, b) => (a.warmupMs! <= b.warmupMs! ? a : b));
    expect(report.chosen).toBe(fastest.name);
    expect(path.name).toBe(fastest.name);
    expect(report.reason).toContain(`fastest warm-up: ${fastest.name}`);
    expect(report.capabilities).toBe(SOFTWARE_GPU);
    expect(Object.isFrozen(report)).toBe(true);
    path.dispose();
  });

  it('without warm-up takes the first usable path in the fixed order', async () => {
    const { path, report } = await chooseComputePath({ ...base, warmup: false });
    expect(report.chosen).toBe('typed');
    expect(path.name).toBe('typed');
    expect(report.candidates.find((c) => c.name === 'wasm')!.skipReason).toMatch(/^not needed/);
    expect(report.candidates.every((c) => c.warmupMs === undefined)).toBe(true);
  });

  it('honours an explicit choice without warm-up but still reports every candidate', async () => {
    const { path, report } = await chooseComputePath({ ...base, preferred: 'cpu' });
    expect(path.name).toBe('cpu');
    expect(report.chosen).toBe('cpu');
    expect(report.reason).toBe('explicit choice: "cpu"');
    expect(report.candidates.map((c) => c.name)).toEqual([
      'webgpu',
      'webgl',
      'wasm',
      'typed',
      'cpu',
    ]);
    expect(report.candidates.find((c) => c.name === 'cpu')).toEqual({
      name: 'cpu',
      available: true,
    });
    expect(report.candidates.find((c) => c.name === 'webgl')).toMatchObject({
      available: false,
      skipReason: 'not considered: "cpu" was chosen explicitly',
    });
  });

  it('throws BACKEND_UNAVAILABLE when the explicit choice cannot start', async () => {
    const error: unknown = await chooseComputePath({ ...base, preferred: 'webgpu' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BackendError);
    expect(error).toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
  });

  it('reports a candidate that fails to start as unavailable with the reason', async () => {
    const lying: ComputeCapabilities = {
      ...SOFTWARE_GPU,
      webgl2: { available: true, renderer: 'Acme', isSoftware: false },
    };
    const { report } = await chooseComputePath({
      ...base,
      capabilities: lying,
      candidates: ['webgl', 'typed'],
    });
    expect(report.chosen).toBe('typed');
    const webgl = report.candidates.find((c) => c.name === 'webgl')!;
    expect(webgl.available).toBe(false);
    expect(webgl.skipReason).toMatch(/WebGL2/);
  });
});

describe('createWarmupMatrix', () => {
  it('is deterministic, 2000 × 500, with skewed item popularity', () => {
    const a = createWarmupMatrix();
    const b = createWarmupMatrix();
    expect(a.rows).toBe(2000);
    expect(a.cols).toBe(500);
    expect(Array.from(a.indices)).toEqual(Array.from(b.indices));
    const counts = new Int32Array(a.cols);
    for (const c of a.indices) counts[c]!++;
    expect(counts[0]!).toBeGreaterThan(5 * counts[a.cols - 1]!);
  });
});
