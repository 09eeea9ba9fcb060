import { describe, expect, it } from 'vitest';

interface SizeGraph {
  readonly entries: Record<string, string>;
  readonly files: readonly {
    readonly file: string;
    readonly imports: readonly string[];
    readonly dynamicImports: readonly string[];
    readonly workers: readonly string[];
  }[];
}

interface CheckSize {
  classifyFiles(graph: SizeGraph): Map<string, 'serve' | 'react' | 'lazy'>;
  bareImportsOnServePath(graph: SizeGraph, roles: Map<string, string>): string[];
}

// A plain .mjs script (no type declarations): loaded through a computed specifier.
const script = '../../scripts/check-size.mjs';
const { classifyFiles, bareImportsOnServePath } = (await import(script)) as CheckSize;

const file = (name: string, o: Partial<SizeGraph['files'][number]> = {}) => ({
  file: name,
  imports: [],
  dynamicImports: [],
  workers: [],
  ...o,
});

const graph: SizeGraph = {
  entries: { 'hearth-recs': 'hearth-recs.js', 'hearth-recs-react': 'hearth-recs-react.js' },
  files: [
    file('hearth-recs.js', { imports: ['chunks/shared.js'] }),
    file('hearth-recs-react.js', {
      imports: ['chunks/shared.js', 'chunks/react-only.js', 'react'],
    }),
    file('chunks/shared.js', { workers: ['chunks/worker.js'] }),
    file('chunks/react-only.js'),
    file('chunks/worker.js', { imports: ['chunks/idb.js'], dynamicImports: ['chunks/train.js'] }),
    file('chunks/idb.js'),
    file('chunks/train.js', { imports: ['chunks/tfjs.js', 'chunks/worker.js'] }),
    file('chunks/tfjs.js'),
    file('assets/kernels.wasm'),
  ],
};

describe('check-size', () => {
  it('puts the entry, its static imports, the worker and its static imports on the serve path', () => {
    const roles = classifyFiles(graph);
    expect(Object.fromEntries(roles)).toEqual({
      'hearth-recs.js': 'serve',
      'chunks/shared.js': 'serve',
      'chunks/worker.js': 'serve',
      'chunks/idb.js': 'serve',
      'hearth-recs-react.js': 'react',
      'chunks/react-only.js': 'react',
      'chunks/train.js': 'lazy',
      'chunks/tfjs.js': 'lazy',
      'assets/kernels.wasm': 'lazy',
    });
    expect(bareImportsOnServePath(graph, roles)).toEqual([]);
  });

  it('flags a bare import (React) on the serve path', () => {
    const leaky: SizeGraph = {
      ...graph,
      files: graph.files.map((f) =>
        f.file === 'chunks/shared.js' ? { ...f, imports: ['react'] } : f,
      ),
    };
    expect(bareImportsOnServePath(leaky, classifyFiles(leaky))).toEqual([
      'chunks/shared.js → react',
    ]);
  });
});
