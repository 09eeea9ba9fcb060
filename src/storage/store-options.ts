import { OptionError } from '../core/errors';
import { DEFAULT_DB_NAME } from './hearth-db-schema';
import type { QuotaSimulator } from './quota';
import { checkRetention } from './retention';
import type { HearthStoreOptions, RetentionPolicy } from './store-types';

/** Visitor id of events stored without one. */
const DEFAULT_VISITOR_ID = 'local';
const DEFAULT_ERASE_TIMEOUT_MS = 5000;

/** {@link HearthStoreOptions} with defaults applied and checked. */
export interface ResolvedOptions {
  readonly dbName: string;
  readonly visitorId: string;
  readonly retention: RetentionPolicy;
  readonly now: () => number;
  readonly eraseTimeoutMs: number;
  readonly quotaSimulator: QuotaSimulator | undefined;
}

/**
 * Applies defaults to {@link HearthStoreOptions} and checks them.
 *
 * @throws OptionError naming the option that is out of range.
 */
export function resolveOptions(options: HearthStoreOptions): ResolvedOptions {
  const dbName = options.dbName ?? DEFAULT_DB_NAME;
  if (typeof dbName !== 'string' || dbName === '')
    throw new OptionError('dbName must be a non-empty string.');
  const visitorId = options.visitorId ?? DEFAULT_VISITOR_ID;
  if (typeof visitorId !== 'string' || visitorId === '')
    throw new OptionError('visitorId must be a non-empty string.');
  const retention = options.retention ?? {};
  checkRetention(retention);
  const eraseTimeoutMs = options.eraseTimeoutMs ?? DEFAULT_ERASE_TIMEOUT_MS;
  if (!(eraseTimeoutMs > 0))
    throw new OptionError(`eraseTimeoutMs must be a positive number, got ${eraseTimeoutMs}.`);
  return {
    dbName,
    visitorId,
    retention,
    now: options.now ?? Date.now,
    eraseTimeoutMs,
    quotaSimulator: options.quotaSimulator,
  };
}
