import { interactionValueProblem } from '../core/data/parse/interaction-value';
import { EVENT_TYPES } from '../core/data/types';
import { DataError, HearthError, OptionError } from '../core/errors';
import type { RecommenderConfig, TrackEvent } from './recommender-types';

/** Throws an `OptionError` naming the first invalid numeric setting of `config`. */
export function checkConfig(config: RecommenderConfig): void {
  const { fineTuneAfterEvents: after, historyLimit: limit } = config;
  if (after !== undefined && !(Number.isInteger(after) && after >= 0)) {
    throw new OptionError(
      `fineTuneAfterEvents must be an integer ≥ 0 (got ${after}); 0 turns it off.`,
    );
  }
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) {
    throw new OptionError(`historyLimit must be an integer ≥ 1 (got ${limit}).`);
  }
}

/** Throws a `DataError` (`INVALID_ROW`) naming the field of `event` that cannot be stored. */
export function checkTrackEvent(event: TrackEvent): void {
  const where = `track(${JSON.stringify(event)})`;
  if (typeof event.itemId !== 'string' || event.itemId === '') {
    throw new DataError('INVALID_ROW', `${where}: itemId must be a non-empty string.`);
  }
  if (!(EVENT_TYPES as readonly string[]).includes(event.type)) {
    throw new DataError(
      'INVALID_ROW',
      `${where}: type must be one of ${EVENT_TYPES.join(', ')} (got "${String(event.type)}").`,
    );
  }
  for (const field of ['timestamp', 'value', 'revenue'] as const) {
    const v = event[field];
    if (v !== undefined && !Number.isFinite(v)) {
      throw new DataError('INVALID_ROW', `${where}: ${field} must be a finite number or omitted.`);
    }
  }
  // The same rules as an import, so what track() stores can be exported and imported back.
  if (event.timestamp !== undefined && event.timestamp < 0) {
    throw new DataError('INVALID_ROW', `${where}: timestamp must be ms since 1970 (≥ 0).`);
  }
  const problem = event.value === undefined ? null : interactionValueProblem(event.value);
  if (problem !== null) throw new DataError('INVALID_ROW', `${where}: value ${problem}.`);
  if (event.type === 'rating' && event.value === undefined) {
    throw new DataError('INVALID_ROW', `${where}: a rating event needs a value.`);
  }
}

/** The error every call on a disposed recommender rejects with. */
export const disposedError = (): HearthError =>
  new HearthError('DISPOSED', 'This recommender was disposed; create a new one.');

/** The message of an error, or the thrown value as text. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
