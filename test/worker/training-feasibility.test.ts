import { afterEach, describe, expect, it } from 'vitest';
import { createLocalRecommender } from '../../src/worker/local-recommender';
import type { Recommender, RecommenderEvent } from '../../src/worker/recommender-types';
import { createMemoryStore } from './memory-store';

const MF = { factors: 4, epochs: 3 } as const;
let dbCounter = 0;
const opened: Recommender[] = [];

afterEach(() => {
  for (const r of opened.splice(0)) r.dispose();
});

function open(): { r: Recommender; events: RecommenderEvent[] } {
  const r = createLocalRecommender(
    { dbName: `feasibility-${++dbCounter}`, fineTuneAfterEvents: 0 },
    { createStore: createMemoryStore, scheduleIdle: () => () => undefined },
  );
  opened.push(r);
  const events: RecommenderEvent[] = [];
  r.on((e) => events.push(e));
  return { r, events };
}

/** One visitor's 11 events on 4 different items: trainable, too few to hold any out. */
const ELEVEN_OWN_EVENTS = [
  'user_id,item_id,event,timestamp',
  ...Array.from({ length: 11 }, (_, i) => `me,p${i % 4},click,${1_700_000_000 + i}`),
].join('\n');

describe('training on data too small to evaluate', () => {
  for (const tune of [false, true]) {
    it(`#13 11 own events with evaluate${tune ? ' and tune' : ''}: the model is kept and served, quality reported unmeasured`, async () => {
      const { r, events } = open();
      await r.importInteractions(ELEVEN_OWN_EVENTS);
      const report = await r.train({ backend: 'typed', mf: MF, evaluate: true, tune });
      expect(report.epochs).toBe(MF.epochs);
      expect(report.metrics).toBeUndefined();
      expect(report.evaluationSkipped).toContain('at least one shopper with 5 different items');
      expect(report.evaluationSkipped).toContain('1 shopper with at most 4 different items');
      expect(events).toContainEqual({
        type: 'model-changed',
        version: report.modelVersion,
        source: 'trained',
      });
      const row = await r.recommend({ type: 'for-you', history: [], k: 3 });
      expect(row.source).not.toBe('none');
    });
  }

  it('evaluates as before when one shopper has 5 different items', async () => {
    const { r } = open();
    const csv = [
      'user_id,item_id,event,timestamp',
      ...Array.from({ length: 12 }, (_, i) => `me,p${i % 6},click,${1_700_000_000 + i}`),
      ...Array.from({ length: 12 }, (_, i) => `you,p${(i % 6) + 3},click,${1_700_000_100 + i}`),
    ].join('\n');
    await r.importInteractions(csv);
    const report = await r.train({ backend: 'typed', mf: MF, evaluate: true });
    expect(report.evaluationSkipped).toBeUndefined();
    expect(Object.keys(report.metrics!.model)).toContain('ndcg@10');
  });
});
