// Bundles the CLI into dist/cli/hearth-recs.mjs and its training-thread entry train-thread.mjs (TF.js
// and other packages stay external). The source maps stay in the repository; the package ships the
// bundles only.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist/cli', { recursive: true, force: true });
await build({
  // The training threads run their own entry, found next to the CLI bundle at run time.
  entryPoints: {
    'hearth-recs': 'src/cli/hearth.ts',
    'train-thread': 'src/cli/train-threads/train-thread.ts',
  },
  outdir: 'dist/cli',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
