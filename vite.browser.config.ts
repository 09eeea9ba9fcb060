import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { defineConfig, type Plugin } from 'vite';
import { WORKER_ASSETS_SLOT } from './src/worker/worker-assets';

/** Where the script-tag distribution lands (shipped in the npm package as `dist/browser/`). */
export const BROWSER_OUT_DIR = 'dist/browser';

/** The worker entry and its one lazy chunk: stable names, at the root of `dist/browser/`. */
export const WORKER_FILE = 'hearth.worker.js';
export const TRAINING_FILE = 'hearth-training.js';

const WASM_FILES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
];

/** Global through which the training chunk reads what it shares with the worker entry. */
const SHARED_SLOT = 'hearth.worker.shared';

/** Modules the worker entry reaches over static imports: the serve path. */
const servedModules = new Set<string>();

/**
 * Records the worker entry's static module graph, so the code-splitting group below puts every
 * other module (everything the worker imports lazily) into one training chunk.
 */
function recordServedModules(): Plugin {
  return {
    name: 'hearth-served-modules',
    apply: 'build',
    buildEnd() {
      servedModules.clear();
      const stack = [...this.getModuleIds()].filter((id) => this.getModuleInfo(id)?.isEntry);
      while (stack.length > 0) {
        const id = stack.pop()!;
        if (servedModules.has(id)) continue;
        servedModules.add(id);
        stack.push(...(this.getModuleInfo(id)?.importedIds ?? []));
      }
    },
  };
}

/** `a as b, c` (an import or export list) → `[name before as, name after as]` pairs. */
function specifiers(list: string): [string, string][] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const [before, after] = s.split(/\s+as\s+/);
      return [before!, after ?? before!];
    });
}

