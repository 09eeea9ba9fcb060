import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { OptionError } from '../../core/errors';
import {
  DEFAULT_DEMO_SEED,
  DEFAULT_SHELF_SIZE,
  DEMO_LEAVES,
  generateScaleData,
  MAX_DEMO_SEED,
  MAX_PRODUCT_COUNT,
  MAX_SCALE_EVENTS,
} from '../../core/demo-data';
import type { ParsedFlags } from '../cli-args';
import type { CliCommand } from '../cli-context';
import { formatMs } from '../progress-bar';

/** File names `generate` writes into `--out`. */
export const GENERATED_FILES = {
  catalog: 'catalog.jsonl',
  events: 'events.csv',
  manifest: 'manifest.json',
} as const;

/** An integer flag in [min, max], or an `OptionError` naming it. */
function intFlag(flags: ParsedFlags, name: string, min: number, max: number): number {
  const value = Number(flags[name]);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new OptionError(
      `--${name} must be an integer from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')} (got "${String(flags[name])}").`,
    );
  }
  return value;
}

/** `hearth-recs generate`: a seeded large shop (catalog + event log) streamed to disk. */
export const generateCommand: CliCommand = {
  name: 'generate',
  summary: 'Generate a seeded shop of any size (catalog + event log) for scale tests',
  flags: [
    {
      name: 'items',
      type: 'number',
      defaultValue: 100_000,
      description: `Products in the catalog (${DEMO_LEAVES.length} to ${MAX_PRODUCT_COUNT.toLocaleString('en-US')})`,
    },
    {
      name: 'events',
      type: 'number',
      defaultValue: 1_000_000,
      description: 'Events in the log (shoppers are added until there are this many)',
    },
    { name: 'seed', type: 'number', defaultValue: DEFAULT_DEMO_SEED, description: 'Random seed' },
    {
      name: 'out',
      type: 'string',
      required: true,
      description: `Output folder: ${GENERATED_FILES.catalog}, ${GENERATED_FILES.events}, ${GENERATED_FILES.manifest}`,
    },
    { name: 'days', type: 'number', defaultValue: 90, description: 'Days of history' },
    {
      name: 'shelf',
      type: 'number',
      defaultValue: DEFAULT_SHELF_SIZE,
      description: 'Products a shopper sees per page of a subcategory listing',
    },
    { name: 'json', type: 'boolean', description: 'Print the manifest as JSON on stdout' },
  ],
  async run(flags, ctx) {
    const products = intFlag(flags, 'items', DEMO_LEAVES.length, MAX_PRODUCT_COUNT);
    const events = intFlag(flags, 'events', 1, MAX_SCALE_EVENTS);
    const seed = intFlag(flags, 'seed', 0, MAX_DEMO_SEED);
    const days = intFlag(flags, 'days', 7, 3650);
    const shelf = intFlag(flags, 'shelf', 1, 10_000);
    const dir = String(flags['out']);
    mkdirSync(dir, { recursive: true });
    const started = performance.now();
    const catalogFd = openSync(join(dir, GENERATED_FILES.catalog), 'w');
    const eventsFd = openSync(join(dir, GENERATED_FILES.events), 'w');
    let written = 0;
    let manifest;
    try {
      manifest = generateScaleData(
        { seed, products, events, days, shelf },
        {
          catalog: (chunk) => writeSync(catalogFd, chunk),
          events: (chunk) => {
            writeSync(eventsFd, chunk);
            written += chunk.length;
          },
        },
      );
    } finally {
      closeSync(catalogFd);
      closeSync(eventsFd);
    }
    const files = { ...GENERATED_FILES };
    writeFileSync(
      join(dir, GENERATED_FILES.manifest),
      `${JSON.stringify({ ...manifest, files }, null, 2)}\n`,
    );
    if (flags['json'] === true) {
      ctx.stdout.write(`${JSON.stringify({ ...manifest, files })}\n`);
      return;
    }
    ctx.stdout.write(
      `wrote ${join(dir, GENERATED_FILES.catalog)} (${manifest.products} products) and ` +
        `${join(dir, GENERATED_FILES.events)} (${manifest.events} events of ${manifest.shoppers} shoppers, ` +
        `${(written / 2 ** 20).toFixed(0)} MB) in ${formatMs(performance.now() - started)}\n` +
        `train on it: hearth-recs train --interactions ${join(dir, GENERATED_FILES.events)} ` +
        `--items ${join(dir, GENERATED_FILES.catalog)} --out model/\n`,
    );
  },
};
