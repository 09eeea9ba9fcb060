import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { defineConfig, type Plugin } from 'vite';
import { WORKER_ASSETS_SLOT } from './src/worker/worker-assets';

/** Where the script-tag distribution lands (shipped in the npm package as `dist/browser/`). */
export const BROWSER_OUT_DIR = 'dist/browser';

/** The worker entry and its two lazy chunks: stable names, at the root of `dist/browser/`. */
export const WORKER_FILE = 'hearth.worker.js';
/** Catalog and interaction parsers: a first visit imports the page's catalog with them. */
export const PARSERS_FILE = 'hearth-parsers.js';
/** Everything else the worker loads lazily: TF.js, the trainer, federated learning. */
export const TRAINING_FILE = 'hearth-training.js';
const LAZY_FILES = [PARSERS_FILE, TRAINING_FILE];

/** Modules whose static graph makes up the parsers chunk. */
/** Store modules the served store imports lazily: they belong to the training chunk. */
const LAZY_STORE_MODULE = /[\\/]storage[\\/](streaming-import|import-capacity)\.ts$/;
const PARSER_ENTRY = /[\\/]core[\\/]data[\\/]parse[\\/]parse-(catalog|interactions)\.ts$/;

const WASM_FILES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
];

/** Global through which the training chunk reads what it shares with the worker entry. */
const SHARED_SLOT = 'hearth.worker.shared';

/** Modules the worker entry reaches over static imports: the serve path. */
const servedModules = new Set<string>();
/** Modules the parsers reach over static imports, minus the served ones. */
const parserModules = new Set<string>();

/**
 * Records the worker entry's static module graph and the parsers', so the code-splitting groups
 * below put every other module (everything the worker imports lazily) into the parsers chunk or
 * the training chunk.
 */
