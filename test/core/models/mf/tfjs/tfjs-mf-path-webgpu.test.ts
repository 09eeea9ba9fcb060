import * as tf from '@tensorflow/tfjs-core';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BackendError } from '../../../../../src/core/errors';
import { detectCapabilities } from '../../../../../src/core/compute/capabilities';
import { chooseComputePath } from '../../../../../src/core/compute/choose-compute-path';
import { createTypedMfPath } from '../../../../../src/core/models/mf/train-typed';
import { trainWithFallback } from '../../../../../src/core/models/mf/train-with-fallback';
import { createTfjsMfPath } from '../../../../../src/core/models/mf/tfjs/tfjs-mf-path';
import { SMALL_OPTIONS, maxAbsDiff, plantedMatrix } from './fixtures';

/**
 * WebGPU in Node through Dawn (the `webgpu` npm package). On a machine without a GPU, Dawn gets
 * a SwiftShader adapter from Debian's chromium package: run with
 * `LD_LIBRARY_PATH=/usr/lib/chromium` (or install libvulkan1); VK_ICD_FILENAMES is set here.
 */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

interface DawnModule {
  create(flags: string[]): { requestAdapter(): Promise<unknown> };
  globals: Record<string, unknown>;
}

async function installWebGpu(): Promise<string | null> {
  if (process.env.VK_ICD_FILENAMES === undefined && existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  let dawn: DawnModule;
  try {
    // The specifier is a variable so a missing optional package does not fail the transform.
    const specifier = process.env.HEARTH_WEBGPU_MODULE ?? 'webgpu';
    dawn = (await import(/* @vite-ignore */ specifier)) as DawnModule;
  } catch {
    return 'the `webgpu` package (Dawn for Node) is not installed: npm i -D webgpu';
  }
  const gpu = dawn.create([]);
  if (!(await gpu.requestAdapter().catch(() => null))) {
    return `no WebGPU adapter (GPU, or SwiftShader via ${SWIFTSHADER_ICD} + LD_LIBRARY_PATH=/usr/lib/chromium)`;
  }
  Object.assign(globalThis, dawn.globals);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  return null;
}

const skipReason = await installWebGpu();
if (skipReason) console.warn(`Skipping WebGPU tests: ${skipReason}`);

// SwiftShader runs WebGPU on the CPU, 10–100× slower than the typed path: keep the problem tiny.
const matrix = plantedMatrix(60, 40, 4, 9, false, 0.4, 0.05);
const options = { ...SMALL_OPTIONS, factors: 8, epochs: 3 };

describe.skipIf(skipReason !== null)('TF.js webgpu path (Dawn in Node)', () => {
  it.each(['sparse', 'dense'] as const)(
    '%s formulation agrees with the typed path and frees its tensors',
    async (formulation) => {
      const reference = await createTypedMfPath().train(matrix, options);
      const path = await createTfjsMfPath({ backend: 'webgpu', formulation });
      await path.train(matrix, { ...options, epochs: 1 });
      const before = tf.memory().numTensors;
      const result = await path.train(matrix, options);
      expect(tf.memory().numTensors).toBe(before);
      expect(result.computePath).toBe('webgpu');
      expect(maxAbsDiff(result.model.itemFactors, reference.model.itemFactors)).toBeLessThan(5e-4);
      expect(maxAbsDiff(result.model.itemBias, reference.model.itemBias)).toBeLessThan(5e-4);
      expect(maxAbsDiff(result.userFactors, reference.userFactors)).toBeLessThan(5e-4);
      expect(result.lossHistory[2]!).toBeLessThan(result.lossHistory[0]!);
    },
  );

  it('is detected as a software adapter and skipped by the automatic choice', async () => {
    const caps = await detectCapabilities();
    expect(caps.webgpu.apiPresent).toBe(true);
    expect(caps.webgpu.adapter?.isSoftware).toBe(true);
    const { report } = await chooseComputePath({
      createTyped: createTypedMfPath,
      candidates: ['webgpu', 'typed'],
      capabilities: caps,
    });
    expect(report.chosen).toBe('typed');
    expect(report.candidates[0]!.skipReason).toMatch(/software\) adapter/);
  });

  it('can still be chosen explicitly', async () => {
    const { path, report } = await chooseComputePath({
      createTyped: createTypedMfPath,
      preferred: 'webgpu',
    });
    expect(path.name).toBe('webgpu');
    expect(report.chosen).toBe('webgpu');
  });
});

/** The WebGPU device of TF.js' active webgpu backend. */
function activeDevice(): {
  destroy(): void;
  createBuffer(d: { size: number; usage: number }): void;
} {
  return (tf.backend() as unknown as { device: ReturnType<typeof activeDevice> }).device;
}

describe.skipIf(skipReason !== null)('WebGPU device loss (Dawn in Node)', () => {
  it('aborts with BACKEND_FAILED "WebGPU device lost" and the next run gets a fresh device', async () => {
    const path = await createTfjsMfPath({ backend: 'webgpu' });
    const epochs: number[] = [];
    const error: unknown = await path
      .train(matrix, {
        ...options,
        epochs: 4,
        onProgress: (p) => {
          epochs.push(p.epoch);
          if (p.epoch === 1) activeDevice().destroy();
        },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(error).toMatchObject({ code: 'BACKEND_FAILED' });
    expect((error as Error).message).toMatch(/^WebGPU device lost: .*destroyed/);
    expect(epochs).toEqual([1]);
    const reference = await createTypedMfPath().train(matrix, options);
    const again = await path.train(matrix, options);
    expect(maxAbsDiff(again.userFactors, reference.userFactors)).toBeLessThan(5e-4);
  });

  it('turns an uncaptured device error into BACKEND_FAILED "WebGPU device error"', async () => {
    const path = await createTfjsMfPath({ backend: 'webgpu' });
    const error: unknown = await path
      .train(matrix, {
        ...options,
        onProgress: (p) => {
          // MAP_READ | MAP_WRITE together is invalid: a validation error nobody captures.
          if (p.epoch === 2) activeDevice().createBuffer({ size: 4, usage: 3 });
        },
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BACKEND_FAILED' });
    expect((error as Error).message).toMatch(/^WebGPU device error: GPUValidationError/);
  });

  it('hands over to the typed path from the last checkpoint after a device loss', async () => {
    const reference = await createTypedMfPath().train(matrix, { ...options, epochs: 5 });
    const webgpu = await createTfjsMfPath({ backend: 'webgpu' });
    const result = await trainWithFallback({
      matrix,
      train: {
        ...options,
        epochs: 5,
        onProgress: (p) => {
          if (p.epoch === 2 && tf.getBackend() === 'webgpu') activeDevice().destroy();
        },
      },
      order: [webgpu, createTypedMfPath()],
    });
    expect(result.computePath).toBe('typed');
    expect(result.resumedFromEpoch).toBe(1);
    expect(result.fallbacks).toHaveLength(1);
    expect(result.fallbacks[0]!.error.message).toMatch(/^WebGPU device lost/);
    expect(maxAbsDiff(result.userFactors, reference.userFactors)).toBeLessThan(5e-4);
    expect(maxAbsDiff(result.model.itemFactors, reference.model.itemFactors)).toBeLessThan(5e-4);
  });
});
