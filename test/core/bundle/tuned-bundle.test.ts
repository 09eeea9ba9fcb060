import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBundle, encodeBundle } from '../../../src/core/bundle/bundle-file';
import { createBundleRecommender } from '../../../src/core/bundle/bundle-recommender';
import type { ModelBundle } from '../../../src/core/bundle/model-bundle';
import { trainModelBundle } from '../../../src/core/bundle/train-bundle';
import { DEFAULT_EVENT_WEIGHTS } from '../../../src/core/data/types';
import { ModelFileError } from '../../../src/core/errors';
import { decodeModelFile, encodeModelFile } from '../../../src/core/model-file';
import type { JsonObject } from '../../../src/core/model-file';
import { smallBundleData } from '../../fixtures/synthetic';

const { dataset, catalog } = smallBundleData();
const WEIGHTS = { ...DEFAULT_EVENT_WEIGHTS, view: 3, click: 5 };
let tuned: ModelBundle;
let blended: ModelBundle;

beforeAll(async () => {
  tuned = await trainModelBundle({
    dataset,
    catalog,
    eventWeights: WEIGHTS,
    // Fixed so visitor weights matter at fold-in (binary confidence would ignore them).
    confidence: 'linear',
    tune: true,
    maxTrials: 4,
    mf: { factors: 8, epochs: 3 },
  });
  // A blend carries neighbour lists whatever the data; forced here so the test always covers it.
  blended = { ...tuned };
  const lists = (
    await trainModelBundle({
      dataset,
      catalog,
      tune: true,
      maxTrials: 2,
      mf: { factors: 8, epochs: 3 },
    })
  ).neighborScoring;
  if (lists) blended = { ...tuned, neighborScoring: lists };
});

/** Re-encodes `bytes` with header fields removed: a file written before tuning existed. */
function withoutTuningSections(bytes: Uint8Array): Uint8Array {
  const { header, tensors } = decodeModelFile(bytes);
  const old: Record<string, unknown> = { ...header };
  for (const key of ['eventWeights', 'confidence', 'tuning', 'neighborScoring']) delete old[key];
  const oldTensors = Object.fromEntries(
    Object.entries(tensors).filter(([name]) => !name.startsWith('nbr.')),
  );
  return encodeModelFile({ header: old as JsonObject, tensors: oldTensors });
}

describe('tuned bundles', () => {
  it('record the event weights, confidence transform and tuning choice, and read them back', () => {
    expect(tuned.eventWeights).toEqual(WEIGHTS);
    expect(tuned.tuning).toMatchObject({ tuned: true });
    expect(tuned.tuning!.candidates.length).toBeGreaterThan(1);
    const back = decodeBundle(encodeBundle(tuned));
    expect(back.eventWeights).toEqual(WEIGHTS);
    expect(back.confidence).toEqual(tuned.confidence);
    expect(back.tuning).toMatchObject({
      family: tuned.tuning!.family,
      confidence: tuned.tuning!.confidence,
      mf: tuned.tuning!.mf,
    });
    expect(back.neighborScoring !== undefined).toBe(tuned.neighborScoring !== undefined);
  });

  it('carry neighbour lists over every item (catalog-only items have none) and serve them', () => {
    const scoring = blended.neighborScoring;
    if (!scoring) return; // tuning on this data chose pure MF both times
    expect(scoring.lists.numItems).toBe(blended.itemIds.length);
    const back = decodeBundle(encodeBundle(blended));
    expect(back.neighborScoring!.lists.indices).toEqual(scoring.lists.indices);
    const row = createBundleRecommender({ bundle: back }).recommend({
      type: 'for-you',
      history: [{ itemId: back.itemIds[0]!, type: 'click' }],
      k: 5,
    });
    expect(row.items.length).toBe(5);
    expect(row.source).toBe('personal');
  });

  it('a file written before tuning existed loads with the defaults and serves', () => {
    const old = decodeBundle(withoutTuningSections(encodeBundle(blended)));
    expect(old.eventWeights).toBeUndefined();
    expect(old.confidence).toBeUndefined();
    expect(old.tuning).toBeUndefined();
    expect(old.neighborScoring).toBeUndefined();
    const row = createBundleRecommender({ bundle: old }).recommend({
      type: 'for-you',
      history: [{ itemId: old.itemIds[0]!, type: 'click' }],
      k: 5,
    });
    expect(row.items.length).toBe(5);
  });

  it('the runtime folds visitors in with the bundle event weights, not the defaults', () => {
    const history = [
      { itemId: tuned.itemIds[0]!, type: 'view' as const },
      { itemId: tuned.itemIds[1]!, type: 'click' as const },
    ];
    const request = { type: 'for-you' as const, history, k: 10 };
    const own = createBundleRecommender({ bundle: tuned }).recommend(request);
    const asDefault = createBundleRecommender({
      bundle: { ...tuned, eventWeights: DEFAULT_EVENT_WEIGHTS },
    }).recommend(request);
    const asOwn = createBundleRecommender({
      bundle: tuned,
      eventWeights: DEFAULT_EVENT_WEIGHTS,
    }).recommend(request);
    expect(asOwn.items.map((i) => i.score)).toEqual(own.items.map((i) => i.score));
    expect(asDefault.items.map((i) => i.score)).not.toEqual(own.items.map((i) => i.score));
  });

  it('rejects a corrupt neighbour section', () => {
    const scoring = blended.neighborScoring;
    if (!scoring) return;
    const { header, tensors } = decodeModelFile(encodeBundle(blended));
    const bad = { ...tensors, 'nbr.indices': scoring.lists.indices.map(() => 10 ** 6) };
    expect(() => decodeBundle(encodeModelFile({ header, tensors: bad }))).toThrow(ModelFileError);
  });
});
