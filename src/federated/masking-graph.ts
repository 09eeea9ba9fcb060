/**
 * Who masks against whom in a secure round, and how many shares unlock a member's secrets.
 * Browser-safe; devices and the server compute the same graph from public data.
 *
 * Small cohorts use the complete graph (Bonawitz et al. 2017). Larger ones use a Harary graph
 * H(k, n) on a random relabelling (Bell et al. 2020): members sit on a ring in an order drawn from
 * SHA-256 of the round id and every member's public keys ({@link maskingGraphSeed}), not in join
 * order, and each one masks against the k/2 members on either side. The seed is fixed only when the
 * cohort is, and the other members' fresh keys are unknown to any joiner until then, so no joiner
 * can choose its neighbours by when it joins or which key it picks. The graph is k-connected, so the survivors' masks keep hiding individual uploads unless about k
 * members around one position drop together (the server and every device check connectivity before
 * anything is unmasked). Each member secret-shares its self-mask seed and its masking key among its
 * k neighbours and itself, with threshold t; per-member cost is O(k) instead of O(n).
 */
import { OptionError } from '../core/errors';
import { maskStream } from './secure-aggregation';

/** Parameters of a secure round's masking graph, fixed when the cohort is. */
export interface MaskingParams {
  /** Neighbours per member (cohort − 1 for the complete graph). */
  readonly degree: number;
  /** Shares needed to reconstruct a member's secrets, among its degree + 1 holders. */
  readonly threshold: number;
}

/** Default neighbours per member: the complete graph up to 129 members, H(128, n) above. */
export const DEFAULT_MASKING_DEGREE = 128;

/** Smallest degree a device accepts for a cohort of `n`: min(n − 1, 2⌈log₂ n⌉). */
export function minimumMaskingDegree(n: number): number {
  return Math.min(n - 1, 2 * Math.ceil(Math.log2(Math.max(2, n))));
}

/** Smallest threshold a device accepts among `holders` share holders: a strict majority. */
export function minimumThreshold(holders: number): number {
  return Math.floor(holders / 2) + 1;
}

/**
 * The round's parameters for a cohort of `cohort` members: degree = the configured one (even, at
 * least {@link minimumMaskingDegree}) or cohort − 1 when that is smaller; threshold =
 * max(⌊g/2⌋ + 1, ⌈fraction · g⌉) of the g = degree + 1 holders.
 */
export function maskingParamsFor(o: {
  readonly cohort: number;
  readonly degree: number;
  readonly thresholdFraction: number;
}): MaskingParams {
  const n = o.cohort;
  if (!Number.isInteger(n) || n < 2) {
    throw new OptionError(`A secure round needs at least 2 members (got ${n}).`);
  }
  let degree = Math.max(o.degree, minimumMaskingDegree(n));
  if (degree >= n - 1) degree = n - 1;
  else degree -= degree % 2;
  const holders = degree + 1;
  const threshold = Math.min(
    holders,
    Math.max(minimumThreshold(holders), Math.ceil(o.thresholdFraction * holders)),
  );
  return { degree, threshold };
}

/** Why a device must not take part under `params` with `cohort` members, or null when it may. */
export function maskingParamsProblem(cohort: number, params: MaskingParams): string | null {
  const { degree, threshold } = params;
  if (!Number.isInteger(degree) || !Number.isInteger(threshold)) {
    return 'the masking degree and threshold must be integers';
  }
  if (degree < minimumMaskingDegree(cohort) || degree > cohort - 1) {
    return `a cohort of ${cohort} needs a masking degree in [${minimumMaskingDegree(cohort)}, ${cohort - 1}] (got ${degree})`;
  }
  if (degree < cohort - 1 && degree % 2 !== 0) return 'a sparse masking graph needs an even degree';
  if (threshold < minimumThreshold(degree + 1) || threshold > degree + 1) {
    return `the threshold must be in [${minimumThreshold(degree + 1)}, ${degree + 1}] (got ${threshold})`;
  }
  return null;
}

/** One cohort member as the masking graph's seed sees it: its slot and its keys' digest. */
export interface SeedMember {
  readonly slot: number;
  /** {@link memberKeyDigest} of the member's masking and share-encryption public keys. */
  readonly keyDigest: string;
}

const sha256 = async (text: string): Promise<Uint8Array> =>
  new Uint8Array(
    await globalThis.crypto.subtle.digest(
      'SHA-256',
      new TextEncoder().encode(text) as Uint8Array<ArrayBuffer>,
    ),
  );

