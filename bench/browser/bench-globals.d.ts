/** Globals the bench page (bench-page.ts) exposes to the Playwright driver. */
interface Window {
  hearthBench: (name: string, args: unknown[]) => Promise<Record<string, number | string>>;
  hearthBenchReady: boolean;
}
