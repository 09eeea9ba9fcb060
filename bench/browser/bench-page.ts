/**
 * Page script of bench.html: exposes the in-browser benchmark functions to the Playwright driver
 * (bench/sections/browser.ts). Each function is loaded lazily so one bench's imports (TF.js) do
 * not slow another's.
 */
type BenchFn = (...args: never[]) => Promise<Record<string, number | string>>;

const benches: Record<string, () => Promise<BenchFn>> = {
  storage: async () => (await import('./storage-bench')).runStorageBench as BenchFn,
  training: async () => (await import('./training-bench')).runTrainingBench as BenchFn,
  runtime: async () => (await import('./runtime-bench')).runRuntimeBench as BenchFn,
};

window.hearthBench = async (name, args) => {
  const load = benches[name];
  if (!load) throw new Error(`Unknown bench "${name}"`);
  const fn = await load();
  if (name === 'training' && args[0]) {
    // Typed arrays do not survive page.evaluate's JSON transport; rebuild them here.
    const d = args[0] as { users: number[]; items: number[]; numUsers: number; numItems: number };
    args = [{ ...d, users: Int32Array.from(d.users), items: Int32Array.from(d.items) }];
  }
  return (fn as (...a: unknown[]) => Promise<Record<string, number | string>>)(...args);
};
window.hearthBenchReady = true;

export {};
