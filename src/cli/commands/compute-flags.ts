import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { OptionError } from '../../core/errors';
import { chooseComputePath } from '../../core/compute/choose-compute-path';
import type {
  ComputePathName,
  MfComputePath,
  MfTrainOptions,
} from '../../core/models/mf/mf-trainer';
import { createTypedMfPath } from '../../core/models/mf/train-typed';
import type { FlagSpec, ParsedFlags } from '../cli-args';
import type { CliContext } from '../cli-context';

/** Flags that pick the compute path and MF hyper-parameters. */
export const COMPUTE_FLAGS: readonly FlagSpec[] = [
  {
    name: 'backend',
    type: 'string',
    defaultValue: 'auto',
    description: 'auto|typed|wasm|cpu (compute path)',
  },
  { name: 'factors', type: 'number', description: 'MF embedding dimension (default 64)' },
  { name: 'epochs', type: 'number', description: 'MF epochs (default tuned)' },
  { name: 'seed', type: 'number', defaultValue: 42, description: 'Random seed (split and model)' },
];

const NODE_PATHS: readonly (ComputePathName | 'auto')[] = ['auto', 'typed', 'wasm', 'cpu'];

/** MF overrides from the flags. */
export function mfOverrides(
  flags: ParsedFlags,
): Partial<Pick<MfTrainOptions, 'factors' | 'epochs'>> {
  const out: { factors?: number; epochs?: number } = {};
  if (flags['factors'] !== undefined) out.factors = Number(flags['factors']);
  if (flags['epochs'] !== undefined) out.epochs = Number(flags['epochs']);
  return out;
}

/** Folder (with trailing slash) of the TF.js WASM binaries inside node_modules; Node reads files. */
function nodeWasmPaths(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return `${join(dirname(pkg), 'dist')}/`;
}

/** Checks --backend before any slow work (parsing) starts. */
export function validateBackendFlag(flags: ParsedFlags): void {
  const preferred = String(flags['backend']) as ComputePathName | 'auto';
  if (!NODE_PATHS.includes(preferred)) {
    throw new OptionError(
      `--backend must be one of ${NODE_PATHS.join(', ')} in Node (got "${preferred}"); ` +
        'WebGPU and WebGL run in the browser.',
    );
  }
}

/** Creates the compute path the flags ask for (auto: measured choice) and says why. */
export async function resolveComputePath(
  flags: ParsedFlags,
  ctx: CliContext,
): Promise<{ path: MfComputePath; reason: string }> {
  validateBackendFlag(flags);
  const preferred = String(flags['backend']) as ComputePathName | 'auto';
  const { path, report } = await chooseComputePath({
    preferred,
    candidates: ['wasm', 'typed'],
    createTyped: createTypedMfPath,
    wasmPaths: preferred === 'wasm' || preferred === 'auto' ? nodeWasmPaths() : '',
  });
  if (!ctx.quiet) ctx.stderr.write(`compute path: ${report.chosen} (${report.reason})\n`);
  return { path, reason: report.reason };
}
