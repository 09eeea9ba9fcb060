import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { encodeBundle, type FactorEncoding } from '../../src/core/bundle/bundle-file';
import { PARAMETER_RULE } from '../../src/core/bundle/check-bundle-values';
import { decodeServingBundle } from '../../src/core/bundle/decode-bundle';
import { decodeItemFactors } from '../../src/core/bundle/dequantize-factors';
import { headOfBundle } from '../../src/core/bundle/head-bundle';
import type { ModelBundle } from '../../src/core/bundle/model-bundle';
import { quantizeInt8Rows, toFloat16 } from '../../src/core/bundle/quantize-factors';
import { splitCatalogIntoShards } from '../../src/core/catalog/catalog-shard-writer';
import type { CsrMatrix } from '../../src/core/data/csr-matrix';
import { DEFAULT_EVENT_WEIGHTS } from '../../src/core/data/types';
import { evaluateScorer } from '../../src/core/eval/evaluate';
import { splitInteractions, type Split } from '../../src/core/eval/split';
import {
  mfModelFromParams,
  type MfModel,
  type MfModelParamKey,
} from '../../src/core/models/mf/mf-model';
import { createTypedMfPath, DEFAULT_MF_OPTIONS } from '../../src/core/models/mf/train-typed';
import { createRng } from '../../src/core/random';
import { rowWeightsOf } from '../../src/core/tune/confidence-fit';
import { carveValidationSplit } from '../../src/core/tune/validation-split';
import { generateCatalog } from '../../src/core/demo-data';
import { createFoldInScorer } from '../../src/federated/fold-in-scorer';
import { DEFAULT_HEAD_ITEMS } from '../../src/cli/commands/model-delivery';
import type { BenchContext, BenchResults, BenchSection } from '../bench-types';
import { generateDemoShop } from '../datasets';
import { loadMl100k } from '../ml100k';

const SEED = 42;
const ENCODINGS: readonly FactorEncoding[] = ['int8', 'float16'];
const round = (x: number, digits = 4): number => Number(x.toFixed(digits));

/** The factors of `model` after writing them with `encoding` and reading them back (the real decoder). */
function throughFile(model: MfModel, encoding: FactorEncoding): MfModel {
  const k = model.factors;
  const n = model.numItems;
  const tensors =
    encoding === 'int8'
      ? (({ values, scales }) => ({ 'mf.itemFactors': values, 'mf.itemFactorScales': scales }))(
          quantizeInt8Rows(model.itemFactors, k),
        )
      : encoding === 'float16'
        ? { 'mf.itemFactors': toFloat16(model.itemFactors) }
        : { 'mf.itemFactors': model.itemFactors };
  const itemFactors = decodeItemFactors({
    tensors,
    encoding,
    numItems: n,
    factors: k,
    rule: { ...PARAMETER_RULE, rowLength: k },
  });
  return { ...model, itemFactors };
}

/**
 * NDCG@10 of MF with the fixed defaults trained on `split.train`, every user folded in and scored
 * against the item factors as each encoding delivers them (what a device does with the file).
 */
async function ndcgByEncoding(split: Split): Promise<Record<FactorEncoding, number>> {
  const { model } = await createTypedMfPath().train(split.train, {
    ...DEFAULT_MF_OPTIONS,
    seed: SEED,
  });
  const ndcg = (m: MfModel): number =>
    evaluateScorer(createFoldInScorer(m, split.train), split, { ks: [10], auc: false })['ndcg@10']!;
  return {
    float32: ndcg(model),
    int8: ndcg(throughFile(model, 'int8')),
    float16: ndcg(throughFile(model, 'float16')),
  };
}

const lossPct = (base: number, other: number): number => (100 * (base - other)) / base;

/** The validation split carved from a training matrix, as a Split `evaluateScorer` reads. */
function validationOf(train: CsrMatrix): Split {
  const v = carveValidationSplit(train, { seed: SEED });
  return { protocol: 'random', train: v.fit, test: v.heldOut, evaluatedUsers: v.users.length };
}

/**
 * Quantization loss on one data set: on a validation split carved from the training part (what
 * chose the default encoding) and on the reported test split (protocol random, seed 42).
 */
