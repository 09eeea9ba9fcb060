import { describe, expect, it } from 'vitest';
import {
  BackendError,
  CancelledError,
  DataError,
  HearthError,
  ModelFileError,
  OptionError,
} from '../../src/core/errors';
import {
  errorFromWire,
  errorToWire,
  resolveConfigUrls,
  transferableBytes,
  wireRowRequest,
  withoutSignal,
} from '../../src/worker/serialize';

describe('error round trip', () => {
  it.each([
    new DataError('INVALID_ROW', 'row 3: bad item'),
    new OptionError('k must be ≥ 1'),
    new ModelFileError('MODEL_FILE_TRUNCATED', 'short'),
    new BackendError('BACKEND_FAILED', 'device lost'),
    new CancelledError(),
    new HearthError('DISPOSED', 'gone'),
  ])('keeps class, name, code and message of $name $code through structured clone', (error) => {
    const back = errorFromWire(structuredClone(errorToWire(error)));
    expect(back).toBeInstanceOf(error.constructor);
    expect(back).toBeInstanceOf(HearthError);
    expect(back.name).toBe(error.name);
    expect(back.code).toBe(error.code);
    expect(back.message).toBe(error.message);
  });

  it('turns a DOM AbortError into CancelledError and other errors into BACKEND_FAILED', () => {
    const abort = errorFromWire(errorToWire(new DOMException('aborted', 'AbortError')));
    expect(abort).toBeInstanceOf(CancelledError);
    const plain = errorFromWire(errorToWire(new TypeError('x is undefined')));
    expect(plain).toMatchObject({
      name: 'HearthError',
      code: 'BACKEND_FAILED',
      message: 'x is undefined',
    });
    expect(errorToWire('a string')).toMatchObject({ code: 'BACKEND_FAILED', message: 'a string' });
  });
});

describe('wire helpers', () => {
  it('transferableBytes copies into an exactly sized buffer and leaves the caller intact', () => {
    const backing = new Uint8Array([9, 1, 2, 3, 9]);
    const view = backing.subarray(1, 4);
    const { bytes, transfer } = transferableBytes(view);
    expect([...bytes]).toEqual([1, 2, 3]);
    expect(transfer).toEqual([bytes.buffer]);
    expect(bytes.buffer.byteLength).toBe(3);
    structuredClone(bytes, { transfer });
    expect(bytes.byteLength).toBe(0);
    expect([...view]).toEqual([1, 2, 3]);
  });

  it('withoutSignal drops only the signal', () => {
    const options = { format: 'csv', signal: new AbortController().signal } as const;
    expect(withoutSignal(options)).toEqual({ format: 'csv' });
  });

  it('wireRowRequest refuses predicates and passes plain filters', () => {
    const plain = { type: 'popular', k: 2, filters: { minPrice: 3 } } as const;
    expect(wireRowRequest(plain)).toBe(plain);
    expect(() =>
      wireRowRequest({ type: 'popular', k: 2, filters: { predicate: () => true } }),
    ).toThrow(OptionError);
  });

  it('resolves relative config URLs against the page', () => {
    const config = resolveConfigUrls(
      { modelUrl: 'models/m.hearth', catalogUrl: '/c.jsonl', dbName: 'x' },
      'https://shop.example/app/index.html',
    );
    expect(config).toEqual({
      modelUrl: 'https://shop.example/app/models/m.hearth',
      catalogUrl: 'https://shop.example/c.jsonl',
      dbName: 'x',
    });
    expect(resolveConfigUrls({ modelUrl: 'm' }, undefined)).toEqual({ modelUrl: 'm' });
  });
});
