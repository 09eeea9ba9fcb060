import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '../../../errors';
import type { TfjsBackendName } from './tfjs-backends';

/** Minimal structural view of a `GPUDevice` (TS's DOM lib has no WebGPU types). */
interface GpuDeviceLike {
  readonly lost: Promise<{ readonly reason?: string; readonly message?: string }>;
  addEventListener(type: 'uncapturederror', listener: (event: GpuErrorEventLike) => void): void;
  removeEventListener(type: 'uncapturederror', listener: (event: GpuErrorEventLike) => void): void;
}
interface GpuErrorEventLike {
  readonly error?: { readonly message?: string; readonly constructor?: { readonly name?: string } };
}

/** Minimal structural view of TF.js's WebGL context (the engine's types need no DOM lib). */
interface WebGlContextLike {
  readonly canvas: unknown;
  isContextLost(): boolean;
}
/** The canvas events a lost WebGL context fires. */
interface CanvasEventsLike {
  addEventListener(type: 'webglcontextlost', listener: () => void): void;
  removeEventListener(type: 'webglcontextlost', listener: () => void): void;
}

/** What the active TF.js backend exposes of its device (present on webgpu / webgl only). */
interface BackendDevices {
  readonly device?: GpuDeviceLike;
  readonly gpgpu?: { readonly gl?: WebGlContextLike };
}

/**
 * Watches the active TF.js backend's GPU device during a training run. WebGPU: `device.lost` and
 * uncaptured device errors (out of memory, validation); WebGL: context loss. CPU backends never
 * lose their device.
 */
export interface DeviceLossWatch {
  /** The error describing the loss once the device was lost or failed, else null. */
  readonly failure: BackendError | null;
  /** Throws {@link DeviceLossWatch.failure} when set (call at epoch boundaries). */
  check(): void;
  /**
   * Settles like `work`, but rejects with the loss error as soon as the device is lost: a
   * read-back from a lost device may never settle.
   */
  guard<T>(work: Promise<T>): Promise<T>;
  /**
   * Waits up to `ms` for a loss report and returns {@link DeviceLossWatch.failure}: a read-back
   * can fail (e.g. "mapAsync … unmapped") just before the device reports why. Immediate on
   * backends without a GPU device.
   */
  settle(ms: number): Promise<BackendError | null>;
  /** Removes the listeners. */
  dispose(): void;
}

const RECOVERY = 'Train again, or continue on another compute path from the last checkpoint.';

function lostError(what: string, detail: string): BackendError {
  const trimmed = detail.trim().replace(/\.$/, '');
  return new BackendError('BACKEND_FAILED', `${what}: ${trimmed}. ${RECOVERY}`);
}

/**
 * Starts watching the device of `backend`, which must be TF.js' active backend. Errors are all
 * `BackendError` `BACKEND_FAILED`, with messages starting "WebGPU device lost: …",
 * "WebGPU device error: …" or "WebGL context lost: …".
 */
export function watchDeviceLoss(backend: TfjsBackendName): DeviceLossWatch {
  let failure: BackendError | null = null;
  let fail: (error: BackendError) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = (error) => {
      if (failure) return;
      failure = error;
      reject(error);
    };
  });
  // Nobody may be awaiting `failed` when the device goes; that must not be an unhandled rejection.
  failed.catch(() => {});
  let disposed = false;
  const cleanups: (() => void)[] = [];
  /** The backend has a GPU device or context to lose. */
  let watching = false;
  /** Polls for a loss that raised no event (WebGL reports context loss lazily). */
  let probe = (): void => {};
  const devices = tf.backend() as unknown as BackendDevices;

  if (backend === 'webgpu' && devices.device) {
    const device = devices.device;
    watching = true;
    void device.lost.then((info) => {
      if (disposed) return;
      const detail = [info.message, info.reason && `reason "${info.reason}"`]
        .filter((s) => typeof s === 'string' && s !== '')
        .join(', ');
      fail(lostError('WebGPU device lost', detail || 'no details given'));
    });
    const onError = (event: GpuErrorEventLike): void => {
      const kind = event.error?.constructor?.name ?? 'GPUError';
      fail(lostError('WebGPU device error', `${kind}: ${event.error?.message ?? 'unknown'}`));
    };
    device.addEventListener('uncapturederror', onError);
    cleanups.push(() => device.removeEventListener('uncapturederror', onError));
  } else if (backend === 'webgl' && devices.gpgpu?.gl) {
    const gl = devices.gpgpu.gl;
    watching = true;
    const canvas = gl.canvas as CanvasEventsLike;
    const onLost = (): void => fail(lostError('WebGL context lost', 'the browser dropped it'));
    canvas.addEventListener('webglcontextlost', onLost);
    cleanups.push(() => canvas.removeEventListener('webglcontextlost', onLost));
    probe = () => {
      if (!failure && gl.isContextLost()) onLost();
    };
  }
  return {
    get failure() {
      probe();
      return failure;
    },
    check() {
      probe();
      if (failure) throw failure;
    },
    guard: (work) => Promise.race([work, failed]),
    async settle(ms) {
      probe();
      if (failure || !watching) return failure;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
      await Promise.race([failed.catch(() => {}), timeout]);
      clearTimeout(timer);
      probe();
      return failure;
    },
    dispose() {
      disposed = true;
      for (const cleanup of cleanups) cleanup();
    },
  };
}

const lostDevices = new WeakSet<object>();
const trackedDevices = new WeakSet<object>();

function devicesOf(backend: TfjsBackendName): BackendDevices | null {
  if (backend !== 'webgpu' && backend !== 'webgl') return null;
  // The engine's registry, not findBackend(): that would start a backend not yet initialised.
  return (tf.engine().registry[backend] as unknown as BackendDevices | undefined) ?? null;
}

/**
 * Starts remembering when the registered `backend` instance's WebGPU device is lost (even while
 * nothing trains), for {@link hasLostDevice}. No-op on other backends.
 */
export function trackDeviceLoss(backend: TfjsBackendName): void {
  const device = devicesOf(backend)?.device;
  if (!device || trackedDevices.has(device)) return;
  trackedDevices.add(device);
  void device.lost.then(() => lostDevices.add(device));
}

/**
 * Whether the registered `backend` instance has lost its GPU device (WebGPU, as tracked by
 * {@link trackDeviceLoss}) or context (WebGL): TF.js keeps using a dead one, so it must be replaced.
 */
export function hasLostDevice(backend: TfjsBackendName): boolean {
  const devices = devicesOf(backend);
  if (!devices) return false;
  if (devices.device) return lostDevices.has(devices.device);
  return devices.gpgpu?.gl?.isContextLost() ?? false;
}
