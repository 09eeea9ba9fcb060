import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import { describe, expect, it } from 'vitest';
import { detectCapabilities } from '../../src/core/compute/capabilities';
import { chooseComputePath } from '../../src/core/compute/choose-compute-path';
import { createTypedMfPath } from '../../src/core/models/mf/train-typed';

const WASM_PATHS = new URL('./', new URL(wasmSimdUrl, location.href)).href;

/** Every nested object of `value` is frozen. */
function deeplyFrozen(value: object): boolean {
  return (
    Object.isFrozen(value) &&
    Object.values(value).every((v) => v === null || typeof v !== 'object' || deeplyFrozen(v))
  );
}

describe('compute capabilities in headless Chromium (SwiftShader, no GPU)', () => {
  it('reports a software WebGPU adapter, software WebGL2, WASM SIMD, in a frozen object', async () => {
    const caps = await detectCapabilities();
    console.info(JSON.stringify(caps));
    expect(deeplyFrozen(caps)).toBe(true);
    expect(caps.webgpu.apiPresent).toBe(true);
    expect(caps.webgpu.adapter).not.toBeNull();
    expect(caps.webgpu.adapter!.isSoftware).toBe(true);
    // Chromium marks SwiftShader as the fallback adapter, or names it in the adapter info.
    const { vendor, architecture, device, description, isFallbackAdapter } = caps.webgpu.adapter!;
    expect(
      isFallbackAdapter ||
        /swiftshader/i.test(`${vendor} ${architecture} ${device} ${description}`),
    ).toBe(true);
    expect(caps.webgl2.available).toBe(true);
    expect(caps.webgl2.renderer).toMatch(/swiftshader/i);
    expect(caps.webgl2.isSoftware).toBe(true);
    expect(caps.wasm).toMatchObject({ available: true, simd: true });
    expect(caps.hardwareConcurrency).toBeGreaterThanOrEqual(1);
  });

  it('chooses a CPU path automatically and says why it skipped each other candidate', async () => {
    const { path, report } = await chooseComputePath({
      preferred: 'auto',
      createTyped: createTypedMfPath,
      wasmPaths: WASM_PATHS,
    });
    try {
      console.info(JSON.stringify({ ...report, capabilities: undefined }));
      expect(Object.isFrozen(report)).toBe(true);
      expect(report.candidates.map((c) => c.name)).toEqual(['webgpu', 'webgl', 'wasm', 'typed']);
      expect(['wasm', 'typed']).toContain(report.chosen);
      expect(path.name).toBe(report.chosen);
      expect(report.reason).toMatch(/^fastest warm-up: (wasm|typed) /);
      for (const candidate of report.candidates) {
        if (candidate.name === report.chosen) {
          expect(candidate.warmupMs).toBeGreaterThan(0);
          expect(candidate.skipReason).toBeUndefined();
        } else if (candidate.warmupMs === undefined) {
          expect(candidate.skipReason).toMatch(/\S/);
        }
      }
      const byName = new Map(report.candidates.map((c) => [c.name, c]));
      expect(byName.get('webgpu')).toMatchObject({ available: true });
      expect(byName.get('webgpu')!.skipReason).toMatch(/software\) adapter|software adapter/);
      expect(byName.get('webgl')!.skipReason).toMatch(/^software WebGL renderer/);
      // Both CPU paths ran the warm-up (the loser is reported with its time, not skipped).
      expect(byName.get('wasm')!.warmupMs).toBeGreaterThan(0);
      expect(byName.get('typed')!.warmupMs).toBeGreaterThan(0);
    } finally {
      path.dispose();
    }
  });
});
