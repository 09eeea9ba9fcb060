import { describe, expect, it } from 'vitest';
import { detectCapabilities, summarizeAdapter } from '../../../src/core/compute/capabilities';

describe('detectCapabilities', () => {
  it('feature-detects Node without crashing: no WebGPU, no WebGL2, WASM with SIMD', async () => {
    const caps = await detectCapabilities();
    expect(caps.webgpu).toEqual({ apiPresent: false, adapter: null });
    expect(caps.webgl2).toEqual({ available: false, renderer: null, isSoftware: false });
    expect(caps.wasm.available).toBe(true);
    expect(caps.wasm.simd).toBe(true);
    expect(typeof caps.wasm.threads).toBe('boolean');
    expect(caps.crossOriginIsolated).toBe(false);
    expect(caps.hardwareConcurrency).toBeGreaterThanOrEqual(1);
  });

  it('returns a deeply frozen object', async () => {
    const caps = await detectCapabilities();
    expect(Object.isFrozen(caps)).toBe(true);
    expect(Object.isFrozen(caps.wasm)).toBe(true);
    expect(Object.isFrozen(caps.webgpu)).toBe(true);
  });

  it('reads a WebGPU adapter through navigator.gpu when present', async () => {
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    const adapter = {
      info: { vendor: 'acme', architecture: 'rdna-9', device: '', description: 'Acme GPU' },
    };
    Object.defineProperty(globalThis, 'navigator', {
      value: { gpu: { requestAdapter: () => Promise.resolve(adapter) }, hardwareConcurrency: 12 },
      configurable: true,
    });
    try {
      const caps = await detectCapabilities();
      expect(caps.webgpu.apiPresent).toBe(true);
      expect(caps.webgpu.adapter).toEqual({
        vendor: 'acme',
        architecture: 'rdna-9',
        device: '',
        description: 'Acme GPU',
        isFallbackAdapter: false,
        isSoftware: false,
      });
      expect(caps.hardwareConcurrency).toBe(12);
    } finally {
      if (saved) Object.defineProperty(globalThis, 'navigator', saved);
      else delete (globalThis as { navigator?: unknown }).navigator;
    }
  });
});

describe('summarizeAdapter', () => {
  it('flags fallback adapters and known software rasterizers as software', () => {
    expect(
      summarizeAdapter({ vendor: 'google', architecture: 'swiftshader' }, false).isSoftware,
    ).toBe(true);
    expect(
      summarizeAdapter({ description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }, false).isSoftware,
    ).toBe(true);
    const fallback = summarizeAdapter({ vendor: 'x' }, true);
    expect(fallback.isFallbackAdapter).toBe(true);
    expect(fallback.isSoftware).toBe(true);
    expect(summarizeAdapter({ vendor: 'nvidia', architecture: 'ada' }, false).isSoftware).toBe(
      false,
    );
  });

  it('prefers the info flag over the deprecated adapter flag', () => {
    expect(summarizeAdapter({ isFallbackAdapter: false }, true).isFallbackAdapter).toBe(false);
  });
});
