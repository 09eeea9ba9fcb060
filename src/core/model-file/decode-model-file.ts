import { jsonErrorDetail } from '../data/display-text';
import { ModelFileError } from '../errors';
import { crc32 } from './crc32';
import { isJsonObject, type JsonObject } from './json-object';
import {
  alignModelFileOffset,
  DTYPE_BYTES,
  DTYPE_MIN_VERSION,
  MIN_MODEL_FILE_VERSION,
  MODEL_FILE_ALIGNMENT,
  MODEL_FILE_CHECKSUM_BYTES,
  MODEL_FILE_MIN_BYTES,
  MODEL_FILE_PREFIX_BYTES,
  MODEL_FILE_VERSION,
  MODEL_TENSOR_DTYPES,
  type ModelFileContent,
  type ModelTensor,
  type ModelTensorDType,
  type ModelTensorEntry,
} from './model-file-format';
import { asPlainBytes, startsWithMagic } from './sniff-model-file';
import { readTensorBytes } from './read-tensor-bytes';

/**
 * Parses and fully validates a Hearth model file, then returns its header and tensors. Every
 * check (magic, version, length, checksum, header JSON, tensor directory) runs before any tensor
 * is copied, so a bad file never yields a partially loaded model. Returned tensors are copies,
 * each owning a fresh aligned `ArrayBuffer`: safe to keep after `bytes` is reused, and
 * transferable to a worker.
 *
 * @throws ModelFileError `MODEL_FILE_TRUNCATED` when the input is shorter than the file declares;
 *   `MODEL_FILE_VERSION` when it was written in a format version this build cannot read;
 *   `MODEL_FILE_CORRUPT` for anything else (not a Hearth file, checksum mismatch, bad header or
 *   tensor directory, trailing bytes).
 */
export function decodeModelFile(bytes: Uint8Array | ArrayBuffer): ModelFileContent {
  const input = asPlainBytes(bytes);
  const n = input.length;
  if (!startsWithMagic(input)) {
    throw new ModelFileError(
      'MODEL_FILE_CORRUPT',
      'Cannot load model: this is not a Hearth model file (it does not start with "HRTH"); choose a file exported by Hearth.',
    );
  }
  if (n === 0) {
    throw new ModelFileError(
      'MODEL_FILE_TRUNCATED',
      'Cannot load model: the file is empty; download or export it again.',
    );
  }
  if (n < 8) throw truncated(n, `at least ${MODEL_FILE_MIN_BYTES}`);
  const view = new DataView(input.buffer, input.byteOffset, n);
  const version = view.getUint32(4, true);
  checkVersion(version);
  if (n < 12) throw truncated(n, `at least ${MODEL_FILE_MIN_BYTES}`);
  const total = view.getUint32(8, true);
  if (total < MODEL_FILE_MIN_BYTES) {
    throw corrupt(`it declares an impossible length of ${total} bytes`);
  }
  if (n < total) throw truncated(n, String(total));
  if (n > total) {
    throw corrupt(`it has ${n - total} unexpected bytes after its declared end at ${total} bytes`);
  }

  const checksumAt = total - MODEL_FILE_CHECKSUM_BYTES;
  if (crc32(input.subarray(0, checksumAt)) !== view.getUint32(checksumAt, true)) {
    throw corrupt('checksum mismatch');
  }

  const headerLength = view.getUint32(12, true);
  const dataStart = alignModelFileOffset(MODEL_FILE_PREFIX_BYTES + headerLength);
  if (dataStart > checksumAt) {
    throw corrupt(`its header length ${headerLength} does not fit in a ${total}-byte file`);
  }
  const parsed = parseHeader(
    input.subarray(MODEL_FILE_PREFIX_BYTES, MODEL_FILE_PREFIX_BYTES + headerLength),
  );
  const entries = parseDirectory(parsed.tensors, checksumAt - dataStart);
  for (const entry of entries) {
    if (DTYPE_MIN_VERSION[entry.dtype] > version) {
      throw corrupt(
        `tensor "${entry.name}" has dtype ${entry.dtype}, which format version ${version} cannot hold`,
      );
    }
  }

  const tensors: Record<string, ModelTensor> = {};
  const shapes: Record<string, readonly number[]> = {};
  let hasShapes = false;
  for (const entry of entries) {
    const tensor = readTensorBytes(input, dataStart + entry.offset, entry.dtype, entry.length);
    defineOwn(tensors, entry.name, tensor);
    if (entry.shape !== undefined) {
      defineOwn(shapes, entry.name, entry.shape);
      hasShapes = true;
    }
  }
  return hasShapes
    ? { header: parsed.header, tensors, shapes }
    : { header: parsed.header, tensors };
}