/** Digest of a member's two public keys (first 16 bytes of SHA-256, hex): what the seed hashes. */
export async function memberKeyDigest(publicKey: string, shareKey: string): Promise<string> {
  const digest = await sha256(`hearth-secagg-member-v2\n${publicKey}\n${shareKey}`);
  return Array.from(digest.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The public seed of the graph's relabelling: SHA-256 of the round id and every member's slot and
 * key digest, in slot order. It exists only once the join phase has closed, and every member's
 * fresh keys change it, so no joiner can predict or steer where it lands on the ring (the keys of
 * the others are not published before then). Devices recompute it from the member list.
 */
export async function maskingGraphSeed(
  roundId: string,
  members: readonly SeedMember[],
): Promise<Uint8Array> {
  const sorted = [...members].sort((a, b) => a.slot - b.slot);
  const lines = sorted.map((m) => `${m.slot}:${m.keyDigest}`);
  return sha256(`hearth-secagg-graph-v2\n${roundId}\n${lines.join('\n')}`);
}

/** The masking graph of a round. */
export interface MaskingGraph {
  /** Member slots, ascending. */
  readonly slots: readonly number[];
  readonly degree: number;
  /** True when every member masks against every other. */
  readonly complete: boolean;
  /** The neighbours of `slot`, ascending. */
  neighbors(slot: number): readonly number[];
  isNeighbor(a: number, b: number): boolean;
}

/** Builds the graph over `slots` with `degree` (cohort − 1 = complete) and the public `seed`. */
export function createMaskingGraph(o: {
  readonly slots: readonly number[];
  readonly degree: number;
  readonly seed: Uint8Array;
}): MaskingGraph {
  const slots = [...o.slots].sort((a, b) => a - b);
  const n = slots.length;
  if (new Set(slots).size !== n) throw new OptionError('Masking graph slots must be distinct.');
  const complete = o.degree >= n - 1;
  if (!complete && (o.degree < 2 || o.degree % 2 !== 0)) {
    throw new OptionError(`A sparse masking graph needs an even degree ≥ 2 (got ${o.degree}).`);
  }
  const degree = complete ? n - 1 : o.degree;
  const half = degree / 2;
  const ring = slots.slice();
  if (!complete) {
    const words = maskStream(o.seed, n, 32);
    for (let i = n - 1; i > 0; i--) {
      const j = words[i]! % (i + 1);
      const tmp = ring[i]!;
      ring[i] = ring[j]!;
      ring[j] = tmp;
    }
  }
  const position = new Map<number, number>();
  ring.forEach((slot, p) => position.set(slot, p));
  const cache = new Map<number, readonly number[]>();
  const positionOf = (slot: number): number => {
    const p = position.get(slot);
    if (p === undefined) throw new OptionError(`Slot ${slot} is not in the masking graph.`);
    return p;
  };
  return {
    slots,
    degree,
    complete,
    neighbors(slot) {
      const cached = cache.get(slot);
      if (cached) return cached;
      const p = positionOf(slot);
      let out: number[];
      if (complete) out = slots.filter((s) => s !== slot);
      else {
        out = [];
        for (let step = 1; step <= half; step++) {
          out.push(ring[(p + step) % n]!, ring[(p - step + n) % n]!);
        }
        out.sort((a, b) => a - b);
      }
      cache.set(slot, out);
      return out;
    },
    isNeighbor(a, b) {
      if (a === b) return false;
      const pa = positionOf(a);
      const pb = positionOf(b);
      if (complete) return true;
      const gap = Math.abs(pa - pb);
      return Math.min(gap, n - gap) <= half;
    },
  };
}

/** Whether `members` (a subset of the graph's slots) induce a connected subgraph. */
export function isConnectedAmong(graph: MaskingGraph, members: readonly number[]): boolean {
  const first = members[0];
  if (first === undefined) return false;
  if (graph.complete) return true;
  const inside = new Set(members);
  const seen = new Set<number>([first]);
  const stack = [first];
  while (stack.length > 0) {
    const u = stack.pop()!;
    for (const v of graph.neighbors(u)) {
      if (inside.has(v) && !seen.has(v)) {
        seen.add(v);
        stack.push(v);
      }
    }
  }
  return seen.size === inside.size;
}
