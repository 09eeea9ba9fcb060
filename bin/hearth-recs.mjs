#!/usr/bin/env node
// Runs the bundled CLI (built by `npm install` / `npm run build:cli` into dist/cli).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const entry = fileURLToPath(new URL('../dist/cli/hearth.mjs', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write(
    'hearth: the CLI is not built yet; run "npm run build:cli" in the Hearth folder.\n',
  );
  process.exit(1);
}
await import(pathToFileURL(entry).href);
