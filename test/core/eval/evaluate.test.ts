import { describe, expect, it } from 'vitest';
import type { CsrMatrix } from '../../../src/core/data/csr-matrix';
import { csrFromCoo } from '../../../src/core/data/csr-matrix';
import { OptionError } from '../../../src/core/errors';
import { evaluateScorer } from '../../../src/core/eval/evaluate';
import { ndcgAtK, recallAtK } from '../../../src/core/eval/metrics';
import type { Split } from '../../../src/core/eval/split';
import { topKIndices } from '../../../src/core/eval/top-k-indices';
import type { UserScorer } from '../../../src/core/models/scorer';
import { createRng } from '../../../src/core/random';

function matrix(rows: number, cols: number, lists: readonly (readonly number[])[]): CsrMatrix {
  const r: number[] = [];
  const c: number[] = [];
  lists.forEach((items, u) => {
    for (const i of items) {
      r.push(u);
      c.push(i);
    }
  });
  return csrFromCoo(rows, cols, Int32Array.from(r), Int32Array.from(c), null);
}

function split(cols: number, train: number[][], test: number[][]): Split {
  const t = matrix(train.length, cols, test);
  return {
    protocol: 'random',
    train: matrix(train.length, cols, train),
    test: t,
    evaluatedUsers: test.filter((x) => x.length > 0).length,
  };
}

/** A scorer that writes fixed scores per user and records which users were scored. */
function fakeScorer(
  scores: readonly (readonly number[] | null)[],
): UserScorer & { calls: number[] } {
  const calls: number[] = [];
  return {
    numItems: scores[0]?.length ?? 0,
    calls,
    scoreUser(user, out) {
      calls.push(user);
      const s = scores[user];
      if (!s) throw new Error(`user ${user} should not be scored`);
      out.set(s);
    },
  };
}

describe('evaluateScorer with a controlled ranking', () => {
  // user 0: train {0}, test {1, 2}; ranking without item 0: 1, 3, 4, 5, 2.
  // user 1: train {0, 4}, no test items: not evaluated.
  // user 2: train {1, 3} (scored highest, must be excluded), test {4}; ranking 2, 0, 4, 5.
  const data = split(6, [[0], [0, 4], [1, 3]], [[1, 2], [], [4]]);
  const scorer = fakeScorer([[10, 5, 1, 4, 3, 2], null, [2.5, 100, 3, 100, 2, 1]]);
  const metrics = evaluateScorer(scorer, data, { ks: [3, 1, 3] });

  it('scores only users with test items', () => {
    expect(scorer.calls).toEqual([0, 2]);
  });

  it('averages recall, NDCG and hit rate over evaluated users', () => {
    expect(metrics['recall@1']).toBeCloseTo((0.5 + 0) / 2, 12);
    expect(metrics['ndcg@1']).toBeCloseTo((1 + 0) / 2, 12);
    expect(metrics['hr@1']).toBeCloseTo(0.5, 12);
    expect(metrics['recall@3']).toBeCloseTo((0.5 + 1) / 2, 12);
    expect(metrics['ndcg@3']).toBeCloseTo((1 / (1 + 1 / Math.log2(3)) + 0.5) / 2, 6);
    expect(metrics['hr@3']).toBe(1);
  });

  it('computes MRR and AUC over the non-excluded items', () => {
    // user 0: item 1 is first → 1; user 2: items 2 and 0 above item 4 → 1/3.
    expect(metrics['mrr']).toBeCloseTo((1 + 1 / 3) / 2, 6);
    // user 0: positive 5 beats 3 negatives, positive 1 beats none → 3/6; user 2: 1 of 3.
    expect(metrics['auc']).toBeCloseTo((0.5 + 1 / 3) / 2, 6);
  });

  it('computes catalog coverage and novelty of the top-K lists', () => {
    expect(metrics['coverage@1']).toBeCloseTo(2 / 6, 12);
    expect(metrics['coverage@3']).toBeCloseTo(5 / 6, 12);
    // Popularity in train: item 0 by 2 of 3 users, items 1, 3, 4 by 1, items 2, 5 by none (→ 1).
    const l3 = Math.log2(3);
    expect(metrics['novelty@1']).toBeCloseTo(l3, 6);
    expect(metrics['novelty@3']).toBeCloseTo((l3 + (2 * l3 + Math.log2(1.5)) / 3) / 2, 6);
  });

  it('returns exactly the documented keys for deduplicated, sorted ks', () => {
    expect(Object.keys(metrics).sort()).toEqual(
      [
        'auc',
        'coverage@1',
        'coverage@3',
        'hr@1',
        'hr@3',
        'mrr',
        'ndcg@1',
        'ndcg@3',
        'novelty@1',
        'novelty@3',
        'recall@1',
        'recall@3',
      ].sort(),
    );
  });

  it('skips AUC on request', () => {
    const m = evaluateScorer(
      fakeScorer([[10, 5, 1, 4, 3, 2], null, [2.5, 100, 3, 100, 2, 1]]),
      data,
      {
        ks: [1],
        auc: false,
      },
    );
    expect(m['auc']).toBeUndefined();
    expect(m['mrr']).toBeCloseTo(2 / 3, 6);
  });

  it.each([[[]], [[0]], [[2.5]], [[-1, 10]]])('rejects ks %j', (ks) => {
    expect(() => evaluateScorer(fakeScorer([[1]]), data, { ks })).toThrow(OptionError);
  });

  it('matches a full sort on random scores with ties', () => {
    const rng = createRng(5);
    const users = 25;
    const n = 40;
    const train: number[][] = [];
    const test: number[][] = [];
    const scores: number[][] = [];
    for (let u = 0; u < users; u++) {
      const tr: number[] = [];
      const te: number[] = [];
      for (let i = 0; i < n; i++) {
        const r = rng.next();
        if (r < 0.2) tr.push(i);
        else if (r < 0.3) te.push(i);
      }
      train.push(tr);
      test.push(te);
      scores.push(Array.from({ length: n }, () => rng.int(8)));
    }
    const got = evaluateScorer(fakeScorer(scores), split(n, train, test), { ks: [5, 10] });
    for (const k of [5, 10]) {
      let recall = 0;
      let ndcg = 0;
      let evaluated = 0;
      for (let u = 0; u < users; u++) {
        if (test[u]!.length === 0) continue;
        evaluated++;
        const s = scores[u]!;
        const ranked = Array.from({ length: n }, (_, i) => i)
          .filter((i) => !train[u]!.includes(i))
          .sort((a, b) => s[b]! - s[a]! || a - b);
        const isTest = new Uint8Array(n);
        for (const i of test[u]!) isTest[i] = 1;
        recall += recallAtK(ranked, isTest, test[u]!.length, k);
        ndcg += ndcgAtK(ranked, isTest, test[u]!.length, k);
      }
      expect(got[`recall@${k}`]).toBeCloseTo(recall / evaluated, 10);
      expect(got[`ndcg@${k}`]).toBeCloseTo(ndcg / evaluated, 10);
    }
  });
});