async function qualityLoss(
  ctx: BenchContext,
  name: string,
  dataset: Parameters<typeof splitInteractions>[0],
): Promise<BenchResults> {
  const rowWeights = rowWeightsOf(dataset, DEFAULT_EVENT_WEIGHTS);
  const split = splitInteractions(dataset, { protocol: 'random', seed: SEED, rowWeights });
  const validation = await ndcgByEncoding(validationOf(split.train));
  const test = await ndcgByEncoding(split);
  const out: BenchResults = {
    [`scale.quantization.${name}.float32.ndcg10`]: round(test.float32),
  };
  for (const encoding of ENCODINGS) {
    out[`scale.quantization.${name}.${encoding}.ndcg10`] = round(test[encoding]);
    out[`scale.quantization.${name}.${encoding}.lossPct`] = round(
      lossPct(test.float32, test[encoding]),
      3,
    );
    out[`scale.quantization.${name}.${encoding}.validationLossPct`] = round(
      lossPct(validation.float32, validation[encoding]),
      3,
    );
  }
  ctx.log(
    `quantization ${name}: NDCG@10 float32 ${test.float32.toFixed(4)}, int8 ${test.int8.toFixed(4)}, float16 ${test.float16.toFixed(4)} (validation: ${validation.float32.toFixed(4)}, ${validation.int8.toFixed(4)}, ${validation.float16.toFixed(4)})`,
  );
  return out;
}

/**
 * A bundle of `n` items × 64 factors with synthetic, seeded values: N(0, 0.3²) factors (random
 * values compress worse than trained ones, so gzip figures are an upper bound), Zipf-like
 * popularity, 10 co-occurrence neighbours per item, ids like a shop's SKUs, no content tower.
 */
function syntheticBundle(n: number, factors: number): ModelBundle {
  const rng = createRng(SEED + n);
  const itemFactors = new Float32Array(n * factors);
  for (let i = 0; i < itemFactors.length; i++) itemFactors[i] = rng.normal() * 0.3;
  const itemBias = new Float32Array(n);
  const popularity = new Float32Array(n);
  const trending = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    itemBias[i] = rng.normal() * 0.05;
    popularity[i] = Math.floor(5000 / (i + 1) ** 0.8);
    trending[i] = popularity[i]! * rng.next();
  }
  const neighbours = 10;
  const indptr = new Int32Array(n + 1);
  const indices = new Int32Array(n * neighbours);
  const scores = new Float32Array(n * neighbours);
  for (let i = 0; i < n; i++) {
    indptr[i + 1] = (i + 1) * neighbours;
    for (let j = 0; j < neighbours; j++) {
      indices[i * neighbours + j] = rng.int(n);
      scores[i * neighbours + j] = 1 + rng.int(50);
    }
  }
  return {
    createdAt: '2026-01-01T00:00:00.000Z',
    itemIds: Array.from({ length: n }, (_, i) => `sku-${String(i).padStart(7, '0')}`),
    mf: mfModelFromParams(
      { ...DEFAULT_MF_OPTIONS, factors, userWeightNorm: 1 } as Record<MfModelParamKey, number>,
      n,
      itemFactors,
      itemBias,
    ),
    popularity,
    trending: { scores: trending, now: 1.7e12, halfLifeMs: 7 * 86_400_000 },
    coOccurrence: { numItems: n, indptr, indices, scores },
    contentTower: null,
    training: {
      computePath: 'typed',
      computeChoice: 'synthetic',
      epochs: 0,
      trainMs: 0,
      finalLoss: 0,
      users: 0,
      interactions: 0,
      coldItems: 0,
    },
  };
}

/**
 * Model bytes (raw, gzip) per encoding, the int8 factors alone, the int8 head of the 10,000 most
 * popular items when there are more (what a page needs before its first row), and the decode time
 * of the int8 file.
 */
