/**
 * Page script of scale-browser.html (driven by bench/sections/scale-browser.ts): imports a large
 * event log into Hearth's worker the way the demo's "Your data" page does (a `Blob`, read, parsed
 * and stored in slices), then trains on it for a few epochs, timing each step.
 */
import type { ImportProgress } from '../../src/storage/import-options';
import type { Recommender } from '../../src/worker/recommender-types';
import { createWorkerRecommender } from '../../src/worker/worker-client';

/** What the driver calls. */
export interface ScaleBenchPage {
  importLog(url: string, dbName: string): Promise<Record<string, number | string>>;
  /** Trains on the stored log; `workers` caps the training workers (null: the default). */
  train(
    dbName: string,
    epochs: number,
    workers: number | null,
  ): Promise<Record<string, number | string>>;
  /** `performance.measureUserAgentSpecificMemory()` in MB (cross-origin isolated pages), or -1. */
  memoryMB(): Promise<number>;
}

declare global {
  interface Window {
    hearthScaleBench: ScaleBenchPage;
    hearthScaleBenchReady: boolean;
  }
}

let open: { key: string; recommender: Recommender } | null = null;

async function recommenderFor(dbName: string, workers: number | null): Promise<Recommender> {
  const key = `${dbName}/${workers}`;
  if (open?.key !== key) {
    open?.recommender.dispose();
    const config = {
      dbName,
      fineTuneAfterEvents: 0,
      ...(workers !== null && { trainingWorkers: workers }),
    };
    open = { key, recommender: createWorkerRecommender(config) };
  }
  await open.recommender.ready();
  return open.recommender;
}

window.hearthScaleBench = {
  async importLog(url, dbName) {
    const recommender = await recommenderFor(dbName, null);
    const fetched = performance.now();
    const file = await (await fetch(url)).blob();
    const downloadMs = performance.now() - fetched;
    let last: ImportProgress | null = null;
    const started = performance.now();
    const report = await recommender.importInteractions(file, {
      onProgress: (p) => (last = p),
    });
    const ingestMs = performance.now() - started;
    const progress = last as ImportProgress | null;
    return {
      ingestMs,
      downloadMs,
      fileMB: file.size / 2 ** 20,
      accepted: report.acceptedRows,
      rejected: report.rejectedRows,
      estimatedEvents: progress?.estimatedEvents ?? -1,
      isolated: String(crossOriginIsolated),
      cores: navigator.hardwareConcurrency,
    };
  },

  async train(dbName, epochs, workers) {
    const recommender = await recommenderFor(dbName, workers);
    const stored = (await recommender.storage()).interactions;
    const elapsed: number[] = [];
    const started = performance.now();
    const report = await recommender.train({
      backend: 'typed',
      tune: false,
      evaluate: false,
      mf: { epochs },
      onProgress: (p) => elapsed.push(p.elapsedMs),
    });
    const wallMs = performance.now() - started;
    // Per epoch: the first epoch's time and every later epoch's increment, median of them.
    const perEpoch = elapsed
      .map((ms, i) => ms - (i === 0 ? 0 : elapsed[i - 1]!))
      .sort((a, b) => a - b);
    return {
      wallMs,
      trainMs: report.trainMs,
      epochMs: perEpoch[Math.floor(perEpoch.length / 2)] ?? -1,
      epochs: elapsed.length,
      workers: report.workers ?? 1,
      stored,
      isolated: String(crossOriginIsolated),
    };
  },

  async memoryMB() {
    const measure = (
      performance as { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> }
    ).measureUserAgentSpecificMemory;
    if (!crossOriginIsolated || typeof measure !== 'function') return -1;
    return (await measure.call(performance)).bytes / 2 ** 20;
  },
};
window.hearthScaleBenchReady = true;
