import { OptionError } from '../../core/errors';
import type { MfComputePath } from '../../core/models/mf/mf-trainer';
import type { FlagSpec, ParsedFlags } from '../cli-args';
import type { CliContext } from '../cli-context';
import {
  createThreadedMfPath,
  DEFAULT_MIN_THREADED_PAIRS,
  defaultThreadCount,
} from './threaded-mf-path';

/** Most threads `--threads` accepts. */
const MAX_THREADS = 256;

/** `--threads`: worker threads for MF training on the typed path. */
export const THREAD_FLAGS: readonly FlagSpec[] = [
  {
    name: 'threads',
    type: 'number',
    description: 'Worker threads for MF training on the typed path (default: all cores; 1 = none)',
  },
];

/** The `--threads` value, or the available cores; an `OptionError` naming the flag when invalid. */
export function threadCount(flags: ParsedFlags): number {
  const raw = flags['threads'];
  if (raw === undefined) return defaultThreadCount();
  const threads = Number(raw);
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new OptionError(
      `--threads must be an integer from 1 to ${MAX_THREADS} (got "${String(raw)}").`,
    );
  }
  return threads;
}

/**
 * The compute path a command trains on, spread over `--threads` worker threads when it is the
 * typed path (TF.js paths keep their own threading). Says so on stderr unless `--quiet`.
 */
export function withTrainThreads(
  flags: ParsedFlags,
  compute: { readonly path: MfComputePath; readonly reason: string },
  ctx: CliContext,
): { path: MfComputePath; reason: string } {
  const threads = threadCount(flags);
  if (compute.path.name !== 'typed' || threads <= 1) return compute;
  compute.path.dispose();
  if (!ctx.quiet) {
    ctx.stderr.write(
      `training threads: ${threads} (from ${DEFAULT_MIN_THREADED_PAIRS.toLocaleString('en-US')} user–item pairs; fewer train in one)\n`,
    );
  }
  return {
    path: createThreadedMfPath({ threads }),
    reason: `${compute.reason}; ${threads} worker threads`,
  };
}
