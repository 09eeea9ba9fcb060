/**
 * One shop of the first-row benches: generated (`hearth-recs generate`, seed 7), trained with the
 * shipped CLI, then one cold visit measured (see `./first-row`). Keys under `scale.<key>`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BenchContext, BenchResults } from '../bench-types';
import { measureFirstRow, REFERENCE_LINK } from './first-row';
import { buildScaleShop } from './scale-shop';

/** A shop to measure. */
export interface FirstRowShop {
  /** Key under `scale.` (e.g. `items100k`). */
  readonly key: string;
  readonly items: number;
  readonly events: number;
  /** Flags of `hearth-recs train` besides input and output. */
  readonly trainFlags: readonly string[];
}

/** Generates, trains and visits `shop`; its results keyed `scale.<key>.*`. */
export async function measureFirstRowShop(
  shop: FirstRowShop,
  ctx: BenchContext,
): Promise<BenchResults> {
  const out: BenchResults = {};
  const key = `scale.${shop.key}`;
  ctx.log(`scale: generating and training ${shop.items.toLocaleString('en-US')} products`);
  const built = buildScaleShop(shop);
  try {
    out[`${key}.trainMs`] = Math.round(built.trainMs);
    out[`${key}.trainFlags`] = shop.trainFlags.join(' ');
    const model = readFileSync(join(built.modelDir, 'model.hearth'));
    out[`${key}.modelBytes`] = model.length;
    out[`${key}.modelGzipBytes`] = gzipSync(model, { level: 6 }).length;
    const src = (name: string, fallback: string): string =>
      typeof built.summary[name] === 'string' ? (built.summary[name] as string) : fallback;
    const visit = await measureFirstRow({
      modelDir: built.modelDir,
      modelSrc: src('modelSrc', 'model.hearth'),
      catalogSrc: src('catalogSrc', 'catalog.json'),
      history: built.history,
    });
    out[`${key}.modelSrc`] = src('modelSrc', 'model.hearth');
    out[`${key}.firstRowMs`] = Math.round(visit.firstRowMs);
    out[`${key}.transferGzipBytes`] = visit.transferBytes;
    out[`${key}.modelCatalogGzipBytes`] = visit.modelCatalogBytes;
    out[`${key}.filesBeforeFirstRow`] = visit.files.length;
    if (visit.tabMemoryAtFirstRowMB !== null) {
      out[`${key}.tabMemoryAtFirstRowMB`] = Number(visit.tabMemoryAtFirstRowMB.toFixed(1));
    }
    if (visit.tabMemoryMB !== null)
      out[`${key}.tabMemoryMB`] = Number(visit.tabMemoryMB.toFixed(1));
    ctx.log(
      `scale: ${shop.key}: first personal row ${visit.firstRowMs.toFixed(0)} ms, ${(visit.transferBytes / 1e6).toFixed(2)} MB on the wire (model + catalog ${(visit.modelCatalogBytes / 1e6).toFixed(2)} MB), tab ${visit.tabMemoryAtFirstRowMB?.toFixed(0) ?? 'n/a'} MB at the row, ${visit.tabMemoryMB?.toFixed(0) ?? 'n/a'} MB once loaded`,
    );
  } finally {
    built.dispose();
  }
  out['scale.link'] =
    `${(REFERENCE_LINK.bytesPerSecond * 8) / 1e6} Mbit/s, ${REFERENCE_LINK.rttMs} ms RTT, cold cache`;
  return out;
}
