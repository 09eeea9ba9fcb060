import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchContext, BenchResults, BenchSection } from '../bench-types';
import { parseInteractions } from '../../src/core/data/parse/index';
import { openInputFile } from '../../src/cli/read-input';
import { SCALE_DATA_VERSION } from '../../src/core/demo-data';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'hearth-recs.mjs');
/** Catalog size of every generated shop. */
const ITEMS = 100_000;
/** Event-log sizes, with their result-key names. */
const ALL_SIZES: readonly [string, number][] = [
  ['events100k', 100_000],
  ['events1m', 1_000_000],
  ['events10m', 10_000_000],
];
/** `HEARTH_SCALE_MAX_EVENTS=1000000` stops after the 1M log (a quicker look; no 10M keys). */
const SIZES = ALL_SIZES.filter(
  ([, events]) => events <= Number(process.env['HEARTH_SCALE_MAX_EVENTS'] ?? Infinity),
);
const EPOCHS = 10;

/** Wall time, CPU time, peak RSS and output of one CLI run in a child process. */
interface CliRun {
  readonly ms: number;
  /** User + system CPU time of the child, all threads. */
  readonly cpuMs: number;
  readonly peakRssMB: number;
  readonly stdout: string;
}

/** Child-side code: run the CLI bin, and at exit print the process's own resource usage. */
const CHILD = [
  `process.argv.splice(1, 0, ${JSON.stringify(BIN)});`,
  "process.on('exit', () => {",
  '  const u = process.resourceUsage();',
  '  process.stderr.write(`\\nusage:${u.maxRSS}:${u.userCPUTime + u.systemCPUTime}\\n`);',
  '});',
  `await import(${JSON.stringify(pathToFileURL(BIN).href)});`,
].join('\n');

/**
 * Runs `hearth-recs <args>` in a child Node process (the bundled CLI, as users run it) and reads
 * the child's own peak RSS and CPU time (`process.resourceUsage()`, worker threads included).
 */
function runCli(args: readonly string[]): Promise<CliRun> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      const ms = performance.now() - started;
      const usage = /usage:(\d+):(\d+)/.exec(stderr);
      if (status !== 0 || !usage) {
        reject(new Error(`hearth-recs ${args[0]} failed (${status}): ${stderr.slice(-2000)}`));
        return;
      }
      resolvePromise({
        ms,
        peakRssMB: Number(usage[1]) / 1024,
        cpuMs: Number(usage[2]) / 1000,
        stdout,
      });
    });
  });
}

/**
 * `hearth-recs train` on a generated log with fixed settings; returns the run and its summary.
 * Without the catalog: the content tower's fit over 100k products is measured apart (docs/scale.md).
 */
async function train(dir: string, threads: number): Promise<CliRun & TrainSummary> {
  const run = await runCli([
    'train',
    '--interactions',
    join(dir, 'events.csv'),
    '--out',
    join(dir, `model-${threads}`),
    '--no-tune',
    '--epochs',
    String(EPOCHS),
    '--backend',
    'typed',
    '--threads',
    String(threads),
    '--json',
    '-q',
  ]);
  const summary = JSON.parse(run.stdout) as TrainSummary;
  return {
    ...run,
    trainMs: summary.trainMs,
    parseThreads: summary.parseThreads,
    stageMs: summary.stageMs,
  };
}

/** What the bench reads from `hearth-recs train --json`. */
interface TrainSummary {
  /** MF training time. */
  readonly trainMs: number;
  /** Slices the log was parsed in (one per thread). */
  readonly parseThreads: number;
  /** Wall time per stage of the command (read, catalog, matrix, mf, co-occurrence, trending, write). */
  readonly stageMs: Readonly<Record<string, number>>;
}

/** `scale.<key>.stage.<name>Ms` for each stage of a train run. */
function stageKeys(key: string, stageMs: Readonly<Record<string, number>>): BenchResults {
  const out: BenchResults = {};
  for (const [name, ms] of Object.entries(stageMs)) out[`scale.${key}.stage.${name}Ms`] = ms;
  return out;
}

const round = (x: number): number => Math.round(x);

