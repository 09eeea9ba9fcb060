import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { emitWasmBinaries } from './vite.browser.config';

/** Where the widget lands: served at `/widget/` next to the demo app (`npm run build:app` first). */
export const WIDGET_OUT_DIR = 'dist/web/widget';

/** The chunk graph `npm run size` reads, written next to Vite's manifest. */
export const SIZE_GRAPH_FILE = join(WIDGET_OUT_DIR, '.vite', 'size-graph.json');

/**
 * Entry points: the script-tag widget, the React component (React itself stays external) and the
 * opt-in offline script.
 */
const ENTRIES = {
  'hearth-recs': 'src/widget/index.ts',
  'hearth-recs-react': 'src/widget/react/index.ts',
  // The opt-in offline script (docs/offline.md): off the serve path of pages that do not use it.
  'hearth-offline': 'src/widget/offline-entry.ts',
};

/** One emitted file of the widget build and how it loads others. */
interface GraphFile {
  readonly file: string;
  /** `page`: the widget's own bundle; `worker`: the Web Worker's bundle. */
  readonly build: 'page' | 'worker';
  readonly kind: 'chunk' | 'asset';
  readonly isEntry: boolean;
  readonly imports: readonly string[];
  readonly dynamicImports: readonly string[];
  /** Worker entry files this chunk starts (`new Worker(new URL(…))`). */
  workers: string[];
  /** For worker-build files: its source code, to find worker references (dropped on write). */
  code?: string;
}

const files = new Map<string, GraphFile>();

/**
 * Records every emitted chunk with its static and dynamic imports, for the page build and the
 * worker build (Vite bundles workers separately and emits them into the page build as assets), so
 * `scripts/check-size.mjs` can tell the serve path from lazy chunks without parsing minified code.
 */
function recordChunkGraph(build: GraphFile['build']): Plugin {
  return {
    name: `hearth-size-graph-${build}`,
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const out of Object.values(bundle)) {
        if (build === 'page' && files.has(out.fileName)) continue; // a worker file: already known
        const chunk = out.type === 'chunk' ? out : null;
        files.set(out.fileName, {
          file: out.fileName,
          build,
          kind: chunk ? 'chunk' : 'asset',
          isEntry: chunk?.isEntry ?? false,
          imports: chunk?.imports ?? [],
          dynamicImports: chunk?.dynamicImports ?? [],
          workers: [],
          ...(chunk && { code: chunk.code }),
        });
      }
      if (build !== 'page') return;
      const workerEntries = [...files.values()].filter((f) => f.build === 'worker' && f.isEntry);
      for (const f of files.values()) {
        const code = f.code ?? '';
        f.workers = workerEntries
          .filter(
            (w) =>
              w.file !== f.file &&
              !f.imports.includes(w.file) &&
              !f.dynamicImports.includes(w.file) &&
              code.includes(basename(w.file)),
          )
          .map((w) => w.file);
      }
    },
    writeBundle() {
      if (build !== 'page') return;
      mkdirSync(join(WIDGET_OUT_DIR, '.vite'), { recursive: true });
      // The opt-in offline script is counted with the files loaded on demand, not as an entry.
      const named = Object.keys(ENTRIES).filter((name) => name !== 'hearth-offline');
      const entries = Object.fromEntries(named.map((name) => [name, `${name}.js`]));
      const list = [...files.values()].map(({ code: _code, ...rest }) => rest);
      writeFileSync(SIZE_GRAPH_FILE, `${JSON.stringify({ entries, files: list }, null, 2)}\n`);
    },
  };
}

const names = {
  entryFileNames: '[name].js',
  chunkFileNames: 'chunks/[name]-[hash].js',
  assetFileNames: 'assets/[name]-[hash][extname]',
};

/** Worker files are fetched by URL from the page's chunks: hashed like every chunk. */
const workerNames = { ...names, entryFileNames: 'chunks/[name]-[hash].js' };

/**
 * Library build of the widget into `dist/web/widget/`: ES modules with code splitting, so the
 * page loads the element, the worker client and the worker's serving code, while TF.js and the
 * trainer stay lazy chunks. `npm run build` runs it after the app build (which empties
 * `dist/web`); this build must not empty anything itself.
 */
export default defineConfig({
  base: './',
  publicDir: false,
  build: {
    target: 'es2022',
    outDir: WIDGET_OUT_DIR,
    emptyOutDir: false,
    modulePreload: false,
    reportCompressedSize: false,
    manifest: true,
    rolldownOptions: {
      input: ENTRIES,
      preserveEntrySignatures: 'exports-only',
      external: (id) => /^react(-dom)?(\/|$)/.test(id),
      output: names,
    },
  },
  // The worker (in chunks/) finds the TF.js binaries next to itself.
  plugins: [emitWasmBinaries('chunks/'), recordChunkGraph('page')],
  worker: {
    format: 'es',
    plugins: () => [recordChunkGraph('worker')],
    rolldownOptions: { output: workerNames },
  },
});
