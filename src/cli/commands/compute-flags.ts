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
import { CONFIDENCE_KINDS, type ConfidenceKind } from '../../core/tune/confidence';
import { DEFAULT_TUNE_BUDGET_MS } from '../../core/tune/tune-model';
import type { FixedSettings } from '../../core/tune/tune-types';
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
  { name: 'factors', type: 'number', description: 'MF embedding dimension (default: tuned)' },
  { name: 'epochs', type: 'number', description: 'MF epochs (default: tuned)' },
  {
    name: 'regularization',
    type: 'number',
    description: 'MF λ, frequency-scaled L2 strength (default: tuned)',
  },
  {
    name: 'unobserved-weight',
    type: 'number',
    description: 'MF α₀, weight of the "not interacted" term (default: tuned)',
  },
  {
    name: 'user-weight-exponent',
    type: 'number',
    description: 'MF δ, confidences scaled by |I_u|^(−δ) (default: tuned)',
  },
  {
    name: 'bias-scale',
    type: 'number',
    description: 'MF β, item-bias multiplier at scoring (default: tuned)',
  },
  {
    name: 'confidence',
    type: 'string',
    description: 'How pair weights become confidences: binary|log|linear (default: tuned)',
  },
  {
    name: 'no-tune',
    type: 'boolean',
    description: 'Skip tuning: MF with the fixed defaults (flags still override them)',
  },
  {
    name: 'tune-budget',
    type: 'number',
    description: `Tuning time budget in seconds (default ${DEFAULT_TUNE_BUDGET_MS / 1000})`,
  },
  { name: 'seed', type: 'number', defaultValue: 42, description: 'Random seed (split and model)' },
];

const NODE_PATHS: readonly (ComputePathName | 'auto')[] = ['auto', 'typed', 'wasm', 'cpu'];

/** MF hyper-parameters settable from the command line, with their flag names and valid ranges. */
const MF_FLAGS = [
  ['factors', 'factors', (v: number) => Number.isInteger(v) && v >= 1, 'a positive integer'],
  ['epochs', 'epochs', (v: number) => Number.isInteger(v) && v >= 1, 'a positive integer'],
  ['regularization', 'regularization', (v: number) => v > 0, 'a positive number'],
  ['unobserved-weight', 'unobservedWeight', (v: number) => v >= 0, 'a number ≥ 0'],
  ['user-weight-exponent', 'userWeightExponent', (v: number) => v >= 0 && v <= 1, 'in [0, 1]'],
  ['bias-scale', 'biasScale', (v: number) => v >= 0, 'a number ≥ 0'],
] as const;

/** The MF options {@link mfOverrides} can set. */
export type MfFlagOverrides = Partial<
  Pick<
    MfTrainOptions,
    | 'factors'
    | 'epochs'
    | 'regularization'
    | 'unobservedWeight'
    | 'userWeightExponent'
    | 'biasScale'
  >
>;

/** MF overrides from the flags; throws an `OptionError` naming the flag when a value is invalid. */
export function mfOverrides(flags: ParsedFlags): MfFlagOverrides {
  const out: { -readonly [K in keyof MfFlagOverrides]: number } = {};
  for (const [flag, key, valid, what] of MF_FLAGS) {
    if (flags[flag] === undefined) continue;
    const v = Number(flags[flag]);
    if (!Number.isFinite(v) || !valid(v)) {
      throw new OptionError(`--${flag} must be ${what} (got "${String(flags[flag])}").`);
    }
    out[key] = v;
  }
  return out;
}

/** What the tuning flags ask for: tune or not, the budget and the settings fixed by flags. */
export interface TuneFlags {
  readonly tune: boolean;
  readonly budgetMs: number;
  readonly fixed: FixedSettings;
}

/** Reads `--no-tune`, `--tune-budget`, `--confidence` and the MF flags (which fix settings). */
export function tuneFlags(flags: ParsedFlags): TuneFlags {
  const budget = flags['tune-budget'];
  if (budget !== undefined && !(Number(budget) > 0)) {
    throw new OptionError(
      `--tune-budget must be a positive number of seconds (got "${String(budget)}").`,
    );
  }
  const confidence = flags['confidence'];
  if (
    confidence !== undefined &&
    !CONFIDENCE_KINDS.includes(String(confidence) as ConfidenceKind)
  ) {
    throw new OptionError(
      `--confidence must be one of ${CONFIDENCE_KINDS.join(', ')} (got "${String(confidence)}").`,
    );
  }
  return {
    tune: flags['no-tune'] !== true,
    budgetMs: budget !== undefined ? Number(budget) * 1000 : DEFAULT_TUNE_BUDGET_MS,
    fixed: {
      ...mfOverrides(flags),
      ...(confidence !== undefined ? { confidence: String(confidence) as ConfidenceKind } : {}),
    },
  };
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
