import { it } from 'vitest';
import { runRuntimeBench } from '../../bench/browser/runtime-bench';

it('runtime bench', async () => {
  const t = performance.now();
  const r = await runRuntimeBench();
  console.log(JSON.stringify(r, null, 1), performance.now() - t);
}, 300_000);
