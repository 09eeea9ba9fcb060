/** What is known about the WebGPU adapter the browser (or runtime) offers. */
export interface WebGpuAdapterSummary {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** The adapter says it is a fallback adapter (typically a CPU implementation). */
  readonly isFallbackAdapter: boolean;
  /** A fallback adapter or a known software rasterizer (SwiftShader, llvmpipe, lavapipe, WARP). */
  readonly isSoftware: boolean;
}

/** WebGPU support. */
export interface WebGpuCapability {
  /** `navigator.gpu` exists. */
  readonly apiPresent: boolean;
  /** The high-performance adapter, or null when none is offered. */
  readonly adapter: WebGpuAdapterSummary | null;
}

/** WebGL2 support. */
export interface WebGl2Capability {
  readonly available: boolean;
  /** Unmasked renderer string where the browser exposes it. */
  readonly renderer: string | null;
  /** The renderer is a known software rasterizer. */
  readonly isSoftware: boolean;
}

/** WebAssembly support. */
export interface WasmCapability {
  readonly available: boolean;
  readonly simd: boolean;
  /** Threads (shared memory + atomics) usable: needs cross-origin isolation in browsers. */
  readonly threads: boolean;
}

/** Compute features of the current environment, all feature-detected (safe in Node and workers). */
export interface ComputeCapabilities {
  readonly webgpu: WebGpuCapability;
  readonly webgl2: WebGl2Capability;
  readonly wasm: WasmCapability;
  readonly crossOriginIsolated: boolean;
  /** Logical processors reported by `navigator.hardwareConcurrency` (1 when unknown). */
  readonly hardwareConcurrency: number;
}

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render/i;

/** Minimal structural WebGPU types (TS's DOM lib has none). */
interface AdapterInfoLike {
  readonly vendor?: string;
  readonly architecture?: string;
  readonly device?: string;
  readonly description?: string;
  readonly isFallbackAdapter?: boolean;
}
interface AdapterLike {
  readonly info?: AdapterInfoLike;
  readonly isFallbackAdapter?: boolean;
  requestAdapterInfo?: () => Promise<AdapterInfoLike>;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<AdapterLike | null>;
}
interface NavigatorLike {
  readonly gpu?: GpuLike;
  readonly hardwareConcurrency?: number;
}

function navigatorLike(): NavigatorLike | undefined {
  return (globalThis as { navigator?: NavigatorLike }).navigator;
}

/** Summarizes an adapter from its info, whichever API generation the browser implements. */
export function summarizeAdapter(
  info: AdapterInfoLike,
  fallbackFlag: boolean,
): WebGpuAdapterSummary {
  const vendor = info.vendor ?? '';
  const architecture = info.architecture ?? '';
  const device = info.device ?? '';
  const description = info.description ?? '';
  const isFallbackAdapter = info.isFallbackAdapter ?? fallbackFlag;
  const names = `${vendor} ${architecture} ${device} ${description}`;
  return {
    vendor,
    architecture,
    device,
    description,
    isFallbackAdapter,
    isSoftware: isFallbackAdapter || SOFTWARE_RENDERER.test(names),
  };
}

async function detectWebGpu(): Promise<WebGpuCapability> {
  const gpu = navigatorLike()?.gpu;
  if (!gpu || typeof gpu.requestAdapter !== 'function') return { apiPresent: false, adapter: null };
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return { apiPresent: true, adapter: null };
    const info =
      adapter.info ?? (adapter.requestAdapterInfo ? await adapter.requestAdapterInfo() : {});
    return {
      apiPresent: true,
      adapter: summarizeAdapter(info, adapter.isFallbackAdapter === true),
    };
  } catch {
    return { apiPresent: true, adapter: null };
  }
}

/** Minimal structural WebGL2 and canvas types, so the engine's types need no DOM lib. */
interface WebGl2Like {
  readonly RENDERER: number;
  getExtension(
    name: 'WEBGL_debug_renderer_info',
  ): { readonly UNMASKED_RENDERER_WEBGL: number } | null;
  getExtension(name: 'WEBGL_lose_context'): { loseContext(): void } | null;
  getParameter(name: number): unknown;
}
interface CanvasLike {
  getContext(kind: 'webgl2'): WebGl2Like | null;
}
interface CanvasGlobals {
  readonly OffscreenCanvas?: new (width: number, height: number) => CanvasLike;
  readonly document?: { createElement?(tag: 'canvas'): CanvasLike };
}

function createCanvas(): CanvasLike | null {
  const g = globalThis as CanvasGlobals;
  if (typeof g.OffscreenCanvas === 'function') return new g.OffscreenCanvas(1, 1);
  const doc = g.document;
  return doc && typeof doc.createElement === 'function' ? doc.createElement('canvas') : null;
}

function detectWebGl2(): WebGl2Capability {
  try {
    const gl = createCanvas()?.getContext('webgl2') ?? null;
    if (!gl) return { available: false, renderer: null, isSoftware: false };
    const debugInfo = gl.getExtension('WEBGL_debug_renderer_info');
    const raw: unknown = gl.getParameter(
      debugInfo ? debugInfo.UNMASKED_RENDERER_WEBGL : gl.RENDERER,
    );
    const renderer = typeof raw === 'string' ? raw : null;
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return {
      available: true,
      renderer,
      isSoftware: renderer !== null && SOFTWARE_RENDERER.test(renderer),
    };
  } catch {
    return { available: false, renderer: null, isSoftware: false };
  }
}

// Tiny modules from wasm-feature-detect: one SIMD instruction; one atomic on shared memory.
const SIMD_PROBE = [
  0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9, 1, 7, 0, 65, 0, 253, 15, 26,
  11,
];
const THREADS_PROBE = [
  0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 5, 4, 1, 3, 1, 1, 10, 11, 1, 9, 0, 65,
  0, 254, 16, 2, 0, 26, 11,
];

function validates(bytes: readonly number[]): boolean {
  try {
    return WebAssembly.validate(new Uint8Array(bytes));
  } catch {
    return false;
  }
}

/** `sharedMemoryAllowed`: cross-origin isolated, or a runtime without that notion (Node). */
function detectWasm(sharedMemoryAllowed: boolean): WasmCapability {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') {
    return { available: false, simd: false, threads: false };
  }
  const shared = typeof SharedArrayBuffer === 'function';
  return {
    available: true,
    simd: validates(SIMD_PROBE),
    threads: shared && sharedMemoryAllowed && validates(THREADS_PROBE),
  };
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const child of Object.values(value)) {
    if (child !== null && typeof child === 'object') deepFreeze(child as object);
  }
  return Object.freeze(value);
}

/**
 * Probes WebGPU (adapter and its info), WebGL2 (and whether its renderer is software), WebAssembly
 * SIMD/threads, cross-origin isolation and the processor count. Never throws; safe in browsers,
 * workers and Node. Returns a frozen object.
 */
export async function detectCapabilities(): Promise<ComputeCapabilities> {
  const flag = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  const isolated = flag === true;
  const concurrency = navigatorLike()?.hardwareConcurrency;
  return deepFreeze({
    webgpu: await detectWebGpu(),
    webgl2: detectWebGl2(),
    wasm: detectWasm(isolated || flag === undefined),
    crossOriginIsolated: isolated,
    hardwareConcurrency: typeof concurrency === 'number' && concurrency > 0 ? concurrency : 1,
  });
}
