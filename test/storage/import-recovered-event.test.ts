import { describe, expect, it } from 'vitest';
import type { StoreChange } from '../../src/storage';
import type { RecommenderEvent } from '../../src/worker';
import type { ServingModel } from '../../src/worker/serving-model';
import { createStoreChangeHandler } from '../../src/worker/store-change-handler';

function handle(change: StoreChange): RecommenderEvent[] {
  const events: RecommenderEvent[] = [];
  const refreshes: string[] = [];
  createStoreChangeHandler({
    // Model and catalog changes only: an interrupted import does not reach the serving model.
    serving: {} as ServingModel,
    scheduleProfileRefresh: () => refreshes.push('profile'),
    forgetAll: () => refreshes.push('forget'),
    emit: (event) => events.push(event),
    isDisposed: () => false,
  })(change);
  expect(refreshes).toEqual([]);
  return events;
}

describe("a recommender told of an interrupted import's rows", () => {
  const message = 'An earlier import of interactions was interrupted … they were removed.';

  it('explains it with a storage event, whichever tab undid it', () => {
    for (const remote of [false, true]) {
      expect(handle({ kind: 'import-recovered', removed: 5, message, remote })).toEqual([
        { type: 'storage', message },
      ]);
    }
  });
});
