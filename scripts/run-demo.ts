/**
 * `npm run demo`: the built-in storefront end to end on this machine — generate the seeded demo
 * data, train a model with the `hearth` CLI, compare it with the baselines, and show the rows a
 * shopper would see, with their explanations.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../src/cli/main';
import { parseInteractions } from '../src/core/data/parse';
import { runEvaluation } from '../src/core/eval/run-evaluation';
import { DEMO_DATA_VERSION } from '../src/demo-data';
import { writeDemoFiles } from './generate-demo-data';

const out = 'public/demo';
const modelDir = join(out, 'model');
const say = (text: string): void => void process.stdout.write(`${text}\n`);

const manifestPath = join(out, 'manifest.json');
const manifest = existsSync(manifestPath)
  ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as { version?: string })
  : null;
if (manifest?.version !== DEMO_DATA_VERSION) {
  say('• generating the seeded demo storefront (2,400 products, 3,000 shoppers)…');
  await writeDemoFiles({ out });
}
const events = join(out, 'events.csv');
const catalog = join(out, 'catalog.jsonl');

say('\n• training on this machine (hearth train)…');
let code = await runCli(['train', '--interactions', events, '--items', catalog, '--out', modelDir]);
if (code !== 0) process.exit(code);

say('\n• offline evaluation (protocol random, seed 42): Hearth MF vs baselines');
const { dataset } = await parseInteractions(readFileSync(events));
for (const model of ['pop', 'itemknn', 'mf'] as const) {
  const r = await runEvaluation({ dataset, model, protocol: 'random', seed: 42, ks: [10, 20] });
  const m = r.metrics;
  say(
    `  ${model.padEnd(8)} NDCG@10 ${m['ndcg@10']!.toFixed(3)}  Recall@20 ${m['recall@20']!.toFixed(3)}  ` +
      `coverage@10 ${m['coverage@10']!.toFixed(3)}  trained in ${r.trainMs.toFixed(0)} ms`,
  );
}

// A shopper's last few events, as the widget would send them.
const lines = readFileSync(events, 'utf8').trim().split('\n').slice(1);
const shopper = lines[lines.length - 1]!.split(',')[0]!;
const history = lines
  .filter((l) => l.startsWith(`${shopper},`))
  .slice(-5)
  .map((l) => l.split(',')[1]!);
const rows: [string, string[]][] = [
  ['for you', ['--history', history.join(',')]],
  [
    'similar to the last item viewed',
    ['--type', 'similar', '--item', history[history.length - 1]!],
  ],
  ['bought together', ['--type', 'bought-together', '--item', history[history.length - 1]!]],
  ['trending', ['--type', 'trending']],
];
for (const [title, args] of rows) {
  say(`\n• ${title} (shopper ${shopper})`);
  code = await runCli(['recommend', '--model', modelDir, '-k', '5', ...args]);
  if (code !== 0) process.exit(code);
}
say('\nEverything above ran on this machine; no data left it.');
