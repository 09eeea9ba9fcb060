import { expect } from 'vitest';
import { ModelFileError } from '../../../src/core/errors';
import {
  decodeModelFile,
  encodeModelFile,
  type JsonObject,
  type ModelTensor,
} from '../../../src/core/model-file';

/** Expects `fn` to throw a `ModelFileError` with `code`; returns its message. */
export function expectModelFileError(fn: () => unknown, code: string): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as ModelFileError).code).toBe(code);
    return (error as ModelFileError).message;
  }
  throw new Error(`expected a ModelFileError ${code}`);
}

/** `bytes` re-encoded with edited header and tensors (valid length and checksum). */
export function editBundleFile(
  bytes: Uint8Array,
  edit: (header: Record<string, unknown>, tensors: Record<string, ModelTensor>) => void,
): Uint8Array {
  const content = decodeModelFile(bytes);
  const header = structuredClone(content.header) as Record<string, unknown>;
  const tensors: Record<string, ModelTensor> = { ...content.tensors };
  edit(header, tensors);
  return encodeModelFile({ header: header as JsonObject, tensors });
}
