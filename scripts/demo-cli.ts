/**
 * `npm run demo:cli`: the built-in storefront end to end in the terminal — generate the seeded demo
 * data, train a model with the `hearth` CLI, compare it with the baselines, and show the rows a
 * shopper would see, with their explanations.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../src/cli/main';
import { parseInteractions } from '../src/core/data/parse';
import { runEvaluation } from '../src/core/eval/run-evaluation';
import { DEMO_DIR, DEMO_MF, DEMO_MODEL_DIR, prepareDemo } from './prepare-demo';

const say = (text: string): void => void process.stdout.write(`${text}\n`);
const modelDir = DEMO_MODEL_DIR;
const events = join(DEMO_DIR, 'events.csv');

say('• preparing the seeded demo storefront and its global model (hearth train)…');
await prepareDemo((m) => say(`  ${m}`));
let code = 0;

say('\n• offline evaluation (protocol random, seed 42): Hearth MF vs baselines');
const { dataset } = await parseInteractions(readFileSync(events));
for (const model of ['pop', 'itemknn', 'mf'] as const) {
  // MF with the demo model's settings (tuned on this shop; the library defaults suit MovieLens).
  const r = await runEvaluation({
    dataset,
    model,
    protocol: 'random',
    seed: 42,
    ks: [10, 20],
    mf: DEMO_MF,
  });
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
