/**
 * Build step: makes sure public/demo holds the seeded storefront data, a global model trained on
 * it with `hearth train` (regenerated only when missing, from another generator version, or
 * trained with other flags than {@link DEMO_TRAIN_FLAGS}), the demo experiment's variant model
 * ({@link DEMO_VARIANT_TRAIN_FLAGS}) and the experiment definition the demo server runs
 * (`experiments.json`, see `demoExperiment`).
 */
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../src/cli/main';
import { DEMO_DATA_VERSION } from '../src/core/demo-data';
import { DEMO_VARIANT_MODEL_DIR, demoExperiment } from '../src/core/demo-data/demo-experiment';
import { EXPERIMENT_PROTOCOL_VERSION } from '../src/federated/experiment-protocol';
import { writeDemoFiles } from './generate-demo-data';

/** Where the demo data and model live (served by Vite from public/). */
export const DEMO_DIR = 'public/demo';
export const DEMO_MODEL_DIR = join(DEMO_DIR, 'model');
/** The demo experiment's variant model. */
export const DEMO_VARIANT_DIR = join(DEMO_DIR, DEMO_VARIANT_MODEL_DIR);
/** The experiments document (`GET /v1/experiments`) the demo server is started with. */
export const DEMO_EXPERIMENTS_FILE = join(DEMO_DIR, 'experiments.json');

/**
 * MF settings of the demo model. Tuned on the demo events
 * only (library defaults stay tuned for MovieLens): grid and coordinate search chosen on split
 * seeds 1–3, seed 42 held out, the shipped event weights (view 1, click 2, cart 4, purchase 8).
 * NDCG@10 / Recall@20, protocol random: 0.275 / 0.435 (seed 42: 0.275 / 0.437) vs ItemKNN
 * 0.267 / 0.384 and the MovieLens defaults 0.253 / 0.388; protocol temporal: 0.156 vs ItemKNN
 * 0.148 and defaults 0.153. Same 64 factors as the defaults, so the model stays 1.2 MB. Epochs are
 * pinned so a change of the library default does not change the demo.
 */
export const DEMO_MF = {
  factors: 64,
  epochs: 10,
  unobservedWeight: 0.1,
  regularization: 0.02,
  userWeightExponent: 0.75,
  biasScale: 1,
} as const;

/** {@link DEMO_MF} as `hearth train` flags, on the typed compute path. */
export const DEMO_TRAIN_FLAGS: readonly string[] = [
  '--backend',
  'typed',
  '--factors',
  String(DEMO_MF.factors),
  '--epochs',
  String(DEMO_MF.epochs),
  '--unobserved-weight',
  String(DEMO_MF.unobservedWeight),
  '--regularization',
  String(DEMO_MF.regularization),
  '--user-weight-exponent',
  String(DEMO_MF.userWeightExponent),
  '--bias-scale',
  String(DEMO_MF.biasScale),
];

/**
 * The demo experiment's variant arm: MF with the library's fixed defaults (`--no-tune`: λ, α₀, δ,
 * β and confidence as shipped for MovieLens) instead of the demo-tuned {@link DEMO_MF}; same
 * factors and epochs, so only the tuned settings differ between the arms.
 */
export const DEMO_VARIANT_TRAIN_FLAGS: readonly string[] = [
  '--backend',
  'typed',
  '--no-tune',
  '--factors',
  String(DEMO_MF.factors),
  '--epochs',
  String(DEMO_MF.epochs),
];

/** Records the flags a model folder's model was trained with, so a change retrains it. */
const TRAIN_FLAGS_FILE = 'train-flags.json';

/**
 * Trains a model on the demo events into `dir` with `flags` unless one trained with the same
 * flags and newer than the events is there (or `force`); resolves true when it trained.
 */
async function trainModel(
  dir: string,
  flags: readonly string[],
  force: boolean,
  log: (m: string) => void,
  what: string,
): Promise<boolean> {
  const model = join(dir, 'model.hearth');
  const events = join(DEMO_DIR, 'events.csv');
  const flagsPath = join(dir, TRAIN_FLAGS_FILE);
  const flagsStamp = `${JSON.stringify(flags)}\n`;
  const sameFlags = existsSync(flagsPath) && readFileSync(flagsPath, 'utf8') === flagsStamp;
  if (
    !force &&
    existsSync(model) &&
    statSync(model).mtimeMs >= statSync(events).mtimeMs &&
    sameFlags
  ) {
    return false;
  }
  log(`training ${what} (hearth train)…`);
  const code = await runCli([
    'train',
    '--interactions',
    events,
    '--items',
    join(DEMO_DIR, 'catalog.jsonl'),
    '--out',
    dir,
    ...flags,
    '--quiet',
  ]);
  if (code !== 0) throw new Error(`hearth train failed with exit code ${code}`);
  writeFileSync(flagsPath, flagsStamp);
  return true;
}

/** Generates data and trains the models if needed; returns whether anything was rebuilt. */
export async function prepareDemo(log: (m: string) => void = () => {}): Promise<boolean> {
  const manifestPath = join(DEMO_DIR, 'manifest.json');
  const manifest = existsSync(manifestPath)
    ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as { version?: string })
    : null;
  const regenerated = manifest?.version !== DEMO_DATA_VERSION;
  if (regenerated) {
    log('generating the seeded demo storefront (2,400 products, 3,000 shoppers)…');
    await writeDemoFiles({ out: DEMO_DIR });
  }
  const trained = await trainModel(
    DEMO_MODEL_DIR,
    DEMO_TRAIN_FLAGS,
    regenerated,
    log,
    'the global demo model',
  );
  const variant = await trainModel(
    DEMO_VARIANT_DIR,
    DEMO_VARIANT_TRAIN_FLAGS,
    regenerated,
    log,
    'the experiment variant model',
  );
  // The arms share the storefront's catalog (config catalogUrl): the variant's copy is not served.
  rmSync(join(DEMO_VARIANT_DIR, 'catalog.json'), { force: true });
  // Root-relative: the worker resolves an arm's model URL against its own script, not the page.
  const document = {
    protocol: EXPERIMENT_PROTOCOL_VERSION,
    experiments: [demoExperiment('/demo/')],
  };
  const text = `${JSON.stringify(document, null, 2)}\n`;
  if (!existsSync(DEMO_EXPERIMENTS_FILE) || readFileSync(DEMO_EXPERIMENTS_FILE, 'utf8') !== text) {
    writeFileSync(DEMO_EXPERIMENTS_FILE, text);
  }
  return regenerated || trained || variant;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await prepareDemo((m) => process.stdout.write(`prepare-demo: ${m}\n`));
}
