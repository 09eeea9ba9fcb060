import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/random';

describe('createRng().fillNormal', () => {
  it('gives exactly the values of normal() · scale and leaves the generator where they would', () => {
    for (const [seed, lengths] of [
      [7, [0, 1, 2, 5]],
      [42, [3, 3, 1000]],
      [2 ** 31 - 1, [1, 1, 1, 4]],
    ] as const) {
      const calls = createRng(seed);
      const filled = createRng(seed);
      for (const n of lengths) {
        const want = new Float32Array(n);
        for (let i = 0; i < n; i++) want[i] = calls.normal() * 0.3;
        const got = new Float32Array(n);
        filled.fillNormal(got, 0.3);
        expect(got).toEqual(want);
        // Interleaved calls continue the same stream (incl. a spare value of an odd fill).
        expect(filled.normal()).toBe(calls.normal());
        expect(filled.next()).toBe(calls.next());
      }
    }
  });
});
