import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/random';
import { scoreRowsWasm } from '../../../src/core/serve/wasm-score-table';

function randomArray(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

/** Plain reference: x · V[i] + β·b[i]. */
function reference(
  x: Float32Array,
  v: Float32Array,
  n: number,
  k: number,
  b: Float32Array | null,
  beta: number,
): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = b ? beta * b[i]! : 0;
    for (let d = 0; d < k; d++) s += x[d]! * v[i * k + d]!;
    out[i] = s;
  }
  return out;
}

describe('scoreRowsWasm', () => {
  it.each([64, 37, 8])('matches the plain loop for k = %i, with and without bias', (k) => {
    const n = 12_000;
    const v = randomArray(n * k, k);
    const x = randomArray(k, 99);
    const bias = randomArray(n, 7);
    const out = new Float32Array(n);
    expect(scoreRowsWasm(x, v, n, k, bias, 0.85, out)).toBe(true);
    const want = reference(x, v, n, k, bias, 0.85);
    for (let i = 0; i < n; i++) expect(out[i]).toBeCloseTo(want[i]!, 3);
    // Same table, no bias (e.g. cosine similarity), then a different bias array.
    expect(scoreRowsWasm(x, v, n, k, null, 1, out)).toBe(true);
    const noBias = reference(x, v, n, k, null, 1);
    for (let i = 0; i < n; i++) expect(out[i]).toBeCloseTo(noBias[i]!, 3);
    const bias2 = randomArray(n, 8);
    expect(scoreRowsWasm(x, v, n, k, bias2, 1, out)).toBe(true);
    const want2 = reference(x, v, n, k, bias2, 1);
    for (let i = 0; i < n; i++) expect(out[i]).toBeCloseTo(want2[i]!, 3);
  });

  it('declines small tables (the JS loop is faster there)', () => {
    const out = new Float32Array(10);
    expect(scoreRowsWasm(randomArray(8, 1), randomArray(80, 2), 10, 8, null, 1, out)).toBe(false);
  });
});

describe('embedded serving kernel', () => {
  it('equals a fresh compile of score-kernels.wat (run npm run build:wasm after editing)', async () => {
    const { default: wabtInit } = await import('wabt');
    const { readFileSync } = await import('node:fs');
    const { SCORE_KERNELS_WASM_BASE64 } =
      await import('../../../src/core/serve/wasm/score-kernels-wasm');
    const wabt = await wabtInit();
    const source = readFileSync(
      new URL('../../../src/core/serve/wasm/score-kernels.wat', import.meta.url),
      'utf8',
    );
    const module = wabt.parseWat('score-kernels.wat', source, { simd: true, bulk_memory: true });
    const { buffer } = module.toBinary({});
    expect(SCORE_KERNELS_WASM_BASE64).toBe(Buffer.from(buffer).toString('base64'));
  });
});
