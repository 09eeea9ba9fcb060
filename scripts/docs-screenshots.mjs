/**
 * `npm run docs:screenshots`: refreshes the README's screenshots in docs/images from the e2e tests
 * tagged `@docs` (on the production build: run `npm run build` first). A plain `npm test` never
 * writes there; its screenshots stay in the ignored test-results/.
 *
 * Usage: node scripts/docs-screenshots.mjs [extra playwright test arguments]
 */
import { spawnSync } from 'node:child_process';

const result = spawnSync(
  'npx',
  ['playwright', 'test', '--grep', '@docs', ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    env: { ...process.env, HEARTH_DOCS_SCREENSHOTS: '1' },
  },
);
process.exit(result.status ?? 1);
