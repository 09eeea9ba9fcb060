import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext, BenchResults, BenchSection } from '../bench-types';
import { median } from '../bench-stats';
import {
  createInteractionParser,
  parseCatalog,
  parseInteractions,
} from '../../src/core/data/parse/index';

const WARMUP_RUNS = 10;
const TIMED_RUNS = 20;
const STREAM_CHUNK_BYTES = 1 << 16;

/** Median wall time of `run` after warm-up, in milliseconds. */
async function timeMs(run: () => Promise<unknown> | unknown): Promise<number> {
  for (let i = 0; i < WARMUP_RUNS; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < TIMED_RUNS; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** Parsing speed on MovieLens 100K: `u.data` one-shot and in 64 KiB chunks, and `u.item`. */
export const section: BenchSection = {
  title: 'Data parsing (MovieLens 100K)',
  async run(ctx: BenchContext): Promise<BenchResults> {
    if (ctx.ml100kDir === null) {
      ctx.log('parse: MovieLens 100K not found; skipping (set up ml-100k to measure parsing).');
      return {
        'parse.ml100k.ms': null,
        'parse.ml100k.rowsPerSec': null,
        'parse.ml100k.streamed64k.ms': null,
        'parse.ml100k.items.ms': null,
      };
    }
    const data = new Uint8Array(readFileSync(join(ctx.ml100kDir, 'u.data')));
    const itemBytes = new Uint8Array(readFileSync(join(ctx.ml100kDir, 'u.item')));
    const rows = (await parseInteractions(data)).report.acceptedRows;

    const ms = await timeMs(() => parseInteractions(data));
    const streamedMs = await timeMs(() => {
      const parser = createInteractionParser();
      for (let i = 0; i < data.length; i += STREAM_CHUNK_BYTES) {
        parser.push(data.subarray(i, i + STREAM_CHUNK_BYTES));
      }
      return parser.finish();
    });
    const itemsMs = await timeMs(() => parseCatalog(itemBytes));
    ctx.log(
      `parse: u.data ${rows} rows in ${ms.toFixed(1)} ms (${streamedMs.toFixed(1)} ms in 64 KiB chunks); ` +
        `u.item in ${itemsMs.toFixed(1)} ms`,
    );
    return {
      'parse.ml100k.ms': ms,
      'parse.ml100k.rowsPerSec': Math.round((rows / ms) * 1000),
      'parse.ml100k.streamed64k.ms': streamedMs,
      'parse.ml100k.items.ms': itemsMs,
    };
  },
};