describe('topKIndices', () => {
  it('returns the k best candidates, best first, ties by lower index', () => {
    const scores = Float32Array.from([3, 7, 7, 1, 9, 7]);
    expect(Array.from(topKIndices(scores, null, 4))).toEqual([4, 1, 2, 5]);
    expect(Array.from(topKIndices(scores, null, 1))).toEqual([4]);
  });

  it('skips non-candidates and returns fewer when there are not enough', () => {
    const scores = Float32Array.from([3, 7, 7, 1, 9, 7]);
    const candidate = Uint8Array.from([1, 0, 1, 1, 0, 0]);
    expect(Array.from(topKIndices(scores, candidate, 10))).toEqual([2, 0, 3]);
    expect(Array.from(topKIndices(scores, candidate, 0))).toEqual([]);
    expect(Array.from(topKIndices(scores, new Uint8Array(6), 3))).toEqual([]);
  });

  it('handles negative scores', () => {
    const scores = Float32Array.from([-5, -1, -3]);
    expect(Array.from(topKIndices(scores, null, 2))).toEqual([1, 2]);
  });
});

describe('evaluateScorer per-user NDCG', () => {
  it('reports each evaluated user once, and their mean is ndcg@k', () => {
    const s = split(4, [[0], [1], [2]], [[1, 2], [], [3]]);
    const scorer = fakeScorer([[0, 0.9, 0.1, 0.5], null, [0.2, 0.1, 0, 0.8]]);
    const seen = new Map<number, number>();
    const metrics = evaluateScorer(scorer, s, {
      ks: [2, 1],
      auc: false,
      onUserNdcg: (u, v) => seen.set(u, v),
    });
    expect([...seen.keys()]).toEqual([0, 2]);
    expect((seen.get(0)! + seen.get(2)!) / 2).toBeCloseTo(metrics['ndcg@1']!, 12);
  });
});
