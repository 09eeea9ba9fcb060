// Plain Node ESM consumer: installs the tarball into a fresh project, runs the README's engine
// recipe (read from README.md) with plain `node` on a generated log, and drives the CLI through
// `npx hearth-recs` (--help, server --help, train, recommend).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO, check, createConsumerProject, packOnce, run } from './pack-once.mjs';

const USERS = 80;
const ITEMS_PER_AISLE = 20;

/** A seeded generator (mulberry32): the same log on every run. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const itemId = (aisle, i) => `p${String(aisle * ITEMS_PER_AISLE + i).padStart(4, '0')}`;
const AISLES = ['Kitchen', 'Garden'];

/** Two aisles; even shoppers browse the kitchen, odd ones the garden (plus one stray view). */
function generateFiles() {
  const next = random(7);
  const catalog = AISLES.flatMap((aisle, a) =>
    Array.from({ length: ITEMS_PER_AISLE }, (_, i) =>
      JSON.stringify({
        id: itemId(a, i),
        title: `${aisle} item ${i}`,
        category: `Home > ${aisle}`,
        tags: [aisle.toLowerCase(), i % 2 === 0 ? 'classic' : 'modern'],
        price: 10 + i,
      }),
    ),
  );
  const events = ['user_id,item_id,type,timestamp'];
  let time = 1_700_000_000;
  for (let u = 0; u < USERS; u++) {
    const aisle = u % 2;
    const seen = new Set();
    while (seen.size < 8) seen.add(Math.floor(next() * ITEMS_PER_AISLE));
    for (const i of seen) events.push(`u${u},${itemId(aisle, i)},view,${time++}`);
    events.push(`u${u},${itemId(1 - aisle, Math.floor(next() * ITEMS_PER_AISLE))},view,${time++}`);
    if (u % 3 === 0) events.push(`u${u},${itemId(aisle, [...seen][0])},purchase,${time++}`);
  }
  return { 'catalog.jsonl': `${catalog.join('\n')}\n`, 'events.csv': `${events.join('\n')}\n` };
}

/** The README's Node recipe: the js block that trains from events.csv with 'hearth-recs'. */
async function readmeRecipe() {
  const readme = await readFile(join(REPO, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  const recipe = blocks.find(
    (b) => b.includes("from 'hearth-recs'") && b.includes("readFile('events.csv')"),
  );
  check(recipe, "README.md has no js recipe importing 'hearth-recs' and reading events.csv");
  return recipe;
}

const tarball = await packOnce();
const project = await createConsumerProject({
  name: 'node',
  tarball,
  files: { ...generateFiles(), 'recipe.mjs': await readmeRecipe() },
});
const { dir } = project;
try {
  const recipe = await run('node', ['recipe.mjs'], { cwd: dir });
  const out = JSON.parse(recipe.stdout.trim().split('\n').at(-1));
  check(out.accepted > USERS * 9, `the recipe imported ${out.accepted} rows`);
  check(out.source === 'personal', `the recipe's row is "${out.source}", not personal`);
  check(out.items.length === 5, `the recipe returned ${out.items.length} items, not 5`);
  const kitchen = out.items.filter((i) => Number(i.id.slice(1)) < ITEMS_PER_AISLE).length;
  check(kitchen >= 4, `a kitchen history got ${kitchen}/5 kitchen items: not personal`);
  check(
    !out.items.some((i) => i.id === 'p0003' || i.id === 'p0007'),
    'the row repeats items from the history',
  );
  console.log(`node: recipe ok (${out.source}: ${out.items.map((i) => i.id).join(', ')})`);

  // `npx --no-install`: the installed package's bin, never a download.
  const cli = (...args) => run('npx', ['--no-install', 'hearth-recs', ...args], { cwd: dir });
  const help = await cli('--help');
  check(help.stdout.includes('Usage: hearth-recs <command>'), 'npx hearth-recs --help: no usage');
  const server = await cli('server', '--help');
  check(server.stdout.includes('Usage: hearth-recs server'), 'npx hearth-recs server --help');

  const train = await cli(
    ...['train', '--interactions', 'events.csv', '--items', 'catalog.jsonl', '--out', 'model'],
    '--json',
  );
  check(/"items"/.test(train.stdout), `hearth-recs train --json printed: ${train.stdout}`);
  const catalogJson = JSON.parse(await readFile(join(dir, 'model/catalog.json'), 'utf8'));
  check(typeof catalogJson === 'object' && catalogJson !== null, 'no model/catalog.json');
  const recommend = await cli(
    ...['recommend', '--model', 'model', '--history', 'p0021,p0025', '-k', '5', '--json'],
  );
  const rec = JSON.parse(recommend.stdout);
  const ids = (rec.items ?? []).map((i) => i.id);
  check(ids.length === 5, `hearth-recs recommend returned ${ids.length} items`);
  const garden = ids.filter((id) => Number(id.slice(1)) >= ITEMS_PER_AISLE).length;
  check(garden >= 4, `a garden history got ${garden}/5 garden items from the CLI`);
  console.log(`node: npx hearth-recs --help, train, recommend ok (${ids.join(', ')})`);
} finally {
  await project.dispose();
}
