import type { ExperimentDefinition } from './experiment-types';

/** 32-bit MurmurHash3 of a string's UTF-16 code units. */
function murmur3(text: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    let k = text.charCodeAt(i);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) >>> 0;
  }
  h ^= text.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Index of the arm a unit (a random per-device id that never leaves the device) falls in: a hash
 * of the experiment id and the unit id mapped onto the arm weights. The same unit always gets the
 * same arm for the same experiment (sticky across reloads); a new unit id (after "erase") draws
 * again, and different experiments split independently.
 */
export function assignArm(options: {
  readonly definition: Pick<ExperimentDefinition, 'id' | 'arms'>;
  readonly unitId: string;
}): number {
  const { arms } = options.definition;
  const total = arms.reduce((sum, arm) => sum + arm.weight, 0);
  const point =
    (murmur3(`${options.definition.id}/${options.unitId}`, 0x48454152) / 4294967296) * total;
  let edge = 0;
  for (let i = 0; i < arms.length; i++) {
    edge += arms[i]?.weight ?? 0;
    if (point < edge) return i;
  }
  return arms.length - 1;
}
