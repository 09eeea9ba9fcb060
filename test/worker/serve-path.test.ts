import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
const WORKER_ENTRY = join(SRC, 'worker/hearth.worker.ts');

// Value imports and re-exports (`import type` / `export type` are erased); dynamic `import()` is not
// matched, so lazily loaded modules stay out of the walk.
const STATIC_EDGE = /^(?:import|export)\s+(?!type\s)(?:[\s\S]*?\s+from\s+)?'([^']+)';/gm;

function resolveImport(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null; // A package (idb): not one of ours.
  const base = resolve(dirname(from), spec);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${relative(SRC, from)} imports "${spec}", which does not resolve.`);
}

/**
 * Every source module the worker entry reaches over static imports and re-exports. A re-export
 * counts: the bundler treats it as a dependency, so a serving module that re-exports a lazy one
 * can pull it onto the serve path and keeps shared modules from merging into the worker's chunk.
 */
function staticallyReachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(STATIC_EDGE)) {
      const target = resolveImport(file, match[1]!);
      if (target) stack.push(target);
    }
  }
  return new Set([...seen].map((f) => relative(SRC, f)));
}

describe('the worker serve path (what the widget loads to show rows)', () => {
  const reachable = staticallyReachable(WORKER_ENTRY);

  it('reaches the model decoder and the serving code', () => {
    for (const module of [
      'worker/local-recommender.ts',
      'core/bundle/decode-bundle.ts',
      'core/model-file/decode-model-file.ts',
      'core/serve/row-recommender.ts',
    ]) {
      expect(reachable, module).toContain(module);
    }
  });

  it('does not statically reach encoding, fitting, training or federated code', () => {
    const lazyOnly = [
      // Writing model files: only after training, fine-tuning or a federated update.
      'core/bundle/bundle-file.ts',
      'core/model-file/index.ts',
      'core/model-file/encode-model-file.ts',
      'core/model-file/json-value.ts',
      'core/model-file/tensor-bytes.ts',
      // Fitting the content tower and its features.
      'core/models/content/index.ts',
      'core/models/content/content-tower.ts',
      'core/models/content/item-features.ts',
      'core/models/content/tfidf.ts',
      'core/models/content/feature-buckets.ts',
      'core/models/content/sparse-ridge.ts',
      // Building a decoded content tower: serving decodes leave it as stored state.
      'core/bundle/decode-full-bundle.ts',
      'core/models/content/content-tower-model.ts',
      'core/models/content/item-featurizer.ts',
      'core/models/content/tokenize.ts',
      // Training and fine-tuning.
      'core/models/mf/mf-trainer.ts',
      'core/random.ts',
      'worker/training-jobs.ts',
      'worker/train-run.ts',
      'worker/fine-tune.ts',
      'worker/compute-path-pool.ts',
      'worker/federated-runtime.ts',
      'worker/evaluation-feasibility.ts',
      // Privacy pages only: the export writer; checkpoints: training only. (The storage report
      // stays: the widget reads it at start.)
      'storage/export-file.ts',
      'storage/zip-archive.ts',
      'storage/checkpoint-records.ts',
      // Training and imports only: serving imports the transpose and the value rule from their
      // own modules (a module shared with serving is emitted whole in the serve chunk).
      'core/data/csr-matrix.ts',
      'core/data/parse/field-values.ts',
      // Experiments load only when configured.
      'worker/experiment-runtime.ts',
    ];
    expect(lazyOnly.filter((module) => reachable.has(module))).toEqual([]);
  });
});
