import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext, BenchResults, BenchSection } from '../bench-types';
import { measureFirstRow, REFERENCE_LINK } from '../scale/first-row';
import { buildScaleShop } from '../scale/scale-shop';

/** Shops measured: products and events (seed 7), and the key each reports under. */
const SHOPS = [
  { key: 'items100k', items: 100_000, events: 1_000_000 },
  { key: 'items1m', items: 1_000_000, events: 2_000_000 },
] as const;

/**
 * Time and bytes to the first personal row in a visitor's browser for large generated shops: each
 * shop is generated (`hearth-recs generate`, seed 7) and trained with the shipped CLI
 * (`--no-tune`: the fixed defaults, so the bench measures delivery, not a tuning budget), then a
 * cold-cache visit of a plain page with the script-tag widget, a visitor with three earlier views
 * and a for-you row, over a 20 Mbit/s / 40 ms link shaped at the server (bandwidth shared by all
 * responses, the round trip before each response). Bytes are what went over the wire (gzip) before
 * the row showed; tab memory is `performance.measureUserAgentSpecificMemory()` (page + worker) at
 * the row and once the page has stopped downloading (the full model in use after its head).
 */
async function run(ctx: BenchContext): Promise<BenchResults> {
  const out: BenchResults = {};
  for (const shop of SHOPS) {
    const key = `scale.${shop.key}`;
    ctx.log(`scale: generating and training ${shop.items.toLocaleString('en-US')} products`);
    const built = buildScaleShop({
      items: shop.items,
      events: shop.events,
      trainFlags: ['--no-tune'],
    });
    try {
      out[`${key}.trainMs`] = Math.round(built.trainMs);
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
        `scale: ${shop.key}: first personal row ${visit.firstRowMs.toFixed(0)} ms, ${(visit.transferBytes / 1e6).toFixed(2)} MB on the wire (model + catalog ${(visit.modelCatalogBytes / 1e6).toFixed(2)} MB), tab ${visit.tabMemoryMB?.toFixed(0) ?? 'n/a'} MB; files ${visit.files.map((f) => `${f.path} ${f.bytes}`).join(', ')}`,
      );
    } finally {
      built.dispose();
    }
  }
  out['scale.link'] =
    `${(REFERENCE_LINK.bytesPerSecond * 8) / 1e6} Mbit/s, ${REFERENCE_LINK.rttMs} ms RTT, cold cache`;
  return out;
}

/** Bench section: first personal row for 100k- and 1M-product shops over a throttled link. */
export const section: BenchSection = { title: 'Scale: first personal row', run };
