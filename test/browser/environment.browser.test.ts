import { describe, expect, it } from 'vitest';

describe('browser test environment', () => {
  it('runs in Chromium with IndexedDB, workers and Web Locks', () => {
    expect(typeof indexedDB).toBe('object');
    expect(typeof Worker).toBe('function');
    expect(typeof navigator.locks?.request).toBe('function');
    expect(typeof BroadcastChannel).toBe('function');
  });

  it('exposes a WebGPU adapter (SwiftShader fallback without a GPU)', async () => {
    const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    expect(gpu).toBeDefined();
    const adapter = await gpu!.requestAdapter();
    expect(adapter).not.toBeNull();
  });
});
