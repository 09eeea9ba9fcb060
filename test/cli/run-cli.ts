import { expect } from 'vitest';
import { runCli } from '../../src/cli/main';

/** Exit code and captured output of one in-process CLI run. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output. */
export async function cli(args: readonly string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
  });
  return { code, stdout, stderr };
}

/** Stdout of a successful `--json` run, parsed; it must be exactly one line. */
export function jsonOut(run: CliRun): Record<string, unknown> {
  expect(run.code, run.stderr).toBe(0);
  const lines = run.stdout.split('\n').filter((l) => l.length > 0);
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

/** Expects a failed run with exactly one line on stderr and nothing on stdout; returns it. */
export function oneLineError(run: CliRun): string {
  expect(run.code).not.toBe(0);
  expect(run.stdout).toBe('');
  const lines = run.stderr.split('\n').filter((l) => l.length > 0);
  expect(lines, run.stderr).toHaveLength(1);
  return lines[0]!;
}
