import { describe, expect, it } from 'vitest';
import {
  FEDERATED_PROTOCOL_VERSION,
  REJECT_STATUS,
  UpdateRejectedError,
  decodeUpdateFrame,
  encodeUpdateFrame,
  parseJoinRequest,
  parseSharesRequest,
  parseUnmaskRequest,
  parseUpdateHeader,
  validateRoundSpec,
} from '../../src/federated/federated-protocol';
import { buildRoundSpec } from '../../src/federated/round-plan';

const header = {
  protocol: FEDERATED_PROTOCOL_VERSION,
  roundId: 'r3',
  ticket: 'abc.def',
  nonce: '0123456789abcdef0123456789abcdef',
  weight: 1,
};

function reasonOf(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(UpdateRejectedError);
    return (error as UpdateRejectedError).reason;
  }
  throw new Error('expected a rejection');
}

describe('update frames', () => {
  it('round-trip header and payload', () => {
    const payload = Uint8Array.of(1, 2, 3, 250);
    const bytes = encodeUpdateFrame({ header, payload });
    const back = decodeUpdateFrame(bytes);
    expect(back.header).toEqual(header);
    expect(Array.from(back.payload)).toEqual([1, 2, 3, 250]);
  });

  it('reject a wrong magic, an oversized header and broken JSON', () => {
    expect(reasonOf(() => decodeUpdateFrame(Uint8Array.of(1, 2, 3, 4, 0, 0, 0, 0)))).toBe(
      'bad-request',
    );
    const bytes = encodeUpdateFrame({ header, payload: new Uint8Array(0) });
    new DataView(bytes.buffer).setUint32(4, 99_999, true);
    expect(reasonOf(() => decodeUpdateFrame(bytes))).toBe('bad-request');
    const broken = encodeUpdateFrame({ header, payload: new Uint8Array(0) });
    broken[9] = 0x7b;
    broken[10] = 0xff;
    expect(reasonOf(() => decodeUpdateFrame(broken))).toBe('bad-request');
  });
});

describe('header validation', () => {
  it('names each kind of bad header', () => {
    expect(reasonOf(() => parseUpdateHeader({ ...header, protocol: 2 }))).toBe('bad-version');
    expect(reasonOf(() => parseUpdateHeader({ ...header, nonce: 'short' }))).toBe('bad-request');
    expect(reasonOf(() => parseUpdateHeader({ ...header, nonce: 'Z'.repeat(32) }))).toBe(
      'bad-request',
    );
    expect(reasonOf(() => parseUpdateHeader({ ...header, roundId: '' }))).toBe('bad-request');
    expect(reasonOf(() => parseUpdateHeader({ ...header, weight: Number.POSITIVE_INFINITY }))).toBe(
      'non-finite',
    );
    expect(reasonOf(() => parseUpdateHeader({ ...header, weight: 2 }))).toBe('out-of-range');
    expect(reasonOf(() => parseUpdateHeader({ ...header, weight: '1' }))).toBe('bad-request');
    expect(reasonOf(() => parseUpdateHeader([header]))).toBe('bad-request');
  });

  it('defaults the weight to 1', () => {
    const { weight: _w, ...rest } = header;
    expect(parseUpdateHeader(rest).weight).toBe(1);
  });

  it('maps reasons to HTTP statuses', () => {
    expect(new UpdateRejectedError('replay', 'x').status).toBe(409);
    expect(REJECT_STATUS['too-large']).toBe(413);
    expect(REJECT_STATUS.unauthorized).toBe(401);
    expect(new UpdateRejectedError('replay', 'x').code).toBe('UPDATE_REJECTED');
  });
});

