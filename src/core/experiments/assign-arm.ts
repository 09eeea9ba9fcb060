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
 * again, and different experiments split independently. Null when the unit falls outside the
 * experiment's `coverage` (drawn with an independent hash, so changing coverage never moves an
 * enrolled unit to another arm).
 */
export function assignArm(options: {
  /** The experiment (its id, arms and coverage). */
  readonly definition: Pick<ExperimentDefinition, 'id' | 'arms' | 'coverage'>;
  /** The device's random id; it never leaves the device. */
  readonly unitId: string;
}): number | null {
  const { arms, coverage = 1 } = options.definition;
  const key = `${options.definition.id}/${options.unitId}`;
  if (coverage < 1 && murmur3(key, 0x436f7665) / 4294967296 >= coverage) return null;
  const total = arms.reduce((sum, arm) => sum + arm.weight, 0);
  const point = (murmur3(key, 0x48454152) / 4294967296) * total;
  let edge = 0;
  for (let i = 0; i < arms.length; i++) {
    edge += arms[i]?.weight ?? 0;
    if (point < edge) return i;
  }
  return arms.length - 1;
}
