// All three binaries are imported so that the build emits them side by side (vite.config.ts keeps
// their names): TF.js picks one at runtime from a single URL prefix.
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

const binaries = [wasmUrl, wasmSimdUrl, wasmThreadedUrl].map((url) => new URL(url, location.href));

/** URL prefix (ending in `/`) where the TF.js WASM binaries are served. */
export const TFJS_WASM_PREFIX = new URL('./', binaries[1]!).href;
