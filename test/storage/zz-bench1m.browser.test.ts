import { it } from 'vitest';
import { runStorageBench } from '../../bench/browser/storage-bench';
it('1M', async () => {
  for (let r = 0; r < 2; r++) console.log(JSON.stringify(await runStorageBench()));
});
