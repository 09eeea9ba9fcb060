import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ExperimentDefinition } from '../src/core/experiments';
import type { ExperimentsDocument } from '../src/federated/experiment-protocol';

/**
 * A demo server of its own for `experiments.spec.ts` (`scripts/serve-demo.mjs --experiments`; the
 * shared e2e server runs no experiment), and the spec's result file for the bench. Writes only
 * under `test-results/`.
 */

/** Port of the experiments demo server. */
export const EXPERIMENTS_PORT = Number(process.env.HEARTH_E2E_EXPERIMENTS_PORT ?? 4183);
/** Its origin. */
export const EXPERIMENTS_ORIGIN = `http://127.0.0.1:${EXPERIMENTS_PORT}`;
/** The demo's deployment token (DEMO_FEDERATED_TOKEN in src/app/runtime/demo-config.ts). */
export const DEMO_TOKEN = 'hearth-demo-federated-token';
const OUT_DIR = resolve('test-results/experiments-e2e');
/** What the bench reads: `uploadBytesPerDevicePeriod` and the reports behind it. */
export const RESULT_FILE = resolve('test-results/experiments-e2e.json');

/** A running experiments demo server. */
export interface ExperimentsDemo {
  /** The definition it runs. */
  readonly definition: ExperimentDefinition;
  /** When the experiment stops (ms since epoch). */
  readonly stopAt: number;
  stop(): Promise<void>;
}

/**
 * The built demo experiment, stopping `stopAfterMs` from now, with a holdout too rare to draw
 * (the visit must see a row to click; holdout rows are covered by the widget and React tests).
 */
function writeExperimentsFile(stopAfterMs: number): {
  file: string;
  definition: ExperimentDefinition;
  stopAt: number;
} {
  const built = JSON.parse(
    readFileSync('dist/web/demo/experiments.json', 'utf8'),
  ) as ExperimentsDocument;
  const demo = built.experiments[0]!;
  const stopAt = Date.now() + stopAfterMs;
  const definition: ExperimentDefinition = {
    ...demo,
    arms: demo.arms.map((arm) => (arm.holdout ? { ...arm, weight: 1e-9 } : arm)),
    stop: new Date(stopAt).toISOString(),
  };
  mkdirSync(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, 'experiments.json');
  writeFileSync(file, JSON.stringify({ protocol: built.protocol, experiments: [definition] }));
  return { file, definition, stopAt };
}

/**
 * Starts the demo server with the experiment (fresh state); resolves once `/v1/experiments`
 * answers through the preview proxy.
 */
export async function startExperimentsDemo(stopAfterMs: number): Promise<ExperimentsDemo> {
  const { file, definition, stopAt } = writeExperimentsFile(stopAfterMs);
  const server: ChildProcess = spawn(
    process.execPath,
    [
      'scripts/serve-demo.mjs',
      ...['--host', '127.0.0.1', '--port', String(EXPERIMENTS_PORT)],
      ...['--data-dir', `.hearth-demo-server/e2e-experiments-${EXPERIMENTS_PORT}`, '--fresh'],
      ...['--experiments', file],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const stop = (): Promise<void> =>
    server.exitCode !== null || server.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((done) => {
          server.once('exit', () => done());
          server.kill('SIGTERM');
        });
  let output = '';
  server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`serve-demo exited:\n${output}`);
    try {
      const res = await fetch(`${EXPERIMENTS_ORIGIN}/v1/experiments`, {
        headers: { Authorization: `Bearer ${DEMO_TOKEN}` },
      });
      const doc = res.ok ? ((await res.json()) as ExperimentsDocument) : null;
      if (doc?.experiments.some((e) => e.id === definition.id)) return { definition, stopAt, stop };
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(
    `The experiments demo server did not start on port ${EXPERIMENTS_PORT}:\n${output}`,
  );
}

/** Writes the spec's measurements for the bench (`test-results/experiments-e2e.json`). */
export function writeExperimentsResult(result: Record<string, unknown>): void {
  writeFileSync(RESULT_FILE, `${JSON.stringify(result, null, 2)}\n`);
}
