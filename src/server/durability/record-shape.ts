/**
 * Shape checks for round records read back from a log: a record with a valid checksum but content
 * the server cannot use (a bug, a hand edit, an incompatible writer) is reported by field instead of
 * failing later as a bare TypeError during replay.
 */

/** A record header that failed its shape check; `field` names what is wrong. */
export class RecordShapeError extends Error {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field} ${problem}`);
    this.name = 'RecordShapeError';
  }
}

type Json = Record<string, unknown>;

const PHASES = new Set(['joining', 'sharing', 'collecting', 'unmasking', 'closed']);

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function need(ok: boolean, field: string, problem: string): void {
  if (!ok) throw new RecordShapeError(field, problem);
}

const isSlot = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0;

function slots(meta: Json, key: string, optional: boolean): void {
  const v = meta[key];
  if (v === undefined && optional) return;
  need(Array.isArray(v) && v.every(isSlot), key, 'must be a list of slot numbers');
}

function strings(meta: Json, keys: readonly string[], optionalKeys: readonly string[] = []): void {
  for (const key of keys) need(typeof meta[key] === 'string', key, 'must be a string');
  for (const key of optionalKeys) {
    need(meta[key] === undefined || typeof meta[key] === 'string', key, 'must be a string');
  }
}

function revealed(meta: Json, key: string): void {
  const v = meta[key];
  need(
    Array.isArray(v) &&
      v.every((s) => isObject(s) && isSlot(s.slot) && typeof s.share === 'string'),
    key,
    'must be a list of {slot, share}',
  );
}

/** Checks a decoded record header (before its binary tail is attached); throws on a bad field. */
export function checkRecordShape(meta: unknown): void {
  need(isObject(meta), 'record', 'must be a JSON object');
  const m = meta as Json;
  switch (m.type) {
    case 'open': {
      const spec = m.spec;
      need(isObject(spec), 'spec', 'must be an object');
      const s = spec as Json;
      need(typeof s.roundId === 'string', 'spec.roundId', 'must be a string');
      // The spec's other fields evolve with the protocol; the round code checks them on replay.
      need(Number.isInteger(s.modelVersion), 'spec.modelVersion', 'must be an integer');
      return;
    }
    case 'join':
      need(isSlot(m.slot), 'slot', 'must be a slot number');
      strings(m, ['publicKey'], ['shareKey']);
      return;
    case 'phase':
      need(PHASES.has(m.phase as string), 'phase', `must be one of ${[...PHASES].join(', ')}`);
      need(
        m.masking === undefined ||
          (isObject(m.masking) && isSlot(m.masking.degree) && isSlot(m.masking.threshold)),
        'masking',
        'must be {degree, threshold}',
      );
      for (const key of ['cohort', 'survivors', 'dropped']) slots(m, key, true);
      return;
    case 'shares':
      need(isSlot(m.slot), 'slot', 'must be a slot number');
      slots(m, 'to', false);
      return;
    case 'update':
      strings(m, ['ticketId', 'nonce']);
      need(
        typeof m.weight === 'number' && Number.isFinite(m.weight),
        'weight',
        'must be a finite number',
      );
      return;
    case 'unmask':
      need(isSlot(m.slot), 'slot', 'must be a slot number');
      revealed(m, 'selfMaskShares');
      revealed(m, 'keyShares');
      return;
    default:
      throw new RecordShapeError('type', `"${String(m.type)}" is not a known record type`);
  }
}
