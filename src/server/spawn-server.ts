/**
 * Starts the built server (dist/server/hearth-server.mjs) as a child process and waits for its
 * "listening" line; used by the crash test and the benchmark.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { OptionError } from '../core/errors';

/** A server child process. */
export interface SpawnedServer {
  readonly url: string;
  readonly child: ChildProcess;
  /** Sends `signal` and resolves once the process exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Spawns `node entry ...args` and resolves when it prints its URL (rejects after `timeoutMs`). */
export function spawnServer(o: {
  readonly entry: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}): Promise<SpawnedServer> {
  const child = spawn(process.execPath, [o.entry, ...o.args], {
    env: o.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new OptionError(
          `The server did not start within ${o.timeoutMs ?? 15_000} ms: ${stderr.trim()}`,
        ),
      );
    }, o.timeoutMs ?? 15_000);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1]!,
          child,
          async stop(signal = 'SIGTERM') {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            await exited;
          },
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new OptionError(`The server exited with code ${code} before listening: ${stderr.trim()}`),
      );
    });
  });
}
