import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random';
import type { ClientUpdateParts } from '../../src/federated/client-update';
import type { UpdateRejectedError } from '../../src/federated/federated-protocol';
import { decodeUpdateFrame, type RoundSpec } from '../../src/federated/federated-protocol';
import { packRing, toRing } from '../../src/federated/quantize';
import { buildRoundSpec } from '../../src/federated/round-plan';
import {
  checkPlainUpdate,
  decodePayload,
  encodeUpdateVector,
  encodeUpload,
  partNormLimit,
  randomNonce,
  splitParts,
} from '../../src/federated/update-codec';

const model = { factors: 3, numItems: 10, userWeightNorm: 2 };

function spec(noise = 0): RoundSpec {
  return buildRoundSpec({
    model,
    roundId: 'r4',
    modelVersion: 2,
    rows: [0, 3, 4, 9],
    aggregation: 'plain',
    minCohort: 4,
    maxCohort: 10,
    deadline: new Date(0).toISOString(),
    noiseMultiplier: noise,
    delta: 1e-5,
    epsilonSpent: null,
  });
}

function parts(scale = 0.1): ClientUpdateParts {
  const rng = createRng(2);
  const fill = (n: number): Float64Array =>
    Float64Array.from({ length: n }, () => (rng.next() - 0.5) * scale);
  return { rows: fill(16), counts: fill(4), gram: fill(10), stats: Float64Array.of(10, 3) };
}

const reason = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as UpdateRejectedError).reason;
  }
  return 'none';
};

describe('encodeUpload', () => {
  it('produces a frame the server decodes back to the clipped values', () => {
    const s = spec();
    const p = parts();
    const { frame, report } = encodeUpload({
      round: s,
      parts: p,
      ticket: 't.x',
      rng: createRng(1),
    });
    expect(report.clipped).toEqual([]);
    const decoded = decodeUpdateFrame(frame);
    expect(decoded.header.roundId).toBe('r4');
    expect(decoded.header.nonce).toMatch(/^[0-9a-f]{32}$/);
    const q = checkPlainUpdate(decodePayload(decoded.payload, s), s);
    const back = splitParts(q, s);
    for (const name of ['rows', 'counts', 'gram', 'stats'] as const) {
      const step = s.parts.find((x) => x.name === name)!.scale;
      back[name].forEach((v, j) => expect(Math.abs(v - p[name][j]!)).toBeLessThanOrEqual(step));
    }
  });

  it('clips a part above its bound and reports it', () => {
    const s = spec();
    const { ring, report } = encodeUpdateVector(parts(1000), s, createRng(3));
    expect(report.clipped).toContain('rows');
    expect(report.norms.rows).toBeGreaterThan(s.parts[0]!.clipNorm);
    expect(() => checkPlainUpdate(ring, s)).not.toThrow();
  });

  it('adds each client’s noise share when the round asks for DP', () => {
    const s = spec(1);
    expect(s.parts[0]!.noiseStd).toBeGreaterThan(0);
    const zero: ClientUpdateParts = {
      rows: new Float64Array(16),
      counts: new Float64Array(4),
      gram: new Float64Array(10),
      stats: new Float64Array(2),
    };
    const { ring } = encodeUpdateVector(zero, s, createRng(5));
    const values = splitParts(checkPlainUpdate(ring, s), s);
    expect(values.rows.some((v) => v !== 0)).toBe(true);
  });

  it('rejects parts of the wrong length before anything is sent', () => {
    expect(
      reason(() =>
        encodeUpdateVector({ ...parts(), counts: new Float64Array(3) }, spec(), createRng(1)),
      ),
    ).toBe('bad-shape');
  });

  it('randomNonce gives fresh 128-bit hex strings', () => {
    expect(randomNonce()).toMatch(/^[0-9a-f]{32}$/);
    expect(randomNonce()).not.toBe(randomNonce());
  });
});

describe('server-side checks', () => {
  const s = spec();
  const total = s.parts.reduce((a, p) => a + p.length, 0);

  it('rejects a payload of the wrong size', () => {
    expect(reason(() => decodePayload(new Uint8Array(2 * total - 2), s))).toBe('bad-shape');
  });

  it('rejects coordinates beyond the clamp', () => {
    // Plain 16-bit rounds clamp at 32767 = the ring's limit, so use a secure-style clamp.
    const tight = { ...s, parts: s.parts.map((p) => ({ ...p, clamp: 10 })) };
    const q = new Int32Array(total);
    q[3] = 11;
    expect(reason(() => checkPlainUpdate(toRing(q, 16), tight))).toBe('out-of-range');
  });

  it('rejects a part whose norm exceeds clip + rounding + noise allowance', () => {
    const p = s.parts[0]!;
    const q = new Int32Array(total);
    // Two coordinates at the clamp: √2 × the clip bound, far above the allowance.
    q[0] = p.clamp;
    q[1] = -p.clamp;
    expect(Math.SQRT2 * p.clamp * p.scale).toBeGreaterThan(partNormLimit(p));
    expect(reason(() => checkPlainUpdate(toRing(q, 16), s))).toBe('norm-exceeded');
    q[1] = 0;
    q[0] = Math.floor(p.clipNorm / p.scale);
    expect(() => checkPlainUpdate(toRing(q, 16), s)).not.toThrow();
    expect(decodePayload(packRing(toRing(q, 16), 16), s)).toHaveLength(total);
  });
});
