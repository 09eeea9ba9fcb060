import { describe, expect, it } from 'vitest';
import { findNonJson, isJsonObject } from '../../../src/core/model-file/json-value';

describe('isJsonObject', () => {
  it('accepts objects only', () => {
    expect(isJsonObject({})).toBe(true);
    expect(isJsonObject({ a: [1] })).toBe(true);
    expect(isJsonObject([])).toBe(false);
    expect(isJsonObject(null)).toBe(false);
    expect(isJsonObject('x')).toBe(false);
  });
});

describe('findNonJson', () => {
  it('accepts plain JSON, including null-prototype objects', () => {
    const bare = Object.create(null) as Record<string, number>;
    bare['k'] = 1;
    expect(findNonJson({ a: [1, 'two', null, true, { b: -0.5 }], bare }, 'header')).toBeUndefined();
  });

  it('names the path of the first value JSON cannot hold', () => {
    expect(findNonJson({ a: { lr: Number.NaN } }, 'header')).toBe('header.a.lr is NaN');
    expect(findNonJson({ a: [1, Infinity] }, 'header')).toBe('header.a[1] is Infinity');
    expect(findNonJson({ a: undefined }, 'header')).toBe('header.a is undefined');
    expect(findNonJson({ f: () => 1 }, 'header')).toBe('header.f is a function');
    expect(findNonJson({ n: 1n }, 'header')).toBe('header.n is a bigint');
    expect(findNonJson({ d: new Date(0) }, 'header')).toBe(
      'header.d is not a plain object or array',
    );
    expect(findNonJson({ m: new Map() }, 'header')).toBe('header.m is not a plain object or array');
  });

  it('reports cycles but allows shared, non-cyclic references', () => {
    const shared = { x: 1 };
    expect(findNonJson({ a: shared, b: shared }, 'h')).toBeUndefined();
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(findNonJson(cyclic, 'h')).toBe('h.self refers back to itself');
  });
});