function checkVersion(version: number): void {
  if (version > MODEL_FILE_VERSION) {
    throw new ModelFileError(
      'MODEL_FILE_VERSION',
      `Cannot load model: it was written by a newer Hearth (model file version ${version}; this version reads up to ${MODEL_FILE_VERSION}); upgrade Hearth to load it.`,
    );
  }
  if (version < MIN_MODEL_FILE_VERSION) {
    throw new ModelFileError(
      'MODEL_FILE_VERSION',
      `Cannot load model: its model file version ${version} is older than this Hearth supports (${MIN_MODEL_FILE_VERSION} to ${MODEL_FILE_VERSION}); train or export the model again with this version.`,
    );
  }
}

function truncated(have: number, need: string): ModelFileError {
  return new ModelFileError(
    'MODEL_FILE_TRUNCATED',
    `Cannot load model: the file is incomplete (${have} of ${need} bytes); download or export it again.`,
  );
}

function corrupt(detail: string): ModelFileError {
  return new ModelFileError(
    'MODEL_FILE_CORRUPT',
    `Cannot load model: the file is corrupted (${detail}); download or export it again.`,
  );
}

function parseHeader(bytes: Uint8Array): { header: JsonObject; tensors: unknown } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw corrupt(`its header is not valid UTF-8 JSON: ${jsonErrorDetail(error)}`);
  }
  if (!isJsonObject(parsed)) throw corrupt('its header is not a JSON object');
  const header = parsed['header'];
  if (!isJsonObject(header)) throw corrupt('its header has no "header" object');
  return { header, tensors: parsed['tensors'] };
}

/** Validates the tensor directory against a data section of `dataBytes` bytes. */
function parseDirectory(raw: unknown, dataBytes: number): ModelTensorEntry[] {
  if (!Array.isArray(raw)) throw corrupt('its header has no "tensors" list');
  const entries: ModelTensorEntry[] = [];
  const names = new Set<string>();
  for (let i = 0; i < raw.length; i++) {
    const entry = parseEntry(raw[i], `tensors[${i}]`, dataBytes);
    if (names.has(entry.name)) throw corrupt(`tensor "${entry.name}" appears twice`);
    names.add(entry.name);
    entries.push(entry);
  }
  const byOffset = entries
    .map((entry) => ({ entry, end: entry.offset + entry.length * DTYPE_BYTES[entry.dtype] }))
    .sort((a, b) => a.entry.offset - b.entry.offset || a.end - b.end);
  let previousEnd = 0;
  let previousName = '';
  for (const { entry, end } of byOffset) {
    if (entry.offset < previousEnd) {
      throw corrupt(`tensors "${previousName}" and "${entry.name}" overlap`);
    }
    previousEnd = end;
    previousName = entry.name;
  }
  return entries;
}

function parseEntry(raw: unknown, where: string, dataBytes: number): ModelTensorEntry {
  if (!isJsonObject(raw)) throw corrupt(`${where} is not an object`);
  const { name, dtype, shape, offset, length } = raw;
  if (typeof name !== 'string') throw corrupt(`${where}.name is not a string`);
  const label = `tensor "${name}"`;
  if (!isDType(dtype)) throw corrupt(`${label} has unknown dtype ${JSON.stringify(dtype)}`);
  if (!isCount(offset) || !isCount(length)) {
    throw corrupt(`${label} has an invalid offset or length`);
  }
  if (offset % MODEL_FILE_ALIGNMENT !== 0) {
    throw corrupt(
      `${label} starts at offset ${offset}, which is not ${MODEL_FILE_ALIGNMENT}-byte aligned`,
    );
  }
  if (offset + length * DTYPE_BYTES[dtype] > dataBytes) {
    throw corrupt(`${label} extends past the end of the data (${dataBytes} bytes)`);
  }
  if (shape === undefined) return { name, dtype, offset, length };
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    throw corrupt(`${label} has an invalid shape`);
  }
  const dims: number[] = shape;
  if (dims.reduce((product, dim) => product * dim, 1) !== length) {
    throw corrupt(`${label} has shape [${dims.join(', ')}] but ${length} elements`);
  }
  return { name, dtype, shape: dims, offset, length };
}

function isDType(value: unknown): value is ModelTensorDType {
  return (MODEL_TENSOR_DTYPES as readonly unknown[]).includes(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Sets an own enumerable property even for names like `__proto__`. */
function defineOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