describe('join and unmask requests', () => {
  it('accept a key or none, reject other versions and non-base64 keys', () => {
    expect(parseJoinRequest({ protocol: 1 })).toEqual({ protocol: 1 });
    expect(parseJoinRequest({ protocol: 1, publicKey: 'QUJD' }).publicKey).toBe('QUJD');
    expect(reasonOf(() => parseJoinRequest({ protocol: 0 }))).toBe('bad-version');
    expect(reasonOf(() => parseJoinRequest({ protocol: 1, publicKey: 'not base64!' }))).toBe(
      'bad-request',
    );
  });

  it('carries the share-encryption key of secure rounds', () => {
    expect(parseJoinRequest({ protocol: 1, publicKey: 'QUJD', shareKey: 'REVG' })).toEqual({
      protocol: 1,
      publicKey: 'QUJD',
      shareKey: 'REVG',
    });
    expect(reasonOf(() => parseJoinRequest({ protocol: 1, shareKey: 7 }))).toBe('bad-request');
  });

  it('validates share requests', () => {
    const ok = { protocol: 1, ticket: 't', shares: [{ slot: 2, ciphertext: 'QUJD' }] };
    expect(parseSharesRequest(ok).shares).toEqual([{ slot: 2, ciphertext: 'QUJD' }]);
    expect(reasonOf(() => parseSharesRequest({ ...ok, protocol: 3 }))).toBe('bad-version');
    expect(reasonOf(() => parseSharesRequest({ ...ok, shares: {} }))).toBe('bad-request');
    expect(
      reasonOf(() => parseSharesRequest({ ...ok, shares: [{ slot: 1.5, ciphertext: 'QUJD' }] })),
    ).toBe('bad-request');
    expect(
      reasonOf(() => parseSharesRequest({ ...ok, shares: [{ slot: 1, ciphertext: '!!' }] })),
    ).toBe('bad-request');
  });

  it('validates unmask answers (both lists, slots, base64 shares)', () => {
    const ok = {
      protocol: 1,
      ticket: 't',
      selfMaskShares: [{ slot: 2, share: 'QUJD' }],
      keyShares: [],
    };
    expect(parseUnmaskRequest(ok).selfMaskShares).toHaveLength(1);
    expect(
      reasonOf(() => parseUnmaskRequest({ ...ok, keyShares: [{ slot: -1, share: 'QUJD' }] })),
    ).toBe('bad-request');
    expect(reasonOf(() => parseUnmaskRequest({ ...ok, selfMaskShares: 'x' }))).toBe('bad-request');
    expect(
      reasonOf(() => parseUnmaskRequest({ protocol: 1, ticket: 't', selfMaskShares: [] })),
    ).toBe('bad-request');
  });
});

describe('validateRoundSpec', () => {
  const model = { factors: 4, numItems: 20, userWeightNorm: 3 };
  const spec = buildRoundSpec({
    model,
    roundId: 'r1',
    modelVersion: 0,
    rows: [1, 5, 7],
    aggregation: 'plain',
    minCohort: 2,
    maxCohort: 5,
    deadline: new Date(0).toISOString(),
    noiseMultiplier: 0,
    delta: 1e-5,
    epsilonSpent: null,
  });

  it('accepts a spec built for the model', () => {
    expect(validateRoundSpec(JSON.parse(JSON.stringify(spec)), model).rows).toEqual([1, 5, 7]);
  });

  it('rejects rows, parts and numbers that do not fit the model', () => {
    expect(reasonOf(() => validateRoundSpec({ ...spec, rows: [5, 1] }, model))).toBe('bad-shape');
    expect(reasonOf(() => validateRoundSpec({ ...spec, rows: [25] }, model))).toBe('bad-shape');
    expect(reasonOf(() => validateRoundSpec(spec, { ...model, factors: 8 }))).toBe('bad-shape');
    const parts = spec.parts.map((p, j) => (j === 0 ? { ...p, scale: Number.NaN } : p));
    expect(reasonOf(() => validateRoundSpec({ ...spec, parts }, model))).toBe('non-finite');
    expect(reasonOf(() => validateRoundSpec({ ...spec, ringBits: 8 }, model))).toBe('bad-shape');
    expect(reasonOf(() => validateRoundSpec({ ...spec, protocol: 9 }, model))).toBe('bad-version');
  });
});