function modelBytes(ctx: BenchContext, label: string, n: number): BenchResults {
  const bundle = syntheticBundle(n, 64);
  const out: BenchResults = {};
  for (const encoding of ['float32', ...ENCODINGS] as const) {
    const bytes = encodeBundle(bundle, { itemFactors: encoding });
    out[`scale.${label}.${encoding}.modelBytes`] = bytes.length;
    out[`scale.${label}.${encoding}.modelGzipBytes`] = gzipSync(bytes).length;
    if (encoding === 'int8') {
      const { values, scales } = quantizeInt8Rows(bundle.mf.itemFactors, 64);
      out[`scale.${label}.int8.factorGzipBytes`] =
        gzipSync(values).length + gzipSync(new Uint8Array(scales.buffer)).length;
      const started = performance.now();
      decodeServingBundle(bytes);
      out[`scale.${label}.int8.decodeMs`] = round(performance.now() - started, 1);
    }
  }
  if (n > DEFAULT_HEAD_ITEMS) {
    const head = headOfBundle({ bundle, items: DEFAULT_HEAD_ITEMS, fullModel: 'model.hearth' });
    out[`scale.${label}.int8.headGzipBytes`] = gzipSync(
      encodeBundle(head, { itemFactors: 'int8' }),
    ).length;
  }
  ctx.log(
    `model ${label}: float32 ${out[`scale.${label}.float32.modelGzipBytes`]} B gzip, int8 ${out[`scale.${label}.int8.modelGzipBytes`]} B gzip`,
  );
  return out;
}

/** The sharded demo catalog at `n` products: index size and shard sizes (gzip). */
function catalogBytes(ctx: BenchContext, label: string, n: number): BenchResults {
  const { items } = generateCatalog({ seed: SEED, products: n });
  const single = gzipSync(JSON.stringify(items)).length;
  const { index, files } = splitCatalogIntoShards({
    items,
    nameShard: (text, shard) =>
      `catalog-shards/${shard}-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.json`,
  });
  const shardGzip = files.map((f) => gzipSync(f.text).length).sort((a, b) => a - b);
  const median = shardGzip[Math.floor(shardGzip.length / 2)]!;
  const indexGzip = gzipSync(JSON.stringify(index)).length;
  ctx.log(
    `catalog ${label}: single file ${single} B gzip; index ${indexGzip} B + ${files.length} shards of ~${median} B gzip`,
  );
  return {
    [`scale.${label}.catalog.singleGzipBytes`]: single,
    [`scale.${label}.catalog.shards`]: files.length,
    [`scale.${label}.catalog.indexGzipBytes`]: indexGzip,
    [`scale.${label}.catalog.shardMedianGzipBytes`]: median,
    // A row of 10 cards whose items (and reasons) fall in 10 different shards: the worst case.
    [`scale.${label}.catalog.rowOf10GzipBytes`]: indexGzip + 10 * median,
  };
}

/**
 * Compact model delivery (issue 12): NDCG@10 lost by quantizing item factors (int8 with per-row
 * scales, float16) on ML-100K and the demo shop (MF with the fixed defaults, users folded in
 * against the delivered factors; protocol random, seed 42; the validation loss is what chose the
 * default), model bytes at 10k and 100k synthetic items, and the sharded catalog's bytes.
 */
export async function run(ctx: BenchContext): Promise<BenchResults> {
  const out: BenchResults = {};
  const losses: number[] = [];
  if (ctx.ml100kDir !== null) {
    const { dataset } = await loadMl100k(ctx.ml100kDir);
    Object.assign(out, await qualityLoss(ctx, 'ml100k', dataset));
    losses.push(out['scale.quantization.ml100k.int8.lossPct'] as number);
  } else {
    ctx.log('MovieLens 100K not found: quantization loss measured on the demo shop only.');
  }
  Object.assign(out, await qualityLoss(ctx, 'demoShop', generateDemoShop().dataset));
  losses.push(out['scale.quantization.demoShop.int8.lossPct'] as number);
  out['scale.items100k.quantNdcgLossPct'] = Math.max(...losses);
  Object.assign(out, modelBytes(ctx, 'items10k', 10_000), modelBytes(ctx, 'items100k', 100_000));
  Object.assign(out, catalogBytes(ctx, 'items100k', 100_000));
  return out;
}

/** Bench section: quantized model delivery and catalog shards at scale. */
export const section: BenchSection = { title: 'Scale: quantized model and catalog shards', run };
