/**
 * Turning a client's dense update into the bytes it uploads, and the server-side checks on them.
 * Browser-safe. Per part, in this order: clip (L2) → stochastic rounding to integers → add the
 * client's share of rounded Gaussian noise → clamp → concatenate → (secure rounds) add the mask
 * (self-mask plus pairwise masks) → pack modulo 2^ringBits. Noise is added after rounding so the sensitivity the accountant uses
 * (clip + rounding slack) bounds exactly what the noise protects.
 */
import type { Rng } from '../core/random';
import type { ClientUpdateParts } from './client-update';
import { addRoundedGaussianNoise, clipInPlace, l2Norm } from './clip-and-noise';
import {
  FEDERATED_PROTOCOL_VERSION,
  UpdateRejectedError,
  encodeUpdateFrame,
  payloadBytes,
  updateLength,
  type RoundSpec,
  type UpdatePartName,
  type UpdatePartSpec,
} from './federated-protocol';
import {
  clampInPlace,
  fromRing,
  packRing,
  quantizeStochastic,
  ringAddInPlace,
  toRing,
  unpackRing,
} from './quantize';

/** What encoding did to an update (stays on the device; useful for diagnostics). */
export interface EncodeReport {
  /** Norm of each part before clipping. */
  readonly norms: Readonly<Record<UpdatePartName, number>>;
  /** Parts that were clipped. */
  readonly clipped: readonly UpdatePartName[];
  /** Coordinates that hit the clamp. */
  readonly clamped: number;
}

/** Encodes a client's parts into ring elements (unmasked), following the round's part specs. */
export function encodeUpdateVector(
  parts: ClientUpdateParts,
  round: Pick<RoundSpec, 'parts' | 'ringBits'>,
  rng: Rng,
): { readonly ring: Uint32Array; readonly report: EncodeReport } {
  const out = new Int32Array(updateLength(round.parts));
  const norms: Partial<Record<UpdatePartName, number>> = {};
  const clipped: UpdatePartName[] = [];
  let clamped = 0;
  let offset = 0;
  for (const spec of round.parts) {
    const values = Float64Array.from(parts[spec.name]);
    if (values.length !== spec.length) {
      throw new UpdateRejectedError(
        'bad-shape',
        `Update part "${spec.name}" has ${values.length} entries but the round expects ${spec.length}; fetch the current model and round.`,
      );
    }
    const { norm, factor } = clipInPlace(values, spec.clipNorm);
    norms[spec.name] = norm;
    if (factor < 1) clipped.push(spec.name);
    const q = quantizeStochastic(values, spec.scale, rng);
    addRoundedGaussianNoise(q, spec.noiseStd / spec.scale, rng);
    clamped += clampInPlace(q, spec.clamp);
    out.set(q, offset);
    offset += spec.length;
  }
  return {
    ring: toRing(out, round.ringBits),
    report: { norms: norms as Record<UpdatePartName, number>, clipped, clamped },
  };
}

/** 32 lowercase hex characters from the platform CSPRNG: the per-upload replay nonce. */
export function randomNonce(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Options of {@link encodeUpload}. */
export interface EncodeUploadOptions {
  readonly round: RoundSpec;
  readonly parts: ClientUpdateParts;
  readonly ticket: string;
  /** Noise and rounding randomness; use `createCryptoRng()` on real devices. */
  readonly rng: Rng;
  /** Secure rounds: this client's whole mask (from `uploadMask`: self-mask plus pairwise masks). */
  readonly mask?: Uint32Array;
  /** Default: {@link randomNonce}. */
  readonly nonce?: string;
  readonly weight?: number;
}

/** Builds the complete binary update frame for `POST /v1/rounds/:id/update`. */
export function encodeUpload(o: EncodeUploadOptions): {
  readonly frame: Uint8Array<ArrayBuffer>;
  readonly report: EncodeReport;
} {
  const { ring, report } = encodeUpdateVector(o.parts, o.round, o.rng);
  if (o.mask) ringAddInPlace(ring, o.mask, o.round.ringBits);
  const frame = encodeUpdateFrame({
    header: {
      protocol: FEDERATED_PROTOCOL_VERSION,
      roundId: o.round.roundId,
      ticket: o.ticket,
      nonce: o.nonce ?? randomNonce(),
      weight: o.weight ?? 1,
    },
    payload: packRing(ring, o.round.ringBits),
  });
  return { frame, report };
}

/** Unpacks a payload into ring elements, rejecting a wrong size with `bad-shape`. */
export function decodePayload(
  payload: Uint8Array,
  round: Pick<RoundSpec, 'parts' | 'ringBits'>,
): Uint32Array {
  const expected = payloadBytes(round);
  if (payload.length !== expected) {
    throw new UpdateRejectedError(
      'bad-shape',
      `The update payload has ${payload.length} bytes; this round expects ${expected} (${updateLength(round.parts)} coordinates × ${round.ringBits / 8} bytes).`,
    );
  }
  return unpackRing(payload, round.ringBits);
}

/**
 * Largest norm an honest client's de-quantized part can have: clip bound + rounding slack + its
 * noise share (with 6σ headroom on the chi distribution).
 */
export function partNormLimit(p: UpdatePartSpec): number {
  const sqrtLen = Math.sqrt(p.length);
  return p.clipNorm + p.scale * sqrtLen + (p.noiseStd + 0.5 * p.scale) * (sqrtLen + 6);
}

/**
 * Plain rounds: decodes one client's signed integers and enforces the clamp and the per-part norm
 * limits (`out-of-range`, `norm-exceeded`). Returns the signed integers.
 */
export function checkPlainUpdate(
  ring: Uint32Array,
  round: Pick<RoundSpec, 'parts' | 'ringBits'>,
): Int32Array {
  const q = fromRing(ring, round.ringBits);
  let offset = 0;
  for (const p of round.parts) {
    const part = q.subarray(offset, offset + p.length);
    for (let j = 0; j < part.length; j++) {
      if (part[j]! > p.clamp || part[j]! < -p.clamp) {
        throw new UpdateRejectedError(
          'out-of-range',
          `Update part "${p.name}" coordinate ${j} is ${part[j]}, outside ±${p.clamp}.`,
        );
      }
    }
    const norm = l2Norm(part) * p.scale;
    const limit = partNormLimit(p);
    if (norm > limit) {
      throw new UpdateRejectedError(
        'norm-exceeded',
        `Update part "${p.name}" has norm ${norm.toPrecision(4)}, above the round's limit ${limit.toPrecision(4)}; clip it to ${p.clipNorm.toPrecision(4)}.`,
      );
    }
    offset += p.length;
  }
  return q;
}

/** Splits a concatenated vector into its de-quantized parts. */
export function splitParts(
  values: ArrayLike<number>,
  round: Pick<RoundSpec, 'parts'>,
): Record<UpdatePartName, Float64Array> {
  const out: Partial<Record<UpdatePartName, Float64Array>> = {};
  let offset = 0;
  for (const p of round.parts) {
    const part = new Float64Array(p.length);
    for (let j = 0; j < p.length; j++) part[j] = values[offset + j]! * p.scale;
    out[p.name] = part;
    offset += p.length;
  }
  return out as Record<UpdatePartName, Float64Array>;
}
