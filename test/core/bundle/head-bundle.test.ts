import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBundle, encodeBundle } from '../../../src/core/bundle/bundle-file';
import { decodeServingBundle } from '../../../src/core/bundle/decode-bundle';
import { headOfBundle } from '../../../src/core/bundle/head-bundle';
import type { ModelBundle } from '../../../src/core/bundle/model-bundle';
import { trainModelBundle } from '../../../src/core/bundle/train-bundle';
import { OptionError } from '../../../src/core/errors';
import { smallBundleData } from '../../fixtures/synthetic';
import { editBundleFile, expectModelFileError } from './edit-bundle-file';

const { dataset, catalog } = smallBundleData();
let full: ModelBundle;
let head: ModelBundle;
const HEAD = 12;

beforeAll(async () => {
  full = await trainModelBundle({ dataset, catalog, mf: { factors: 8, epochs: 3 } });
  head = headOfBundle({ bundle: full, items: HEAD, fullModel: 'model.hearth' });
});

describe('headOfBundle', () => {
  it('keeps the most popular items, most popular first, with their own rows', () => {
    expect(head.itemIds).toHaveLength(HEAD);
    const pops = Array.from(head.popularity);
    expect(pops).toEqual([...pops].sort((a, b) => b - a));
    const cut = pops[HEAD - 1]!;
    const outside = full.itemIds.filter((id) => !head.itemIds.includes(id));
    for (const id of outside)
      expect(full.popularity[full.itemIds.indexOf(id)]).toBeLessThanOrEqual(cut);
    const k = full.mf.factors;
    head.itemIds.forEach((id, i) => {
      const old = full.itemIds.indexOf(id);
      expect(Array.from(head.mf.itemFactors.subarray(i * k, i * k + k))).toEqual(
        Array.from(full.mf.itemFactors.subarray(old * k, old * k + k)),
      );
      expect(head.mf.itemBias[i]).toBe(full.mf.itemBias[old]);
      expect(head.trending.scores[i]).toBe(full.trending.scores[old]);
    });
    expect(head.head).toEqual({ fullModel: 'model.hearth', totalItems: full.itemIds.length });
    expect(head.contentTower).toBeNull();
  });

  it('keeps exactly the co-occurrence pairs inside the head, renumbered', () => {
    const pairs = (b: ModelBundle, keep: Set<string>): string[] => {
      const out: string[] = [];
      const { indptr, indices, scores } = b.coOccurrence;
      for (let i = 0; i < b.itemIds.length; i++) {
        for (let p = indptr[i]!; p < indptr[i + 1]!; p++) {
          const pair = `${b.itemIds[i]}>${b.itemIds[indices[p]!]}:${scores[p]}`;
          if (keep.has(b.itemIds[i]!) && keep.has(b.itemIds[indices[p]!]!)) out.push(pair);
        }
      }
      return out.sort();
    };
    const inHead = new Set(head.itemIds);
    const kept = pairs(head, inHead);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept).toEqual(pairs(full, inHead));
  });

  it('round-trips through a schema-2 file with int8 factors', () => {
    const back = decodeBundle(encodeBundle(head, { itemFactors: 'int8' }));
    expect(back.head).toEqual(head.head);
    expect(back.itemIds).toEqual(head.itemIds);
    expect(decodeServingBundle(encodeBundle(head)).head).toEqual(head.head);
  });

  it('refuses a bad size or the head of a head', () => {
    expect(() => headOfBundle({ bundle: full, items: 0, fullModel: 'm' })).toThrow(OptionError);
    expect(() => headOfBundle({ bundle: head, items: 5, fullModel: 'm' })).toThrow(/head already/);
    expect(headOfBundle({ bundle: full, items: 10_000, fullModel: 'm' }).itemIds).toHaveLength(
      full.itemIds.length,
    );
  });

  it('a head field that is not usable, or in a schema-1 file, is MODEL_FILE_CORRUPT', () => {
    const bytes = encodeBundle(head);
    for (const bad of [
      null,
      { fullModel: '', totalItems: 40 },
      { fullModel: 'm', totalItems: 3 },
    ]) {
      const file = editBundleFile(bytes, (h) => {
        h['head'] = bad;
      });
      expect(expectModelFileError(() => decodeServingBundle(file), 'MODEL_FILE_CORRUPT')).toMatch(
        /head: needs the full model file name/,
      );
    }
    const schema1 = editBundleFile(bytes, (h) => {
      h['schema'] = 1;
    });
    expect(expectModelFileError(() => decodeServingBundle(schema1), 'MODEL_FILE_CORRUPT')).toMatch(
      /head in a schema-1 bundle/,
    );
  });
});
