// Bundles the CLI into dist/cli/hearth-recs.mjs (TF.js and other packages stay external). The
// source map stays in the repository; the package ships the bundle only.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist/cli', { recursive: true, force: true });
await build({
  entryPoints: ['src/cli/hearth.ts'],
  outfile: 'dist/cli/hearth-recs.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
