#!/usr/bin/env node
// Runs the bundled CLI (dist/cli), or with `server` as first argument the federated aggregation
// server (dist/server). Both are built by `npm pack` (the published package ships them) or, in a
// clone of the repository, by `npm run build:cli` / `npm run build:server`.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const server = process.argv[2] === 'server';
// The server parses process.argv itself and takes no positional arguments.
if (server) process.argv.splice(2, 1);
const built = server ? 'server/hearth-server.mjs' : 'cli/hearth-recs.mjs';
const entry = fileURLToPath(new URL(`../dist/${built}`, import.meta.url));
if (!existsSync(entry)) {
  const script = server ? 'build:server' : 'build:cli';
  process.stderr.write(
    `hearth-recs: dist/${built} is not built; in a clone of the repository run ` +
      `"npm run ${script}" (the published package ships it built).\n`,
  );
  process.exit(1);
}
await import(pathToFileURL(entry).href);