const IMPORT_RE = /\bimport\s*\{([^}]*)\}\s*from\s*["']\.\/([\w.-]+\.js)["'];?/g;
const EXPORT_RE = /\bexport\s*\{([^}]*)\};?/g;
const TRAINING_IMPORT_RE = /\bimport\(\s*["'`]\.\/hearth-training\.js["'`]\s*\)/g;

/** `export { a as b }` → an object literal `{ "b": a }`; fails unless there is exactly one list. */
function exportsAsObject(code: string, file: string): { code: string; object: string } {
  const lists = [...code.matchAll(EXPORT_RE)];
  if (lists.length > 1) throw new Error(`build:browser: ${file} has ${lists.length} export lists.`);
  const pairs = lists[0] ? specifiers(lists[0][1]!) : [];
  const object = `{ ${pairs.map(([local, name]) => `${JSON.stringify(name)}: ${local}`).join(', ')} }`;
  return { code: code.replace(EXPORT_RE, ''), object };
}

/**
 * Makes the worker and its training chunk relocatable one file at a time: a consumer's bundler
 * copies each packaged file under a new hashed name, so no file may name another in an `import`.
 * The worker's lazy `import("./hearth-training.js")` reads the chunk's URL from the assets the
 * worker published (`worker-assets.ts`); what the training chunk shares with the worker passes
 * through a global registry the worker fills, and the small import-free chunks the bundler splits
 * off (shared classes) are inlined into the worker as functions that fill that registry.
 */
function relocatableWorker(): Plugin {
  return {
    name: 'hearth-relocatable-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const registry = `globalThis[Symbol.for(${JSON.stringify(SHARED_SLOT)})]`;
      const assets = `globalThis[Symbol.for(${JSON.stringify(WORKER_ASSETS_SLOT.description)})]`;
      const chunks = Object.values(bundle).filter((o) => o.type === 'chunk');
      const entry = chunks.find((c) => c.fileName === WORKER_FILE);
      const training = chunks.find((c) => c.fileName === TRAINING_FILE);
      if (!entry || !training) {
        const names = chunks.map((c) => c.fileName).join(', ');
        throw new Error(
          `build:browser: expected ${WORKER_FILE} and ${TRAINING_FILE}, got ${names}`,
        );
      }
      const shared = chunks.filter((c) => c !== entry && c !== training);
      const inlined: string[] = [];
      for (const chunk of shared) {
        if (chunk.imports.length > 0 || chunk.dynamicImports.length > 0) {
          throw new Error(`build:browser: shared chunk ${chunk.fileName} imports other files.`);
        }
        const { code, object } = exportsAsObject(chunk.code, chunk.fileName);
        inlined.push(
          `${registry}[${JSON.stringify(chunk.fileName)}] = (() => {${code}\nreturn ${object};})();`,
        );
        delete bundle[chunk.fileName];
      }
      const fromRegistry = (code: string): string =>
        code.replace(IMPORT_RE, (_m, list: string, file: string) => {
          const pairs = specifiers(list).map(
            ([name, local]) => `${JSON.stringify(name)}: ${local}`,
          );
          return `const { ${pairs.join(', ')} } = ${registry}[${JSON.stringify(file)}];`;
        });
      const lazy = [...entry.code.matchAll(TRAINING_IMPORT_RE)].length;
      if (lazy === 0) throw new Error(`build:browser: no lazy import of ${TRAINING_FILE} found.`);
      const own = exportsAsObject(entry.code, entry.fileName);
      entry.code = [
        `${registry} ??= {};`,
        ...inlined,
        fromRegistry(own.code).replace(
          TRAINING_IMPORT_RE,
          `import(/* @vite-ignore */ /* webpackIgnore: true */ ${assets}[${JSON.stringify(TRAINING_FILE)}])`,
        ),
        `${registry}[${JSON.stringify(WORKER_FILE)}] = ${own.object};`,
      ].join('\n');
      training.code = fromRegistry(training.code);
      for (const chunk of [entry, training]) {
        if (/\bfrom\s*["'`]\.{1,2}\/|\bimport\(\s*["'`]\.{1,2}\//.test(chunk.code)) {
          throw new Error(
            `build:browser: ${chunk.fileName} still imports a file by relative path.`,
          );
        }
      }
    },
  };
}

/**
 * Copies TF.js's three `.wasm` binaries into `folder` of the build (where the worker is: its
 * default `wasmPaths`), under their own names.
 */
export function emitWasmBinaries(folder = ''): Plugin {
  const require = createRequire(import.meta.url);
  return {
    name: 'hearth-wasm-binaries',
    apply: 'build',
    generateBundle() {
      for (const name of WASM_FILES) {
        const path = require.resolve(`@tensorflow/tfjs-backend-wasm/dist/${name}`);
        this.emitFile({ type: 'asset', fileName: `${folder}${name}`, source: readFileSync(path) });
      }
    },
  };
}

/**
 * The script-tag distribution `dist/browser/`: `hearth-recs.js` (defines `<hearth-recs>`, installs
 * `window.Hearth`) with its page chunks, `hearth.worker.js` (serving), `hearth-training.js` (loaded
 * on the first training: TF.js and the trainer) and the TF.js `.wasm` binaries. Every file finds
 * the others relative to its own URL, so the folder can be served from any path or CDN; the
 * worker and its assets can also be copied one by one by a consumer's bundler (see
 * `scripts/build-browser.mjs`).
 */
export default defineConfig({
  base: './',
  publicDir: false,
  build: {
    target: 'es2022',
    outDir: BROWSER_OUT_DIR,
    emptyOutDir: true,
    modulePreload: false,
    reportCompressedSize: false,
    rolldownOptions: {
      input: { 'hearth-recs': 'src/widget/index.ts' },
      preserveEntrySignatures: 'exports-only',
      output: {
        entryFileNames: '[name].js',
        chunkFileNames: 'chunks/[name]-[hash].js',
        assetFileNames: 'chunks/[name]-[hash][extname]',
      },
    },
  },
  plugins: [emitWasmBinaries()],
  worker: {
    format: 'es',
    plugins: () => [recordServedModules(), relocatableWorker()],
    rolldownOptions: {
      output: {
        entryFileNames: WORKER_FILE,
        chunkFileNames: '[name].js',
        codeSplitting: {
          // Served modules a training module imports stay in the worker entry.
          includeDependenciesRecursively: false,
          groups: [
            { name: TRAINING_FILE.replace(/\.js$/, ''), test: (id) => !servedModules.has(id) },
          ],
        },
      },
    },
  },
});
