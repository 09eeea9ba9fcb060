/**
 * Build step: makes sure public/demo holds the seeded storefront data and a global model trained
 * on it with `hearth train` (regenerated only when missing or from another generator version).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../src/cli/main';
import { DEMO_DATA_VERSION } from '../src/demo-data';
import { writeDemoFiles } from './generate-demo-data';

/** Where the demo data and model live (served by Vite from public/). */
export const DEMO_DIR = 'public/demo';
export const DEMO_MODEL_DIR = join(DEMO_DIR, 'model');

/** Generates data and trains the model if needed; returns whether anything was rebuilt. */
export async function prepareDemo(log: (m: string) => void = () => {}): Promise<boolean> {
  const manifestPath = join(DEMO_DIR, 'manifest.json');
  const manifest = existsSync(manifestPath)
    ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as { version?: string })
    : null;
  let rebuilt = false;
  if (manifest?.version !== DEMO_DATA_VERSION) {
    log('generating the seeded demo storefront (2,400 products, 3,000 shoppers)…');
    await writeDemoFiles({ out: DEMO_DIR });
    rebuilt = true;
  }
  const model = join(DEMO_MODEL_DIR, 'model.hearth');
  const events = join(DEMO_DIR, 'events.csv');
  if (rebuilt || !existsSync(model) || statSync(model).mtimeMs < statSync(events).mtimeMs) {
    log('training the global demo model (hearth train)…');
    const code = await runCli([
      'train',
      '--interactions',
      events,
      '--items',
      join(DEMO_DIR, 'catalog.jsonl'),
      '--out',
      DEMO_MODEL_DIR,
      '--backend',
      'typed',
      '--quiet',
    ]);
    if (code !== 0) throw new Error(`hearth train failed with exit code ${code}`);
    rebuilt = true;
  }
  return rebuilt;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await prepareDemo((m) => process.stdout.write(`prepare-demo: ${m}\n`));
}
