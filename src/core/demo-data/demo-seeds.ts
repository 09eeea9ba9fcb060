import { createRng, type Rng } from '../random';

/** Independent random streams of one demo seed, so that e.g. the catalog does not change with the shopper count. */
export const SEED_STREAMS = { catalog: 1, shoppers: 2, sessions: 3, trending: 4 } as const;

/** A generator for one stream of `seed`. */
export function streamRng(seed: number, stream: number): Rng {
  return createRng((Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(stream, 0x85ebca6b)) >>> 0);
}
