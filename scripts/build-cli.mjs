// Bundles the CLI into dist/cli/hearth.mjs (TF.js and other packages stay external).
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/hearth.ts'],
  outfile: 'dist/cli/hearth.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
