// Strict TypeScript consumer: installs the tarball (and TypeScript) into a fresh project and
// type-checks code using every entry with `skipLibCheck: false` under moduleResolution NodeNext,
// Node16 and Bundler; the React entry with React 19's types, then React 18's. The engine file is
// checked with `lib: ["ES2022"]` and Node's types only (no DOM); the browser entries with the DOM
// lib. `@ts-expect-error` lines make the check fail if the package's types stop resolving (an
// `any` import would leave them unused).
import { check, createConsumerProject, packOnce, run } from './pack-once.mjs';

const ENGINE = `import {
  HearthError,
  createBundleRecommender,
  parseCatalog,
  parseInteractions,
  trainModelBundle,
} from 'hearth-recs';
import type { Item } from 'hearth-recs';

export async function recommendFor(
  events: string,
  catalogText: string,
  history: readonly string[],
): Promise<string[]> {
  const { dataset, report } = await parseInteractions(events);
  if (report.rejectedRows > 0) throw new Error(\`\${report.rejectedRows} rows rejected\`);
  const { items: catalog } = await parseCatalog(catalogText);
  const bundle = await trainModelBundle({ dataset, catalog });
  const recommender = createBundleRecommender({ bundle, catalog });
  try {
    const row = recommender.recommend({
      type: 'for-you',
      history: history.map((itemId) => ({ itemId, type: 'view' as const })),
      k: 10,
    });
    // @ts-expect-error rows have no such type
    recommender.recommend({ type: 'not-a-row', history: [], k: 10 });
    return row.items.map((item) => item.id);
  } finally {
    recommender.dispose();
  }
}

export const firstTitle = (items: readonly Item[]): string | undefined => items[0]?.title;
export const errorCode = (error: unknown): string | null =>
  error instanceof HearthError ? error.code : null;
// @ts-expect-error the engine has no default export
export { default as nothing } from 'hearth-recs';
`;

const BROWSER = `import { createHearthStore } from 'hearth-recs/storage';
import { createWorkerRecommender } from 'hearth-recs/worker';
import { HEARTH_RECS_TAG, defineHearthRecs } from 'hearth-recs/widget';
import { HearthRecs, useRecommendations } from 'hearth-recs/widget/react';

export async function start(): Promise<string[]> {
  defineHearthRecs();
  const store = createHearthStore({ dbName: 'shop' });
  void store;
  const hearth = createWorkerRecommender({ modelUrl: '/model/model.hearth' });
  await hearth.track({ itemId: 'p1', type: 'view' });
  // @ts-expect-error not an event type
  await hearth.track({ itemId: 'p1', type: 'stare' });
  const row = await hearth.recommend({ type: 'for-you', history: [], k: 4 });
  return [HEARTH_RECS_TAG, ...row.items.map((item) => item.id)];
}

export function Similar() {
  const { items } = useRecommendations({ type: 'similar', objectIDs: ['p1'], limit: 4 });
  return (
    <section>
      <p>{items.length} similar</p>
      <HearthRecs type="similar" objectIDs={['p1']} limit={6} explain />
      {/* @ts-expect-error limit is a number */}
      <HearthRecs type="similar" objectIDs={['p1']} limit="6" />
    </section>
  );
}
`;

const STRICT = {
  strict: true,
  skipLibCheck: false,
  noEmit: true,
  target: 'ES2022',
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  verbatimModuleSyntax: true,
  erasableSyntaxOnly: true,
  isolatedModules: true,
};
const RESOLUTIONS = {
  NodeNext: { module: 'NodeNext', moduleResolution: 'NodeNext' },
  Node16: { module: 'Node16', moduleResolution: 'Node16' },
  Bundler: { module: 'ESNext', moduleResolution: 'Bundler' },
};

const files = {};
for (const [name, resolution] of Object.entries(RESOLUTIONS)) {
  const engine = { ...STRICT, ...resolution, lib: ['ES2022'], types: ['node'] };
  const browser = {
    ...STRICT,
    ...resolution,
    lib: ['ES2022', 'DOM', 'DOM.Iterable'],
    types: [],
    jsx: 'react-jsx',
  };
  files[`tsconfig.engine.${name}.json`] = JSON.stringify({
    compilerOptions: engine,
    files: ['src/engine.ts'],
  });
  files[`tsconfig.browser.${name}.json`] = JSON.stringify({
    compilerOptions: browser,
    files: ['src/browser.tsx'],
  });
}

const tarball = await packOnce();
const project = await createConsumerProject({
  name: 'typescript',
  tarball,
  dependencies: {
    typescript: '~5.9.3',
    '@types/node': '^20.19.0',
    react: '^19.0.0',
    '@types/react': '^19.0.0',
  },
  files: { ...files, 'src/engine.ts': ENGINE, 'src/browser.tsx': BROWSER },
});
try {
  const configs = Object.keys(files);
  let failures = 0;
  // Two checks at a time: each is a full program check with skipLibCheck off.
  const queue = [...configs];
  const worker = async () => {
    for (let config = queue.shift(); config; config = queue.shift()) {
      const result = await run('npx', ['--no-install', 'tsc', '-p', config], {
        cwd: project.dir,
        allowFailure: true,
      });
      const errors = (result.stdout.match(/error TS\d+/g) ?? []).length;
      console.log(`typescript: ${config}: ${errors} errors`);
      if (result.code !== 0) {
        failures++;
        console.log(result.stdout.split('\n').slice(0, 30).join('\n'));
      }
    }
  };
  await Promise.all([worker(), worker()]);
  // React 18 is in the peer range too: its types must accept the components as well.
  await run('npm', ['install', '--no-audit', '--no-fund', 'react@^18', '@types/react@^18'], {
    cwd: project.dir,
  });
  queue.push('tsconfig.browser.NodeNext.json', 'tsconfig.browser.Bundler.json');
  console.log('typescript: with react@18 and @types/react@18:');
  await Promise.all([worker(), worker()]);
  check(failures === 0, `${failures} of ${configs.length} configurations failed`);
} finally {
  await project.dispose();
}
