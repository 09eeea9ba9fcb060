import { MODEL_FILE_MAGIC, MODEL_FILE_PREFIX_BYTES } from './model-file-format';

/** What the fixed prefix of a model file declares, read without validating the rest. */
export interface ModelFileSniff {
  /** Format version the file declares. */
  readonly version: number;
  /** Total file length the file declares, in bytes (including the checksum). */
  readonly byteLength: number;
}

/** Views any accepted input as a plain `Uint8Array` (not a Node `Buffer` subclass). */
export function asPlainBytes(input: Uint8Array | ArrayBuffer): Uint8Array {
  // `isView` rather than `instanceof ArrayBuffer`, which fails for buffers from another realm.
  return ArrayBuffer.isView(input)
    ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
    : new Uint8Array(input);
}

/** Whether the first `min(4, bytes.length)` bytes match the magic `HRTH`. */
export function startsWithMagic(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, MODEL_FILE_MAGIC.length);
  for (let i = 0; i < n; i++) if (bytes[i] !== MODEL_FILE_MAGIC[i]) return false;
  return true;
}

/**
 * Quick check whether `bytes` look like a Hearth model file: returns the declared version and
 * total length from the 16-byte prefix, or `null` when the magic is missing or the input is
 * shorter than the prefix. Does not verify the version, length or checksum; use
 * `decodeModelFile` for that.
 */
export function sniffModelFile(bytes: Uint8Array | ArrayBuffer): ModelFileSniff | null {
  const plain = asPlainBytes(bytes);
  if (plain.length < MODEL_FILE_PREFIX_BYTES || !startsWithMagic(plain)) return null;
  const view = new DataView(plain.buffer, plain.byteOffset, MODEL_FILE_PREFIX_BYTES);
  return { version: view.getUint32(4, true), byteLength: view.getUint32(8, true) };
}