function recordServedModules(): Plugin {
  return {
    name: 'hearth-served-modules',
    apply: 'build',
    buildEnd() {
      const closure = (starts: string[], into: Set<string>, skip: Set<string>): void => {
        into.clear();
        const stack = [...starts];
        while (stack.length > 0) {
          const id = stack.pop()!;
          if (into.has(id) || skip.has(id)) continue;
          into.add(id);
          stack.push(...(this.getModuleInfo(id)?.importedIds ?? []));
        }
      };
      const ids = [...this.getModuleIds()];
      closure(
        ids.filter((id) => this.getModuleInfo(id)?.isEntry),
        servedModules,
        new Set(),
      );
      closure(
        ids.filter((id) => PARSER_ENTRY.test(id)),
        parserModules,
        servedModules,
      );
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
const LAZY_IMPORT_RE = /\bimport\(\s*["'`]\.\/(hearth-(?:parsers|training)\.js)["'`]\s*\)/g;

/** `export { a as b }` → an object literal `{ "b": a }`; fails unless there is exactly one list. */
function exportsAsObject(code: string, file: string): { code: string; object: string } {
  const lists = [...code.matchAll(EXPORT_RE)];
  if (lists.length > 1) throw new Error(`build:browser: ${file} has ${lists.length} export lists.`);
  const pairs = lists[0] ? specifiers(lists[0][1]!) : [];
  const object = `{ ${pairs.map(([local, name]) => `${JSON.stringify(name)}: ${local}`).join(', ')} }`;
  return { code: code.replace(EXPORT_RE, ''), object };
}

/**
 * Makes the worker and its lazy chunks relocatable one file at a time: a consumer's bundler
 * copies each packaged file under a new hashed name, so no file may name another in an `import`.
 * Lazy `import("./hearth-….js")`s read the chunk's URL from the assets the worker published
 * (`worker-assets.ts`); a lazy chunk's static import of another lazy chunk becomes an awaited
 * `import()` of that URL; what a lazy chunk shares with the worker passes through a global
 * registry the worker fills, and the small import-free chunks the bundler splits off (shared
 * classes) are inlined into the worker as functions that fill that registry.
 */
function relocatableWorker(): Plugin {
  return {
    name: 'hearth-relocatable-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const registry = `globalThis[Symbol.for(${JSON.stringify(SHARED_SLOT)})]`;
      const assets = `globalThis[Symbol.for(${JSON.stringify(WORKER_ASSETS_SLOT.description)})]`;
      const assetUrl = (file: string): string =>
        `/* @vite-ignore */ /* webpackIgnore: true */ ${assets}[${JSON.stringify(file)}]`;
      const chunks = Object.values(bundle).filter((o) => o.type === 'chunk');
      const entry = chunks.find((c) => c.fileName === WORKER_FILE);
      const lazy = chunks.filter((c) => LAZY_FILES.includes(c.fileName));
      if (!entry || lazy.length !== LAZY_FILES.length) {
        const names = chunks.map((c) => c.fileName).join(', ');
        throw new Error(
          `build:browser: expected ${[WORKER_FILE, ...LAZY_FILES].join(', ')}, got ${names}`,
        );
      }
      const inlined: string[] = [];
      // Rolldown's runtime helpers are stateless: a copy in each lazy chunk that needs them keeps
      // them off the worker's serve path.
      const copied = new Map<string, string>();
      for (const chunk of chunks.filter((c) => c !== entry && !lazy.includes(c))) {
        if (chunk.imports.length > 0 || chunk.dynamicImports.length > 0) {
          throw new Error(`build:browser: shared chunk ${chunk.fileName} imports other files.`);
        }
        const { code, object } = exportsAsObject(chunk.code, chunk.fileName);
        const value = `(() => {${code}\nreturn ${object};})()`;
        if (
          chunk.fileName.startsWith('rolldown-runtime') &&
          !entry.imports.includes(chunk.fileName)
        ) {
          copied.set(chunk.fileName, value);
        } else {
          inlined.push(`${registry}[${JSON.stringify(chunk.fileName)}] = ${value};`);
        }
        delete bundle[chunk.fileName];
      }
      const relocate = (code: string, file: string): string =>
        code
          .replace(IMPORT_RE, (_m, list: string, from: string) => {
            const pairs = specifiers(list).map(
              ([name, local]) => `${JSON.stringify(name)}: ${local}`,
            );
            const copy = copied.get(from);
            if (copy !== undefined) return `const { ${pairs.join(', ')} } = ${copy};`;
            if (!LAZY_FILES.includes(from)) {
              return `const { ${pairs.join(', ')} } = ${registry}[${JSON.stringify(from)}];`;
            }
            if (file === WORKER_FILE) {
              throw new Error(`build:browser: the worker imports ${from} statically.`);
            }
            return `const { ${pairs.join(', ')} } = await import(${assetUrl(from)});`;
          })
          .replace(LAZY_IMPORT_RE, (_m, from: string) => `import(${assetUrl(from)})`);
      if (![...entry.code.matchAll(LAZY_IMPORT_RE)].length) {
        throw new Error('build:browser: the worker imports no lazy chunk.');
      }
      const own = exportsAsObject(entry.code, entry.fileName);
      entry.code = [
        `${registry} ??= {};`,
        ...inlined,
        relocate(own.code, WORKER_FILE),
        `${registry}[${JSON.stringify(WORKER_FILE)}] = ${own.object};`,
      ].join('\n');
      for (const chunk of lazy) chunk.code = relocate(chunk.code, chunk.fileName);
      for (const chunk of [entry, ...lazy]) {
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
 * `window.Hearth`) with its page chunks, `hearth.worker.js` (serving), `hearth-parsers.js` (loaded
 * to import a catalog or interactions), `hearth-training.js` (loaded on the first training: TF.js
 * and the trainer) and the TF.js `.wasm` binaries. Every file finds
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
      input: {
        'hearth-recs': 'src/widget/index.ts',
        'hearth-offline': 'src/widget/offline-entry.ts',
      },
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
            {
              name: PARSERS_FILE.replace(/\.js$/, ''),
              priority: 2,
              test: (id) => parserModules.has(id),
            },
            {
              name: TRAINING_FILE.replace(/\.js$/, ''),
              priority: 1,
              // The sliced import and its capacity check are loaded on demand by the store.
              test: (id) =>
                LAZY_STORE_MODULE.test(id) || (!servedModules.has(id) && !parserModules.has(id)),
            },
          ],
        },
      },
    },
  },
});
