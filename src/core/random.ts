/**
 * Seeded pseudo-random generator (sfc32 seeded through splitmix32). Deterministic across
 * platforms: every random choice in Hearth goes through one of these.
 */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal sample (Box–Muller). */
  normal(): number;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Creates a seeded generator. The same seed always gives the same sequence. */
export function createRng(seed: number): Rng & {
  /**
   * Fills `out` with `normal() · scale`, exactly the values that many `normal()` calls would give
   * (and leaves the generator where they would), in one loop: initial factor tables hold up to
   * tens of millions of entries, and a call per entry was a second of a large training run.
   */
  fillNormal(out: Float32Array, scale: number): void;
} {
  const init = splitmix32(seed);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  const nextU32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) nextU32();
  const next = (): number => nextU32() / 4294967296;
  let spare: number | null = null;
  const normal = (): number => {
    if (spare !== null) {
      const v = spare;
      spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = next();
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  const fillNormal = (out: Float32Array, scale: number): void => {
    const n = out.length;
    let i = 0;
    if (n > 0 && spare !== null) {
      out[i++] = spare * scale;
      spare = null;
    }
    // The generator's state in locals for the loop; the same steps as nextU32.
    let sa = a;
    let sb = b;
    let sc = c;
    let sd = d;
    while (i < n) {
      let u = 0;
      while (u === 0) {
        const t = (((sa + sb) >>> 0) + sd) >>> 0;
        sd = (sd + 1) >>> 0;
        sa = sb ^ (sb >>> 9);
        sb = (sc + (sc << 3)) >>> 0;
        sc = (sc << 21) | (sc >>> 11);
        sc = (sc + t) >>> 0;
        u = t / 4294967296;
      }
      const t = (((sa + sb) >>> 0) + sd) >>> 0;
      sd = (sd + 1) >>> 0;
      sa = sb ^ (sb >>> 9);
      sb = (sc + (sc << 3)) >>> 0;
      sc = (sc << 21) | (sc >>> 11);
      sc = (sc + t) >>> 0;
      const v = t / 4294967296;
      const r = Math.sqrt(-2 * Math.log(u));
      out[i++] = r * Math.cos(2 * Math.PI * v) * scale;
      const second = r * Math.sin(2 * Math.PI * v);
      if (i < n) out[i++] = second * scale;
      else spare = second;
    }
    a = sa;
    b = sb;
    c = sc;
    d = sd;
  };
  return { next, int: (n) => Math.floor(next() * n), normal, fillNormal };
}

/**
 * Standard normal samples from a uniform [0, 1) source (Box–Muller, both values of each pair used).
 */
export function createNormalSampler(next: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const v = spare;
      spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = next();
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** In-place Fisher–Yates shuffle driven by `rng`. */
export function shuffleInPlace<T extends { length: number; [i: number]: unknown }>(
  array: T,
  rng: Rng,
): T {
  for (let i = array.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = array[i];
    array[i] = array[j];
    array[j] = tmp;
  }
  return array;
}
