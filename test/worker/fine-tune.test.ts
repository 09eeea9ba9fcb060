import { describe, expect, it } from 'vitest';
import type { ModelBundle } from '../../src/core/bundle/model-bundle';
import { initialFactors } from '../../src/core/models/mf/mf-trainer';
import {
  createFineTuneScheduler,
  hasMultiUserData,
  warmStartCheckpoint,
} from '../../src/worker/fine-tune';
import { datasetFromRows } from '../fixtures/synthetic';

/** A bundle of 3 items with recognisable factors (k = 2): item j has factors [j+1, -(j+1)]. */
function bundleOf(itemIds: string[], k = 2): ModelBundle {
  const n = itemIds.length;
  const itemFactors = new Float32Array(n * k);
  for (let j = 0; j < n; j++)
    for (let d = 0; d < k; d++) itemFactors[j * k + d] = (j + 1) * (d % 2 ? -1 : 1);
  return {
    itemIds,
    mf: {
      factors: k,
      numItems: n,
      itemFactors,
      itemBias: Float32Array.from(itemIds, (_, j) => j / 10),
    },
  } as unknown as ModelBundle;
}

describe('warmStartCheckpoint', () => {
  const dataset = datasetFromRows([
    { user: 'u1', item: 'b' },
    { user: 'u1', item: 'new' },
    { user: 'u2', item: 'a' },
  ]);
  const options = { factors: 2, initScale: 0.1, seed: 7 };

  it('copies factors by item id, seeds unknown items and starts users at 0', () => {
    const c = warmStartCheckpoint(bundleOf(['a', 'b', 'c']), dataset, options)!;
    expect(c.epoch).toBe(0);
    expect(c.lossHistory).toEqual([]);
    // Dataset item order: b, new, a.
    expect([...c.itemFactors.subarray(0, 2)]).toEqual([2, -2]);
    expect([...c.itemFactors.subarray(4, 6)]).toEqual([1, -1]);
    expect(c.itemBias[0]).toBeCloseTo(0.1);
    expect(c.itemBias[2]).toBeCloseTo(0);
    const seeded = initialFactors(0, 3, options).itemFactors;
    expect([...c.itemFactors.subarray(2, 4)]).toEqual([...seeded.subarray(2, 4)]);
    expect(c.userFactors).toEqual(new Float32Array(2 * 2));
  });

  it('returns null when no item is known or the factor count differs', () => {
    expect(warmStartCheckpoint(bundleOf(['x', 'y']), dataset, options)).toBeNull();
    expect(warmStartCheckpoint(bundleOf(['a', 'b'], 3), dataset, options)).toBeNull();
  });
});

describe('hasMultiUserData', () => {
  it('needs at least two users', () => {
    const one = [
      { user: 'local', item: 'a' },
      { user: 'local', item: 'b' },
    ];
    expect(hasMultiUserData(datasetFromRows(one))).toBe(false);
    expect(hasMultiUserData(datasetFromRows([...one, { user: 'u2', item: 'b' }]))).toBe(true);
  });
});

describe('fine-tune scheduler', () => {
  function harness(afterEvents: number) {
    const scheduled: (() => void)[] = [];
    let cancelled = 0;
    let runs = 0;
    let finishRun: () => void = () => undefined;
    const errors: unknown[] = [];
    const scheduler = createFineTuneScheduler({
      afterEvents,
      schedule: (task) => {
        scheduled.push(task);
        return () => {
          cancelled++;
          scheduled.splice(scheduled.indexOf(task), 1);
        };
      },
      run: () => {
        runs++;
        return new Promise<void>((resolve) => (finishRun = resolve));
      },
      onError: (e) => errors.push(e),
    });
    return {
      scheduler,
      scheduled,
      errors,
      get runs() {
        return runs;
      },
      get cancelled() {
        return cancelled;
      },
      finish: async () => {
        finishRun();
        await new Promise((r) => setTimeout(r, 0));
      },
    };
  }

  it('schedules one idle run after enough events and runs it when idle', async () => {
    const h = harness(3);
    h.scheduler.noteEvents(2);
    expect(h.scheduled).toHaveLength(0);
    h.scheduler.noteEvents(1);
    h.scheduler.noteEvents(5);
    expect(h.scheduled).toHaveLength(1);
    h.scheduled.shift()!();
    expect(h.runs).toBe(1);
    // Events during a run re-arm only after it finished.
    h.scheduler.noteEvents(3);
    expect(h.scheduled).toHaveLength(0);
    await h.finish();
    expect(h.scheduled).toHaveLength(1);
  });

  it('is off with afterEvents 0, and reset/dispose cancel a scheduled run', () => {
    const off = harness(0);
    off.scheduler.noteEvents(1000);
    expect(off.scheduled).toHaveLength(0);

    const h = harness(1);
    h.scheduler.noteEvents(1);
    h.scheduler.reset();
    expect(h.cancelled).toBe(1);
    h.scheduler.noteEvents(1);
    h.scheduler.dispose();
    expect(h.cancelled).toBe(2);
    h.scheduler.noteEvents(5);
    expect(h.scheduled).toHaveLength(0);
  });

  it('reports a failed run and keeps working', async () => {
    const errors: unknown[] = [];
    const tasks: (() => void)[] = [];
    const scheduler = createFineTuneScheduler({
      afterEvents: 1,
      schedule: (task) => {
        tasks.push(task);
        return () => undefined;
      },
      run: () => Promise.reject(new Error('boom')),
      onError: (e) => errors.push(e),
    });
    scheduler.noteEvents(1);
    tasks.shift()!();
    await new Promise((r) => setTimeout(r, 0));
    expect(errors).toHaveLength(1);
    scheduler.noteEvents(1);
    expect(tasks).toHaveLength(1);
  });
});
