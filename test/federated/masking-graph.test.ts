import { describe, expect, it } from 'vitest';
import {
  createMaskingGraph,
  isConnectedAmong,
  maskingGraphSeed,
  maskingParamsFor,
  memberKeyDigest,
  maskingParamsProblem,
  minimumMaskingDegree,
} from '../../src/federated/masking-graph';

const seed = (b: number): Uint8Array => new Uint8Array(32).fill(b);
const range = (n: number): number[] => Array.from({ length: n }, (_, j) => j);

describe('masking parameters', () => {
  it('complete graph for small cohorts, majority threshold by default', () => {
    expect(maskingParamsFor({ cohort: 3, degree: 128, thresholdFraction: 0.5 })).toEqual({
      degree: 2,
      threshold: 2,
    });
    expect(maskingParamsFor({ cohort: 100, degree: 128, thresholdFraction: 0.5 })).toEqual({
      degree: 99,
      threshold: 51,
    });
    expect(maskingParamsFor({ cohort: 1000, degree: 128, thresholdFraction: 0.5 })).toEqual({
      degree: 128,
      threshold: 65,
    });
    expect(maskingParamsFor({ cohort: 1000, degree: 128, thresholdFraction: 0.75 })).toEqual({
      degree: 128,
      threshold: 97,
    });
  });

  it('never goes below 2⌈log₂ n⌉ neighbours or an even degree', () => {
    expect(minimumMaskingDegree(1000)).toBe(20);
    expect(maskingParamsFor({ cohort: 1000, degree: 4, thresholdFraction: 0.5 }).degree).toBe(20);
    expect(maskingParamsFor({ cohort: 1000, degree: 31, thresholdFraction: 0.5 }).degree).toBe(30);
  });

  it('devices reject unsafe parameters', () => {
    expect(maskingParamsProblem(10, { degree: 9, threshold: 6 })).toBeNull();
    expect(maskingParamsProblem(10, { degree: 9, threshold: 5 })).toMatch(/threshold/);
    expect(maskingParamsProblem(10, { degree: 9, threshold: 11 })).toMatch(/threshold/);
    expect(maskingParamsProblem(1000, { degree: 10, threshold: 6 })).toMatch(/degree/);
    expect(maskingParamsProblem(1000, { degree: 21, threshold: 12 })).toMatch(/even/);
    expect(maskingParamsProblem(10, { degree: 10, threshold: 6 })).toMatch(/degree/);
  });
});

describe('masking graph', () => {
  it('is symmetric, regular and the same for everyone with the same seed', () => {
    const slots = range(50).map((j) => 2 * j + 1);
    const g = createMaskingGraph({ slots, degree: 8, seed: seed(1) });
    const h = createMaskingGraph({ slots: [...slots].reverse(), degree: 8, seed: seed(1) });
    expect(g.complete).toBe(false);
    for (const u of slots) {
      const n = g.neighbors(u);
      expect(n).toHaveLength(8);
      expect(n).not.toContain(u);
      expect(h.neighbors(u)).toEqual(n);
      for (const v of n) {
        expect(g.neighbors(v)).toContain(u);
        expect(g.isNeighbor(u, v)).toBe(true);
      }
      expect(slots.filter((v) => g.isNeighbor(u, v))).toEqual([...n]);
    }
    const other = createMaskingGraph({ slots, degree: 8, seed: seed(2) });
    expect(slots.some((u) => other.neighbors(u).join() !== g.neighbors(u).join())).toBe(true);
  });

  it('is complete when the degree covers the cohort', () => {
    const g = createMaskingGraph({ slots: [0, 1, 2, 3], degree: 3, seed: seed(0) });
    expect(g.complete).toBe(true);
    expect(g.neighbors(2)).toEqual([0, 1, 3]);
    expect(isConnectedAmong(g, [1, 3])).toBe(true);
  });

  it('stays connected after losing degree − 1 members, and detects isolation', () => {
    const slots = range(40);
    const g = createMaskingGraph({ slots, degree: 6, seed: seed(3) });
    expect(isConnectedAmong(g, slots)).toBe(true);
    // Harary graphs are k-connected: any 5 removals keep the rest connected.
    for (let trial = 0; trial < 20; trial++) {
      const gone = new Set(range(5).map((j) => (trial * 7 + j * 11) % 40));
      expect(
        isConnectedAmong(
          g,
          slots.filter((s) => !gone.has(s)),
        ),
      ).toBe(true);
    }
    const isolated = new Set(g.neighbors(0));
    expect(
      isConnectedAmong(
        g,
        slots.filter((s) => !isolated.has(s)),
      ),
    ).toBe(false);
    expect(isConnectedAmong(g, [])).toBe(false);
  });

  const members = (digests: readonly string[]) =>
    digests.map((keyDigest, slot) => ({ slot, keyDigest }));
  const digestsOf = (n: number, tag: string): Promise<string[]> =>
    Promise.all(range(n).map((j) => memberKeyDigest(`pk-${tag}-${j}`, `sk-${tag}-${j}`)));

  it('derives its public seed from the round id and every member’s slot and keys', async () => {
    const keys = await digestsOf(3, 'a');
    const a = await maskingGraphSeed('r1', members(keys));
    expect(Array.from(await maskingGraphSeed('r1', members(keys).reverse()))).toEqual(
      Array.from(a),
    );
    expect(Array.from(await maskingGraphSeed('r2', members(keys)))).not.toEqual(Array.from(a));
    const other = [...keys];
    other[2] = await memberKeyDigest('pk-other', 'sk-a-2');
    expect(Array.from(await maskingGraphSeed('r1', members(other)))).not.toEqual(Array.from(a));
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/);
  });

  it('#6 a joiner cannot choose its neighbours: ring order is not join order and every other member’s key moves it', async () => {
    const n = 40;
    const degree = 4;
    const keys = await digestsOf(n, 'honest');
    const graphOf = async (digests: readonly string[]) =>
      createMaskingGraph({
        slots: range(n),
        degree,
        seed: await maskingGraphSeed('r7', members(digests)),
      });
    const g = await graphOf(keys);
    // Join order would make slot 20's neighbours 18, 19, 21, 22: a joiner could aim for them.
    const joinOrderNeighbours = (slot: number) =>
      [slot - 2, slot - 1, slot + 1, slot + 2].map((s) => (s + n) % n).sort((x, y) => x - y);
    const slotsByJoinOrder = range(n).filter(
      (s) => g.neighbors(s).join() === joinOrderNeighbours(s).join(),
    );
    expect(slotsByJoinOrder.length).toBeLessThan(3);
    // The attacker (slot 20) keeps its key; another member's fresh key reshuffles the ring, so
    // nobody who joined before the cohort closed could know who its neighbours would be.
    let changed = 0;
    for (const other of [0, 7, 19, 21, 39]) {
      const next = [...keys];
      next[other] = await memberKeyDigest(`pk-fresh-${other}`, `sk-fresh-${other}`);
      if ((await graphOf(next)).neighbors(20).join() !== g.neighbors(20).join()) changed++;
    }
    expect(changed).toBe(5);
  });
});