/**
 * The cost curve of `hearth train` on generated shops of 100k items with 100k, 1M and 10M events:
 * generation, parse, MF time per epoch, wall time and peak RSS of the whole command with all
 * cores, and the wall time of each of its stages (`scale.<size>.stage.<name>Ms`; `parseMs` is the
 * command's parse on all cores, `parseOneThreadMs` a one-pass parse in this process); at 10M
 * events also with one thread (the thread speed-up). Data goes to a temporary folder that is
 * deleted afterwards.
 */
export const section: BenchSection = {
  title: 'Training at scale (generated shops, hearth train --no-tune)',
  async run(ctx: BenchContext): Promise<BenchResults> {
    const cores = availableParallelism();
    const tmp = mkdtempSync(join(tmpdir(), 'hearth-scale-train-'));
    const out: BenchResults = {
      'scale.train.cores': cores,
      'scale.train.items': ITEMS,
      'scale.train.generatorVersion': SCALE_DATA_VERSION,
    };
    try {
      for (const [key, events] of SIZES) {
        const dir = join(tmp, key);
        const generated = await runCli([
          'generate',
          '--items',
          String(ITEMS),
          '--events',
          String(events),
          '--out',
          dir,
          '-q',
        ]);
        // The one-pass parse in this process, beside the command's own (on all cores).
        const parseStart = performance.now();
        const { report } = await parseInteractions(openInputFile(join(dir, 'events.csv')));
        const parseOneThreadMs = performance.now() - parseStart;
        const run = await train(dir, cores);
        const epochMs = run.trainMs / EPOCHS;
        const parseMs = run.stageMs['read'] ?? NaN;
        ctx.log(
          `scale-train: ${report.acceptedRows} events: ` +
            `generate ${round(generated.ms)} ms (${round(generated.peakRssMB)} MB), ` +
            `parse ${round(parseMs)} ms in ${run.parseThreads} slices (${round(parseOneThreadMs)} ms in one), ` +
            `MF ${round(epochMs)} ms/epoch on ${cores} threads, train ${round(run.ms)} ms, ${round(run.peakRssMB)} MB; ` +
            `stages ${JSON.stringify(run.stageMs)}`,
        );
        Object.assign(out, {
          [`scale.${key}.generateMs`]: round(generated.ms),
          [`scale.${key}.generatePeakRssMB`]: round(generated.peakRssMB),
          [`scale.${key}.parseMs`]: round(parseMs),
          [`scale.${key}.parseThreads`]: run.parseThreads,
          [`scale.${key}.parseOneThreadMs`]: round(parseOneThreadMs),
          ...stageKeys(key, run.stageMs),
          [`scale.${key}.epochMs`]: round(epochMs),
          [`scale.${key}.trainWallMs`]: round(run.ms),
          [`scale.${key}.trainCpuMs`]: round(run.cpuMs),
          [`scale.${key}.peakRssMB`]: round(run.peakRssMB),
        });
        if (events === 10_000_000) {
          const single = await train(dir, 1);
          ctx.log(
            `scale-train: 10M events on 1 thread: MF ${round(single.trainMs / EPOCHS)} ms/epoch, ` +
              `train ${round(single.ms)} ms, ${round(single.peakRssMB)} MB; stages ${JSON.stringify(single.stageMs)}`,
          );
          Object.assign(out, {
            'scale.train10m.ms': round(run.ms),
            'scale.train10m.cpuMs': round(run.cpuMs),
            'scale.train10m.peakRssMB': round(run.peakRssMB),
            'scale.train10m.threads': cores,
            'scale.train10m.threadSpeedup': Number((single.trainMs / run.trainMs).toFixed(2)),
            'scale.train10m.wallSpeedup': Number((single.ms / run.ms).toFixed(2)),
            'scale.train10m.oneThreadMs': round(single.ms),
            'scale.train10m.oneThreadCpuMs': round(single.cpuMs),
            'scale.train10m.oneThreadPeakRssMB': round(single.peakRssMB),
            'scale.train10m.oneThreadParseMs': round(single.stageMs['read'] ?? NaN),
          });
        }
        rmSync(dir, { recursive: true, force: true });
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    return out;
  },
};
