import { createRequire } from 'node:module';
import { dirname } from 'node:path';

export * from './planted';

/** Directory of the `@tensorflow/tfjs-backend-wasm` binaries in this checkout (with trailing `/`). */
export const NODE_WASM_PATHS = `${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`;
