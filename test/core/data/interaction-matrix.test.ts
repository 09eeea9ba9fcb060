import { describe, expect, it } from 'vitest';
import { toInteractionMatrix } from '../../../src/core/data/interaction-matrix';
import {
  InteractionLogBuilder,
  type InteractionDataset,
} from '../../../src/core/data/interaction-log';
import { DEFAULT_EVENT_WEIGHTS, eventTypeCode, type EventType } from '../../../src/core/data/types';
import { Vocabulary } from '../../../src/core/data/vocabulary';
import { OptionError } from '../../../src/core/errors';

function dataset(rows: [string, string, EventType, number?][]): InteractionDataset {
  const userVocab = new Vocabulary();
  const itemVocab = new Vocabulary();
  const builder = new InteractionLogBuilder();
  for (const [user, item, type, value] of rows) {
    builder.push(userVocab.add(user), itemVocab.add(item), eventTypeCode(type), value ?? NaN, NaN);
  }
  return { userVocab, itemVocab, columns: builder.build() };
}

/** Dense rows × cols view for easy comparison. */
function dense(m: ReturnType<typeof toInteractionMatrix>): number[][] {
  const out = Array.from({ length: m.rows }, () => new Array<number>(m.cols).fill(0));
  for (let r = 0; r < m.rows; r++) {
    for (let p = m.indptr[r]!; p < m.indptr[r + 1]!; p++) out[r]![m.indices[p]!] = m.values[p]!;
  }
  return out;
}

describe('toInteractionMatrix', () => {
  const data = dataset([
    ['u1', 'a', 'view'],
    ['u1', 'a', 'purchase'], // duplicates sum: 1 + 8
    ['u1', 'b', 'view'],
    ['u1', 'b', 'dismiss'], // 1 - 4 < 0: dropped
    ['u2', 'c', 'cart'],
    ['u2', 'a', 'rating', 2],
    ['u2', 'b', 'rating', 5],
  ]);

  it('weights rows by event type with the default weights and sums duplicates', () => {
    const m = toInteractionMatrix(data);
    expect([m.rows, m.cols]).toEqual([2, 3]);
    expect(dense(m)).toEqual([
      [DEFAULT_EVENT_WEIGHTS.view + DEFAULT_EVENT_WEIGHTS.purchase, 0, 0],
      [1, 1, 4],
    ]);
    expect(Array.from(m.indices)).toEqual([0, 0, 1, 2]);
  });

  it('uses custom weights, zero weights skip rows', () => {
    const weights = { ...DEFAULT_EVENT_WEIGHTS, view: 0, purchase: 3, rating: 0.5 };
    expect(dense(toInteractionMatrix(data, { weights }))).toEqual([
      [3, 0, 0],
      [0.5, 0.5, 4],
    ]);
  });

  it('makes every positive pair 1 when binary', () => {
    expect(dense(toInteractionMatrix(data, { binary: true }))).toEqual([
      [1, 0, 0],
      [1, 1, 1],
    ]);
  });

  it('ignores rating rows below minValue but keeps other events', () => {
    expect(dense(toInteractionMatrix(data, { minValue: 4 }))).toEqual([
      [9, 0, 0],
      [0, 1, 4],
    ]);
  });

  it('rejects non-finite weights and minValue', () => {
    expect(() =>
      toInteractionMatrix(data, { weights: { ...DEFAULT_EVENT_WEIGHTS, view: NaN } }),
    ).toThrow(OptionError);
    expect(() => toInteractionMatrix(data, { minValue: Infinity })).toThrow(OptionError);
  });
});
