#!/usr/bin/env node
// Runs the bundled CLI (dist/cli, built by `npm pack` / `npm install` in the repository, or
// `npm run build:cli`).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const entry = fileURLToPath(new URL('../dist/cli/hearth-recs.mjs', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write(
    'hearth-recs: the CLI is not built; in a clone of the repository run "npm run build:cli" ' +
      '(the published package ships it built).\n',
  );
  process.exit(1);
}
await import(pathToFileURL(entry).href);
