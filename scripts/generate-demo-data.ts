/**
 * Writes Hearth's demo storefront data:
 *
 *   npx tsx scripts/generate-demo-data.ts [--out public/demo] [--seed 7] [--products 2400]
 *     [--shoppers 3000] [--days 90] [--end 2026-11-01] [--check]
 *
 * Output: catalog.jsonl, events.csv, images/<id>.svg and manifest.json. The same options give
 * the same bytes. `--check` also trains MF, ItemKNN and popularity on the events and prints
 * their ranking metrics (a sanity check that the data has learnable structure).
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { HearthError } from '../src/core/errors';
import { runEvaluation, type EvaluationModel } from '../src/core/eval/run-evaluation';
import {
  catalogToJsonl,
  eventsToCsv,
  eventsToDataset,
  generateDemoData,
  productSvg,
  type DemoData,
  type DemoDataOptions,
} from '../src/core/demo-data';

/** Options of {@link writeDemoFiles}. */
export interface WriteDemoFilesOptions extends DemoDataOptions {
  /** Output directory (created if missing). */
  readonly out: string;
}

/** Sizes of what {@link writeDemoFiles} wrote, in bytes. */
export interface WrittenDemoFiles {
  readonly data: DemoData;
  readonly catalogBytes: number;
  readonly eventsBytes: number;
  readonly imageBytes: number;
  readonly largestImageBytes: number;
}

/**
 * Generates the demo data and writes it under `out`. Stale `images/p*.svg` files of an earlier,
 * larger catalog are removed so that the directory matches the manifest.
 */
export async function writeDemoFiles(options: WriteDemoFilesOptions): Promise<WrittenDemoFiles> {
  const data = generateDemoData(options);
  const imagesDir = join(options.out, 'images');
  await mkdir(imagesDir, { recursive: true });
  const catalogText = catalogToJsonl(data.catalog.items);
  const eventsText = eventsToCsv(data.events);
  const encoder = new TextEncoder();
  await writeFile(join(options.out, 'catalog.jsonl'), catalogText);
  await writeFile(join(options.out, 'events.csv'), eventsText);
  await writeFile(
    join(options.out, 'manifest.json'),
    `${JSON.stringify(data.manifest, null, 2)}\n`,
  );

  const wanted = new Set(data.catalog.items.map((item) => `${item.id}.svg`));
  for (const name of await readdir(imagesDir)) {
    if (/^p\d+\.svg$/.test(name) && !wanted.has(name)) await rm(join(imagesDir, name));
  }
  let imageBytes = 0;
  let largestImageBytes = 0;
  const items = data.catalog.items;
  const batch = 64;
  for (let start = 0; start < items.length; start += batch) {
    await Promise.all(
      items.slice(start, start + batch).map((item) => {
        const svg = productSvg(item);
        const bytes = encoder.encode(svg).length;
        imageBytes += bytes;
        largestImageBytes = Math.max(largestImageBytes, bytes);
        return writeFile(join(imagesDir, `${item.id}.svg`), svg);
      }),
    );
  }
  return {
    data,
    catalogBytes: encoder.encode(catalogText).length,
    eventsBytes: encoder.encode(eventsText).length,
    imageBytes,
    largestImageBytes,
  };
}

/** Trains each model on a random split of the events and prints Recall/NDCG/HR@10. */
async function checkLearnability(data: DemoData): Promise<void> {
  const dataset = eventsToDataset(data.events);
  const models: EvaluationModel[] = ['pop', 'itemknn', 'mf'];
  console.log('model     recall@10  ndcg@10  hr@10   (protocol random, seed 1)');
  for (const model of models) {
    const report = await runEvaluation({ dataset, model, protocol: 'random', seed: 1, ks: [10] });
    const m = report.metrics;
    console.log(
      `${model.padEnd(9)} ${m['recall@10']!.toFixed(4).padStart(9)}  ${m['ndcg@10']!.toFixed(4)}  ` +
        `${m['hr@10']!.toFixed(4)}  (${report.evaluatedUsers} users, train ${report.trainMs.toFixed(0)} ms)`,
    );
  }
}

function intFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new Error(`--${name} must be an integer (got "${value}").`);
  return n;
}

async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      out: { type: 'string', default: 'public/demo' },
      seed: { type: 'string' },
      products: { type: 'string' },
      shoppers: { type: 'string' },
      days: { type: 'string' },
      end: { type: 'string' },
      check: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(
      'Usage: npx tsx scripts/generate-demo-data.ts [--out public/demo] [--seed 7] [--products 2400] [--shoppers 3000] [--days 90] [--end 2026-11-01] [--check]',
    );
    return;
  }
  let endTime: number | undefined;
  if (values.end !== undefined) {
    endTime = Date.parse(values.end);
    if (Number.isNaN(endTime)) throw new Error(`--end must be an ISO date (got "${values.end}").`);
  }
  const options: WriteDemoFilesOptions = {
    out: values.out,
    ...optional('seed', intFlag(values.seed, 'seed')),
    ...optional('products', intFlag(values.products, 'products')),
    ...optional('shoppers', intFlag(values.shoppers, 'shoppers')),
    ...optional('days', intFlag(values.days, 'days')),
    ...optional('endTime', endTime),
  };
  const started = performance.now();
  const written = await writeDemoFiles(options);
  const { manifest } = written.data;
  const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KB`;
  console.log(
    `Wrote ${options.out}: ${manifest.products} products (${kb(written.catalogBytes)}), ` +
      `${manifest.events} events from ${manifest.shoppers} shoppers (${kb(written.eventsBytes)}), ` +
      `${manifest.products} images (${kb(written.imageBytes)}, largest ${written.largestImageBytes} B) ` +
      `in ${(performance.now() - started).toFixed(0)} ms.`,
  );
  console.log(`Events by type: ${JSON.stringify(manifest.eventsByType)}`);
  if (values.check) await checkLearnability(written.data);
}

function optional<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && import.meta.url === pathToFileURL(invokedPath).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof HearthError || error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
