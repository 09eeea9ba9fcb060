import type { ComputeCapabilities } from '../../core/compute/capabilities';
import type { ComputePathName } from '../../core/models/mf/mf-trainer';

/** Paths offered in the override select, fastest-on-real-hardware first. */
export const PATH_OPTIONS: readonly ComputePathName[] = ['webgpu', 'webgl', 'wasm', 'typed'];

/** Human names of the compute paths. */
export const PATH_LABELS: Record<ComputePathName, string> = {
  webgpu: 'WebGPU',
  webgl: 'WebGL2',
  wasm: 'WebAssembly (TF.js)',
  typed: 'Typed arrays (JavaScript + WASM SIMD kernels)',
  cpu: 'TF.js CPU',
};

/** What this browser offers for `path`, in a few words (for the select and the summary). */
export function pathAvailability(path: ComputePathName, caps: ComputeCapabilities): string {
  switch (path) {
    case 'webgpu': {
      if (!caps.webgpu.apiPresent) return 'not in this browser';
      const adapter = caps.webgpu.adapter;
      if (!adapter) return 'no adapter';
      const name = [adapter.vendor, adapter.architecture, adapter.description]
        .filter((s) => s !== '')
        .join(' ');
      return `${adapter.isSoftware ? 'software adapter' : 'GPU'}${name ? `: ${name}` : ''}`;
    }
    case 'webgl':
      if (!caps.webgl2.available) return 'not available';
      return `${caps.webgl2.isSoftware ? 'software renderer' : 'GPU'}${caps.webgl2.renderer ? `: ${caps.webgl2.renderer}` : ''}`;
    case 'wasm':
      if (!caps.wasm.available) return 'not available';
      return `SIMD ${caps.wasm.simd ? 'yes' : 'no'}, threads ${caps.wasm.threads ? 'yes' : 'no'}`;
    case 'typed':
    case 'cpu':
      return `${caps.hardwareConcurrency} logical cores`;
  }
}
